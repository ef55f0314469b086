package org.jbabel.control;

/**
 * One line of a dump or of a monitor stream: an entry with what happened to it.
 *
 * @param kind {@code add} (in a dump, or new), {@code change} or {@code flush} (gone; the entry as last seen)
 * @param entry the entry
 */
public record ChangeEvent(Kind kind, Entry entry) {

    /** What happened to an entry; {@link #word()} is the first word of its line. */
    public enum Kind {
        ADD("add"), CHANGE("change"), FLUSH("flush");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** The kind for a line's first word, or null. */
        public static Kind byWord(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word)) {
                    return k;
                }
            }
            return null;
        }
    }

    public ChangeEvent {
        if (kind == null || entry == null) {
            throw new IllegalArgumentException("kind and entry are required");
        }
    }
}
