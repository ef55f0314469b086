package org.jbabel.config;

/**
 * Something accepted but worth telling the operator: a deprecated or removed directive that is ignored, or an
 * option that has no effect where it is used. The parser collects warnings; it never prints them.
 */
public record ConfigWarning(Position position, String statement, String message) {

    @Override
    public String toString() {
        return position.where() + ": warning: " + message + (statement == null ? "" : " in \"" + statement + "\"");
    }
}
