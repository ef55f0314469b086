package org.jbabel.engine;

/** What happened to an observed object. */
public enum ChangeKind {
    ADDED,
    CHANGED,
    REMOVED
}
