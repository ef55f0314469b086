package org.jbabel.ddhcp.dhcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds the messages a client sends, as RFC 2131 §4.4 says (with a PRL like udhcpc's). */
final class TestClient {
    static final byte[] PRL = {1, 3, 6, 12, 15, 28, 42};

    final byte[] mac;
    final byte[] clientId;
    int xid;

    TestClient(int n, byte[] clientId) {
        this.mac = new byte[] {0x52, 0x54, 0, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        this.clientId = clientId;
        this.xid = 0x1000 + n;
    }

    TestClient(int n) {
        this(n, null);
    }

    private DhcpMessage message(MessageType type, int ciaddr, boolean broadcast, DhcpOption... extra) {
        List<DhcpOption> o = new ArrayList<>();
        o.add(new DhcpOption(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type.code()}));
        o.addAll(List.of(extra));
        if (clientId != null) {
            o.add(new DhcpOption(DhcpOptions.CLIENT_IDENTIFIER, clientId));
        }
        o.add(new DhcpOption(DhcpOptions.PARAMETER_REQUEST_LIST, PRL));
        return new DhcpMessage(1, 1, 6, 0, xid, 0, broadcast ? DhcpMessage.FLAG_BROADCAST : 0, ciaddr, 0, 0, 0,
                Arrays.copyOf(mac, 16), o);
    }

    DhcpMessage discover() {
        xid++;
        return message(MessageType.DISCOVER, 0, false);
    }

    DhcpMessage discoverWanting(int address) {
        xid++;
        return message(MessageType.DISCOVER, 0, false, DhcpOptions.int32(DhcpOptions.REQUESTED_ADDRESS, address));
    }

    /** SELECTING: 50 and 54, same xid as the DISCOVER. */
    DhcpMessage select(int address, int server) {
        return message(MessageType.REQUEST, 0, false, DhcpOptions.int32(DhcpOptions.REQUESTED_ADDRESS, address),
                DhcpOptions.int32(DhcpOptions.SERVER_IDENTIFIER, server));
    }

    /** INIT-REBOOT: 50, no 54. */
    DhcpMessage reboot(int address) {
        xid++;
        return message(MessageType.REQUEST, 0, false, DhcpOptions.int32(DhcpOptions.REQUESTED_ADDRESS, address));
    }

    /** RENEWING / REBINDING: ciaddr, no 50 or 54. */
    DhcpMessage renew(int address) {
        xid++;
        return message(MessageType.REQUEST, address, false);
    }

    DhcpMessage requestWithoutAddress() {
        return message(MessageType.REQUEST, 0, false);
    }

    DhcpMessage release(int address, int server) {
        xid++;
        return message(MessageType.RELEASE, address, false, DhcpOptions.int32(DhcpOptions.SERVER_IDENTIFIER, server));
    }

    DhcpMessage decline(int address, int server) {
        xid++;
        return message(MessageType.DECLINE, 0, false, DhcpOptions.int32(DhcpOptions.REQUESTED_ADDRESS, address),
                DhcpOptions.int32(DhcpOptions.SERVER_IDENTIFIER, server));
    }

    DhcpMessage inform(int ciaddr) {
        xid++;
        return message(MessageType.INFORM, ciaddr, false);
    }
}
