package org.jbabel.cli.migrate;

/** Input {@code jbabel migrate} cannot translate: an unknown option, a bad value, an unreadable file. */
public final class MigrationException extends Exception {

    MigrationException(String message) {
        super(message);
    }
}
