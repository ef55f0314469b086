package org.jbabel.config;

import org.jbabel.wire.Bytes;

/** A {@code key id ID type TYPE value HEX} statement: a MAC key that interfaces refer to by its id. */
public record KeyConfig(String id, MacAlgorithm algorithm, Bytes value, Position position) {}
