package org.jbabel.control;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One object of an extension's dump section ({@link org.jbabel.extension.ControlRegistry#section}): printed as
 * {@code add KIND ID FIELD VALUE ...} and, in JSON, as an object under the extension's name and the section's kind.
 * Its identity for monitor events is ({@code kind}, {@code id}).
 *
 * <p>The fields are copied into immutable values when the entry is made, so that an extension changing its own
 * lists later never changes a snapshot: strings, numbers and booleans are kept, lists and maps are copied (their
 * elements likewise), anything else becomes its {@code toString()}; fields whose value is null are left out.
 *
 * @param extension the extension's name
 * @param kind the section, one word ({@code mmfd-neighbour})
 * @param id the object's identity within the section, one word
 * @param fields the fields in display order; names are words and never {@code id}
 */
public record ExtensionEntry(String extension, String kind, String id, Map<String, Object> fields) implements Entry {

    public ExtensionEntry {
        Names.check(extension, "extension name");
        Names.check(kind, "section kind");
        Names.check(id, "id");
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            Names.check(f.getKey(), "field name");
            if (f.getKey().equals("id")) {
                throw new IllegalArgumentException("a field must not be named 'id'");
            }
            if (f.getValue() != null) {
                copy.put(f.getKey(), JsonFormat.plain(f.getValue()));
            }
        }
        fields = Collections.unmodifiableMap(copy);
    }

    @Override
    public List<String> key() {
        return List.of(kind, id);
    }

    /**
     * A field value as one word of a text line: lists and maps joined by commas ({@code k=v} for maps), an empty
     * value as {@code -}, whitespace and control characters replaced by {@code _} (the text protocol has no quoting;
     * JSON has the exact value).
     */
    static String word(Object v) {
        String s = text(v);
        if (s.isEmpty()) {
            return "-";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                sb.setCharAt(i, '_');
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String text(Object v) {
        return switch (v) {
            case null -> "null";
            case List<?> list -> {
                StringBuilder sb = new StringBuilder();
                for (Object e : list) {
                    if (!sb.isEmpty()) {
                        sb.append(',');
                    }
                    sb.append(text(e));
                }
                yield sb.toString();
            }
            case Map<?, ?> map -> {
                StringBuilder sb = new StringBuilder();
                map.forEach((k, e) -> {
                    if (!sb.isEmpty()) {
                        sb.append(',');
                    }
                    sb.append(k).append('=').append(text(e));
                });
                yield sb.toString();
            }
            default -> v.toString();
        };
    }
}
