package org.jbabel.ddhcp.dhcp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Who a client is: its client identifier (option 61) when it sends one, else its hardware type followed by its
 * hardware address, which is what an Ethernet client's identifier usually is anyway (RFC 2132 §9.14).
 */
public record ClientId(byte[] bytes) {

    public ClientId {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty client id");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The id of the client that sent {@code m}. */
    public static ClientId of(DhcpMessage m) {
        byte[] id = m.option(DhcpOptions.CLIENT_IDENTIFIER);
        return id != null && id.length > 0 ? new ClientId(id) : ofHardware(m.htype(), m.hardwareAddress());
    }

    /** The id derived from a hardware address (type, then address). */
    public static ClientId ofHardware(int htype, byte[] hardwareAddress) {
        byte[] b = new byte[hardwareAddress.length + 1];
        b[0] = (byte) htype;
        System.arraycopy(hardwareAddress, 0, b, 1, hardwareAddress.length);
        return new ClientId(b);
    }

    /** Whether this id is just a hardware type followed by {@code hardware} (no identifier of the client's own). */
    public boolean isHardware(byte[] hardware) {
        return bytes.length == hardware.length + 1 && Arrays.equals(bytes, 1, bytes.length, hardware, 0,
                hardware.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientId c && Arrays.equals(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
