package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jbabel.ddhcp.dhcp.DhcpMessage;
import org.jbabel.ddhcp.dhcp.DhcpOption;
import org.jbabel.ddhcp.dhcp.DhcpOptions;
import org.jbabel.ddhcp.dhcp.DhcpReader;
import org.jbabel.ddhcp.dhcp.DhcpWriter;
import org.jbabel.ddhcp.dhcp.MessageType;
import org.jbabel.engine.Time;
import org.junit.jupiter.api.Test;

/** The demo's DHCP client: DISCOVER to ACK, renewing, rebinding, a lost lease, and what it ignores. */
class DemoDhcpClientTest {

    private static final byte[] MAC = {2, (byte) 0xde, 0, 0, 0, 4};
    private static final int SERVER = 0x0a74_e001; // 10.116.224.1
    private static final int ADDRESS = 0x0a74_e00c; // 10.116.224.12

    private final AtomicInteger xids = new AtomicInteger(100);
    private final List<String> events = new ArrayList<>();
    private final DemoDhcpClient client = new DemoDhcpClient(MAC, xids::incrementAndGet,
            new DemoDhcpClient.Listener() {
                @Override
                public void bound(DemoDhcpClient.Lease lease, boolean renewal) {
                    events.add((renewal ? "renewed " : "bound ") + lease);
                }

                @Override
                public void lost(String why) {
                    events.add("lost " + why);
                }
            });

    private static DhcpMessage parse(DemoDhcpClient.Datagram d) {
        return ((DhcpReader.Result.Parsed) DhcpReader.read(d.data())).message();
    }

