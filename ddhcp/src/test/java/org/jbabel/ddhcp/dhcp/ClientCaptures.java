package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * DHCP messages sent by real clients (busybox udhcpc 1.35.0, ISC dhclient 4.4.3-P1) on a veth, as UDP payloads in
 * hex; {@code clients/README.md} beside them says how they were captured.
 */
final class ClientCaptures {
    private ClientCaptures() {}

    static byte[] bytes(String name) {
        try (InputStream in = ClientCaptures.class.getResourceAsStream("clients/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + name);
            }
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DhcpMessage message(String name) {
        return switch (DhcpReader.read(bytes(name))) {
            case DhcpReader.Result.Parsed p -> p.message();
            case DhcpReader.Result.Malformed m -> throw new AssertionError(name + ": " + m);
        };
    }
}
