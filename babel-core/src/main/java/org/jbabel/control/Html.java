package org.jbabel.control;

/**
 * Text made safe for HTML and SVG (XML): every string on the status page, most of them from the network or from
 * other nodes (router-ids, interface names, host names, DHCP client identifiers), goes through {@link #text}.
 */
final class Html {

    private Html() {}

    /**
     * {@code s} as character data or an attribute value: {@code & < > " '} as entities, and every character XML 1.0
     * does not allow (control characters but tab and newline, lone surrogates, U+FFFE/U+FFFF) as {@code ?}, so that
     * the SVG stays well-formed and nothing can steer the page.
     */
    static String text(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (c < ' ' && c != '\t' && c != '\n' || c >= 0x7f && c <= 0x9f
                            || Character.isSurrogate(c) || c == 0xfffe || c == 0xffff) {
                        out.append('?');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
