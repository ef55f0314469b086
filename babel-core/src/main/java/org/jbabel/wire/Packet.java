package org.jbabel.wire;

import java.util.List;

/**
 * A Babel packet: the TLVs of the body, and those of the trailer (MAC TLVs, RFC 8967), each in wire order.
 */
public record Packet(List<Tlv> body, List<Tlv> trailer) {
    public static final int MAGIC = 42;
    public static final int VERSION = 2;
    public static final int HEADER_LENGTH = 4;
    public static final int UDP_PORT = 6696;

    public Packet {
        body = List.copyOf(body);
        trailer = List.copyOf(trailer);
    }

    public static Packet of(List<Tlv> body) {
        return new Packet(body, List.of());
    }
}