    private static byte[] reply(DhcpMessage request, MessageType type, int yiaddr, int leaseSeconds) {
        List<DhcpOption> o = new ArrayList<>();
        o.add(new DhcpOption(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type.code()}));
        o.add(DhcpOptions.int32(DhcpOptions.SERVER_IDENTIFIER, SERVER));
        if (type != MessageType.NAK) {
            o.add(DhcpOptions.int32(DhcpOptions.SUBNET_MASK, DhcpOptions.mask(24)));
            o.add(DhcpOptions.int32(DhcpOptions.ROUTER, SERVER));
            o.add(DhcpOptions.int32(DhcpOptions.LEASE_TIME, leaseSeconds));
        }
        return DhcpWriter.write(new DhcpMessage(DhcpMessage.BOOTREPLY, 1, 6, 0, request.xid(), 0, 0, 0, yiaddr, 0,
                0, Arrays.copyOf(MAC, 16), o));
    }

    /** DISCOVER, OFFER, REQUEST, ACK at time {@code t}; returns the REQUEST. */
    private DhcpMessage bind(long t) {
        List<DemoDhcpClient.Datagram> discover = client.tick(t);
        assertThat(discover).hasSize(1);
        assertThat(discover.getFirst().destination()).isEqualTo(DemoDhcpClient.BROADCAST);
        DhcpMessage d = parse(discover.getFirst());
        assertThat(d.messageType()).isEqualTo(MessageType.DISCOVER);
        List<DemoDhcpClient.Datagram> request = client.received(t, reply(d, MessageType.OFFER, ADDRESS, 20));
        assertThat(request).hasSize(1);
        DhcpMessage r = parse(request.getFirst());
        assertThat(r.messageType()).isEqualTo(MessageType.REQUEST);
        assertThat(r.addressOption(DhcpOptions.REQUESTED_ADDRESS)).isEqualTo(ADDRESS);
        assertThat(r.addressOption(DhcpOptions.SERVER_IDENTIFIER)).isEqualTo(SERVER);
        assertThat(client.received(t, reply(r, MessageType.ACK, ADDRESS, 20))).isEmpty();
        return r;
    }

    @Test
    void discoversRequestsTheOfferAndIsBound() {
        bind(0);
        assertThat(client.state()).isEqualTo(DemoDhcpClient.State.BOUND);
        assertThat(client.lease()).isEqualTo(new DemoDhcpClient.Lease(ADDRESS, DhcpOptions.mask(24), SERVER, SERVER,
                20));
        assertThat(events).containsExactly("bound 10.116.224.12/24");
        assertThat(client.tick(Time.seconds(9))).as("nothing before T1").isEmpty();
    }

    @Test
    void anUnansweredDiscoverIsSentAgainAfterTheRetryInterval() {
        assertThat(client.tick(0)).hasSize(1);
        assertThat(client.tick(DemoDhcpClient.RETRY - 1)).isEmpty();
        List<DemoDhcpClient.Datagram> again = client.tick(DemoDhcpClient.RETRY);
        assertThat(again).hasSize(1);
        assertThat(parse(again.getFirst()).messageType()).isEqualTo(MessageType.DISCOVER);
    }

    @Test
    void renewsByUnicastAtT1AndKeepsTheLease() {
        bind(0);
        List<DemoDhcpClient.Datagram> renew = client.tick(Time.seconds(10));
        assertThat(renew).hasSize(1);
        assertThat(renew.getFirst().destination()).as("unicast to the server").isEqualTo(SERVER);
        DhcpMessage r = parse(renew.getFirst());
        assertThat(r.ciaddr()).isEqualTo(ADDRESS);
        assertThat(r.option(DhcpOptions.REQUESTED_ADDRESS)).isNull();
        client.received(Time.seconds(10), reply(r, MessageType.ACK, ADDRESS, 20));
        assertThat(client.renewals()).isEqualTo(1);
        assertThat(client.lost()).isZero();
        assertThat(client.addressChanges()).isZero();
        assertThat(events).containsExactly("bound 10.116.224.12/24", "renewed 10.116.224.12/24");
    }

    @Test
    void rebindsByBroadcastAtT2AndLosesTheLeaseWhenItExpires() {
        bind(0);
        client.tick(Time.seconds(10));
        List<DemoDhcpClient.Datagram> rebind = client.tick(Time.seconds(17) + Time.millis(500));
        assertThat(rebind).hasSize(1);
        assertThat(rebind.getFirst().destination()).isEqualTo(DemoDhcpClient.BROADCAST);
        assertThat(parse(rebind.getFirst()).ciaddr()).isEqualTo(ADDRESS);
        List<DemoDhcpClient.Datagram> after = client.tick(Time.seconds(20));
        assertThat(events).contains("lost expired");
        assertThat(client.lost()).isEqualTo(1);
        assertThat(client.lease()).isNull();
        assertThat(parse(after.getFirst()).messageType()).as("starts over").isEqualTo(MessageType.DISCOVER);
    }

    @Test
    void aNakWhileRenewingLosesTheLeaseAndStartsOver() {
        bind(0);
        DhcpMessage r = parse(client.tick(Time.seconds(10)).getFirst());
        List<DemoDhcpClient.Datagram> next = client.received(Time.seconds(10), reply(r, MessageType.NAK, 0, 0));
        assertThat(client.lost()).isEqualTo(1);
        assertThat(events).contains("lost NAK");
        assertThat(parse(next.getFirst()).messageType()).isEqualTo(MessageType.DISCOVER);
    }

    @Test
    void anotherAddressAfterALostLeaseIsCountedAsAChange() {
        bind(0);
        DhcpMessage r = parse(client.tick(Time.seconds(10)).getFirst());
        DhcpMessage d = parse(client.received(Time.seconds(10), reply(r, MessageType.NAK, 0, 0)).getFirst());
        DhcpMessage q = parse(client.received(Time.seconds(10), reply(d, MessageType.OFFER, ADDRESS + 1, 20))
                .getFirst());
        client.received(Time.seconds(10), reply(q, MessageType.ACK, ADDRESS + 1, 20));
        assertThat(client.addressChanges()).isEqualTo(1);
        assertThat(client.firstAddress()).isEqualTo(ADDRESS);
    }

    @Test
    void repliesForOthersAndGarbageAreIgnoredAndCounted() {
        DhcpMessage d = parse(client.tick(0).getFirst());
        byte[] offer = reply(d, MessageType.OFFER, ADDRESS, 20);
        byte[] otherXid = reply(new DhcpMessage(d.op(), d.htype(), d.hlen(), 0, d.xid() + 1, 0, 0, 0, 0, 0, 0,
                d.chaddr(), d.options()), MessageType.OFFER, ADDRESS, 20);
        assertThat(client.received(0, otherXid)).isEmpty();
        assertThat(client.received(0, new byte[] {1, 2, 3})).isEmpty();
        assertThat(client.received(0, reply(d, MessageType.ACK, ADDRESS, 20))).as("an ACK without a REQUEST")
                .isEmpty();
        assertThat(client.ignored()).isEqualTo(3);
        assertThat(client.state()).isEqualTo(DemoDhcpClient.State.SELECTING);
        assertThat(client.received(0, offer)).hasSize(1);
    }
}
