package org.jbabel.config;

/** The four filter lists, in the words that start their statements. */
public enum FilterKind {
    /** {@code in}: routes learned from neighbours; no match means allow. */
    IN("in"),
    /** {@code out}: routes announced to neighbours; no match means allow. */
    OUT("out"),
    /** {@code redistribute}: kernel routes and local addresses into Babel; no match means deny. */
    REDISTRIBUTE("redistribute"),
    /** {@code install}: selected routes into the kernel; no match means deny (babeld appends {@code install allow}). */
    INSTALL("install");

    private final String word;

    FilterKind(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** What applies when no rule of the list matches. */
    public FilterAction defaultAction() {
        return this == IN || this == OUT ? FilterAction.ALLOW : FilterAction.DENY;
    }

    static FilterKind byWord(String word) {
        for (FilterKind k : values()) {
            if (k.word.equals(word)) {
                return k;
            }
        }
        return null;
    }
}
