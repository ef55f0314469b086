package org.jbabel.control;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to one request (or one batch of monitor events), produced a chunk at a time: {@link #writeTo} writes
 * whole lines (or, inside a {@code dump json} line, whole entries) until the chunk holds the bytes asked for, from
 * the records of a snapshot, so that no answer is ever held whole as a string or as bytes. The bytes are those babeld
 * prints (text lines) and the compact JSON of docs/CONTROL.md, in UTF-8, each line ended by a newline.
 *
 * <p>Not thread-safe; an answer is written once, from its start to its end.
 */
public final class Answer {

    private final ArrayDeque<Piece> pieces = new ArrayDeque<>();

    private Answer() {}

    /** An answer with nothing to send. */
    static Answer empty() {
        return new Answer();
    }

    /** Fixed lines (a banner, a status line). */
    static Answer lines(List<String> lines) {
        return empty().then(new Lines(List.copyOf(lines)));
    }

    /** Appends fixed lines. */
    Answer thenLines(String... lines) {
        return lines.length == 0 ? this : then(new Lines(List.of(lines)));
    }

    /** Appends the {@code add} lines of a dump. */
    Answer thenDump(StateSnapshot snapshot) {
        return then(new Events(null, snapshot.entries(), false));
    }

    /** Appends monitor events, as text lines or as JSON lines. */
    Answer thenEvents(List<ChangeEvent> events, boolean json) {
        return events.isEmpty() ? this : then(new Events(events, null, json));
    }

    /** Appends the one-line JSON object of a dump. */
    Answer thenJsonDump(StateSnapshot snapshot) {
        return then(new JsonDump(snapshot));
    }

    /**
     * Appends the text of an extension command as lines. A line that would read as a status line ({@code ok},
     * {@code bad}, {@code no ...}) gets a leading space, so that it cannot end the answer early; carriage returns are
     * dropped.
     */
    Answer thenText(String text) {
        if (text == null || text.isEmpty()) {
            return this;
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        List<String> lines = new ArrayList<>();
        for (String l : body.replace("\r", "").split("\n", -1)) {
            lines.add(l.equals("ok") || l.equals("bad") || l.equals("no") || l.startsWith("no ") ? " " + l : l);
        }
        return then(new Lines(lines));
    }

    /**
     * Appends a value (maps, lists, strings, numbers, booleans) as one line of compact JSON, written a top-level
     * element at a time from a copy taken now (see {@link JsonFormat#plain}).
     */
    Answer thenJson(Object value) {
        return then(new JsonValue(value));
    }

    /** Appends bytes as they are (the head and body of an HTTP response), written a chunk at a time. */
    Answer thenBytes(byte[] bytes) {
        return bytes.length == 0 ? this : then(new Bytes(bytes));
    }

    /** Appends what is left of another answer. */
    Answer then(Answer more) {
        pieces.addAll(more.pieces);
        more.pieces.clear();
        return this;
    }

    private Answer then(Piece p) {
        pieces.add(p);
        return this;
    }

    /** Whether everything was written. */
    public boolean done() {
        return pieces.isEmpty();
    }

    /**
     * Writes the next lines (or JSON entries) to {@code out}, stopping once at least {@code target} bytes were
     * written (at most one line or entry more) or the answer is complete.
     *
     * @return true when the answer is complete
     */
    public boolean writeTo(OutputStream out, int target) throws IOException {
        Counting c = new Counting(out);
        while (!pieces.isEmpty()) {
            if (!pieces.peek().write(c, target)) {
                return false;
            }
            pieces.poll();
            if (c.count >= target) {
                return pieces.isEmpty();
            }
        }
        return true;
    }

    /** The rest of the answer, as lines without their newlines: for tests and small answers only. */
    public List<String> lines() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            writeTo(all, Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = all.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    /** A part of an answer, written over one or more calls. */
    private interface Piece {
        /** Writes on until {@code out.count >= target} or the end; true at the end. */
        boolean write(Counting out, int target) throws IOException;
    }

    private static final class Lines implements Piece {
        private final List<String> lines;
        private int next;

        Lines(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public boolean write(Counting out, int target) throws IOException {
            while (next < lines.size()) {
                out.line(lines.get(next++));
                if (out.count >= target) {
                    break;
                }
            }
            return next == lines.size();
        }
    }

    private static final class Bytes implements Piece {
        private final byte[] bytes;
        private int next;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public boolean write(Counting out, int target) throws IOException {
            int n = (int) Math.min(bytes.length - next, Math.max(1, target - out.count));
            out.write(bytes, next, n);
            next += n;
            return next == bytes.length;
        }
    }

    /** Monitor events, or the entries of a dump as {@code add} events. */
    private static final class Events implements Piece {
        private final List<ChangeEvent> events;
        private final List<Entry> added;
        private final boolean json;
        private int next;

        Events(List<ChangeEvent> events, List<Entry> added, boolean json) {
            this.events = events;
            this.added = added;
            this.json = json;
        }

        @Override
        public boolean write(Counting out, int target) throws IOException {
            int size = events != null ? events.size() : added.size();
            while (next < size) {
                ChangeEvent e = events != null ? events.get(next) : new ChangeEvent(ChangeEvent.Kind.ADD,
                        added.get(next));
                next++;
                out.line(json ? JsonFormat.line(JsonFormat.event(e)) : BabeldText.format(e));
                if (out.count >= target) {
                    break;
                }
            }
            return next == size;
        }
    }

    /**
     * {@code dump json}: one JSON object on one line, written through jackson's streaming generator an entry at a
     * time, in the shape of docs/CONTROL.md.
     */
    private static final class JsonDump implements Piece {
        private static final String[] ARRAYS = {"babel-interfaces", "babel-neighbors", "xroutes", "babel-routes"};

        private final StateSnapshot snapshot;
        private final Redirect sink = new Redirect();
        private JsonGenerator gen;
        private int array = -1;
        private int next;
        /** The extension objects grouped by extension, then kind (first appearance first); null until written. */
        private List<ExtensionEntry> grouped;
        private int nextExtension;

        JsonDump(StateSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        private List<? extends Entry> list(int i) {
            return switch (i) {
                case 0 -> snapshot.interfaces();
                case 1 -> snapshot.neighbours();
                case 2 -> snapshot.xroutes();
                default -> snapshot.routes();
            };
        }

        /**
         * {@code "extensions":{"NAME":{"KIND":[{"id":...},...],...},...}} when there are extension objects; true when
         * written.
         */
        private boolean writeExtensions(Counting out, int target) throws IOException {
            if (snapshot.extensions().isEmpty()) {
                return true;
            }
            if (grouped == null) {
                Map<String, Map<String, List<ExtensionEntry>>> byName = new LinkedHashMap<>();
                for (ExtensionEntry e : snapshot.extensions()) {
                    byName.computeIfAbsent(e.extension(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
                }
                grouped = new ArrayList<>(snapshot.extensions().size());
                byName.values().forEach(kinds -> kinds.values().forEach(grouped::addAll));
                gen.writeObjectFieldStart("extensions");
            }
            while (nextExtension < grouped.size()) {
                ExtensionEntry e = grouped.get(nextExtension);
                ExtensionEntry before = nextExtension > 0 ? grouped.get(nextExtension - 1) : null;
                boolean newExtension = before == null || !before.extension().equals(e.extension());
                if (newExtension || !before.kind().equals(e.kind())) {
                    if (before != null) {
                        gen.writeEndArray();
                        if (newExtension) {
                            gen.writeEndObject();
                        }
                    }
                    if (newExtension) {
                        gen.writeObjectFieldStart(e.extension());
                    }
                    gen.writeArrayFieldStart(e.kind());
                }
                JsonFormat.writeEntry(gen, e);
                nextExtension++;
                if (nextExtension < grouped.size() && out.count + gen.getOutputBuffered() >= target) {
                    gen.flush();
                    return false;
                }
            }
            gen.writeEndArray();
            gen.writeEndObject();
            gen.writeEndObject();
            return true;
        }

        @Override
        public boolean write(Counting out, int target) throws IOException {
            sink.to = out;
            if (gen == null) {
                gen = JsonFormat.generator(sink);
                gen.writeStartObject();
                gen.writeStringField("babel-implementation-version", snapshot.node().version());
                gen.writeStringField("host", snapshot.node().host());
                gen.writeStringField("babel-self-router-id", snapshot.node().routerId().toString());
                array = 0;
                next = 0;
                gen.writeArrayFieldStart(ARRAYS[0]);
            }
            while (array < ARRAYS.length) {
                List<? extends Entry> entries = list(array);
                while (next < entries.size()) {
                    JsonFormat.writeEntry(gen, entries.get(next++));
                    if (out.count + gen.getOutputBuffered() >= target) {
                        gen.flush();
                        return false;
                    }
                }
                gen.writeEndArray();
                array++;
                next = 0;
                if (array < ARRAYS.length) {
                    gen.writeArrayFieldStart(ARRAYS[array]);
                }
            }
            if (!writeExtensions(out, target)) {
                return false;
            }
            gen.writeObjectFieldStart("counters");
            for (Map.Entry<String, Long> c : snapshot.counters().entrySet()) {
                gen.writeNumberField(c.getKey(), c.getValue());
            }
            gen.writeEndObject();
            gen.writeEndObject();
            gen.close();
            out.write('\n');
            return true;
        }
    }

    /** A JSON value on one line; a top-level list or map is written an element at a time. */
    private static final class JsonValue implements Piece {
        private final Object value;
        private final Redirect sink = new Redirect();
        private JsonGenerator gen;
        private java.util.Iterator<?> elements;

        JsonValue(Object value) {
            this.value = JsonFormat.plain(value);
        }

        @Override
        public boolean write(Counting out, int target) throws IOException {
            sink.to = out;
            if (gen == null) {
                gen = JsonFormat.generator(sink);
                switch (value) {
                    case Iterable<?> list -> {
                        gen.writeStartArray();
                        elements = list.iterator();
                    }
                    case Map<?, ?> map -> {
                        gen.writeStartObject();
                        elements = map.entrySet().iterator();
                    }
                    default -> JsonFormat.writeValue(gen, value);
                }
            }
            if (elements != null) {
                while (elements.hasNext()) {
                    Object e = elements.next();
                    if (e instanceof Map.Entry<?, ?> field && value instanceof Map<?, ?>) {
                        gen.writeFieldName(String.valueOf(field.getKey()));
                        JsonFormat.writeValue(gen, field.getValue());
                    } else {
                        JsonFormat.writeValue(gen, e);
                    }
                    if (elements.hasNext() && out.count + gen.getOutputBuffered() >= target) {
                        gen.flush();
                        return false;
                    }
                }
                if (value instanceof Map<?, ?>) {
                    gen.writeEndObject();
                } else {
                    gen.writeEndArray();
                }
            }
            gen.close();
            out.write('\n');
            return true;
        }
    }

    /** The generator's target, pointed at the chunk being written. */
    private static final class Redirect extends OutputStream {
        OutputStream to;

        @Override
        public void write(int b) throws IOException {
            to.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            to.write(b, off, len);
        }

        @Override
        public void close() {
            // the chunk is not the generator's to close
        }
    }

    /** Counts the bytes written through it. */
    private static final class Counting extends OutputStream {
        private final OutputStream out;
        long count;

        Counting(OutputStream out) {
            this.out = out;
        }

        void line(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b);
            out.write('\n');
            count += b.length + 1;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** For debugging: the kinds of pieces left. */
    @Override
    public String toString() {
        List<String> kinds = new ArrayList<>();
        pieces.forEach(p -> kinds.add(p.getClass().getSimpleName()));
        return "Answer" + kinds;
    }
}
