package org.jbabel.config;

/** A babeld boolean word: {@code true}/{@code yes}, {@code false}/{@code no}, or {@code default}/{@code auto}. */
enum Tristate {
    TRUE,
    FALSE,
    DEFAULT;

    /** As an interface option: null means "not set here", which is what babeld does with default/auto. */
    Boolean orNull() {
        return this == DEFAULT ? null : this == TRUE;
    }

    /** As a global flag: babeld treats default/auto as false there. */
    boolean isTrue() {
        return this == TRUE;
    }
}
