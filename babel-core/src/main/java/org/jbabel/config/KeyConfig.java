package org.jbabel.config;

import org.jbabel.wire.Bytes;

/**
 * A {@code key id ID type TYPE value HEX} statement: a MAC key that interfaces refer to by its id, with the times
 * it may be used (jbabel's {@code send-from}, {@code send-until}, {@code accept-from}, {@code accept-until}).
 */
public record KeyConfig(String id, MacAlgorithm algorithm, Bytes value, KeyValidity validity, Position position) {

    public KeyConfig {
        if (validity == null) {
            validity = KeyValidity.ALWAYS;
        }
    }

    /** A key as babeld knows it: valid at all times. */
    public KeyConfig(String id, MacAlgorithm algorithm, Bytes value, Position position) {
        this(id, algorithm, value, KeyValidity.ALWAYS, position);
    }
}
