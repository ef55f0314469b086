package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RuleChange;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** The rtnetlink encoding and decoding without a kernel: round trips and bad input. */
class RtnlCodecTest {

    private static final IpAddress FE80_1 = IpAddress.parse("fe80::1");
    private final NetlinkCounters counters = new NetlinkCounters();
    private final RtnlCodec codec = new RtnlCodec(counters, name -> false);

    private static final List<KernelRoute> ROUTES = List.of(
            KernelRoute.unicast(Prefix.parse("2001:db8::/32"), Prefix.zero(Family.V6), FE80_1, 3, 0),
            KernelRoute.unicast(Prefix.parse("2001:db8:1::/48"), Prefix.parse("2001:db8:ff::/56"), FE80_1, 3, 1024),
            KernelRoute.unicast(Prefix.parse("10.0.0.0/8"), Prefix.zero(Family.V4), FE80_1, 7, 300),
            KernelRoute.unicast(Prefix.parse("10.1.0.0/16"), Prefix.zero(Family.V4), IpAddress.parse("192.0.2.1"), 7, 0),
            KernelRoute.unicast(Prefix.V6_DEFAULT, Prefix.zero(Family.V6), FE80_1, 3, 0).withTable(1000)
                    .withPreferredSource(IpAddress.parse("2001:db8::1")),
            KernelRoute.unreachable(Prefix.parse("2001:db8:2::/48"), Prefix.zero(Family.V6), KernelMetric.KERNEL_INFINITY),
            KernelRoute.unicast(Prefix.parse("192.0.2.0/24"), Prefix.zero(Family.V4), null, 4, 0xFFFF_FFFFL));

    private static ByteBuffer encode(FibChange change, int seq) {
        MessageBuilder b = new MessageBuilder();
        RtnlCodec.writeChange(b, change, seq);
        return b.take();
    }

    @Test
    void everyRouteWeWriteReadsBackUnchanged() {
        for (KernelRoute route : ROUTES) {
            List<NetlinkMessage> messages = NetlinkMessage.split(encode(FibChange.add(route), 42), counters);

            assertThat(messages).singleElement().satisfies(m -> {
                assertThat(m.type()).isEqualTo(Rtnl.RTM_NEWROUTE);
                assertThat(m.seq()).isEqualTo(42);
                assertThat(codec.route(m)).isEqualTo(route);
            });
        }
        assertThat(counters.get(NetlinkCounters.Kind.MALFORMED_ATTRIBUTE)).isZero();
    }

    @Test
    void everyRuleWeWriteReadsBackUnchangedAndRemoveIsADelRule() {
        List<KernelRule> rules = List.of(KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10),
                KernelRule.babel(Prefix.parse("2001:db8:ff::/56"), 0xFFFF_FFFFL, 100_000),
                new KernelRule(Family.V4, 32766, Prefix.zero(Family.V4), 254, KernelRule.PROTOCOL_KERNEL));
        for (KernelRule rule : rules) {
            MessageBuilder b = new MessageBuilder();
            RtnlCodec.writeRuleChange(b, RuleChange.add(rule), 7);
            RtnlCodec.writeRuleChange(b, RuleChange.remove(rule), 8);
            List<NetlinkMessage> messages = NetlinkMessage.split(b.take(), counters);

            assertThat(messages).extracting(NetlinkMessage::type).containsExactly(Rtnl.RTM_NEWRULE, Rtnl.RTM_DELRULE);
            assertThat(messages.getFirst().flags() & (Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL))
                    .isEqualTo(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL);
            assertThat(codec.rule(messages.getFirst())).isEqualTo(rule);
        }
        assertThat(counters.get(NetlinkCounters.Kind.MALFORMED_ATTRIBUTE)).isZero();
    }

    @Test
    void rulesOfAnotherShapeAreSkippedAndAShortOneIsCounted() {
        MessageBuilder b = new MessageBuilder();
        RtnlCodec.writeRuleChange(b, RuleChange.add(KernelRule.babel(Prefix.parse("10.0.0.0/8"), 5, 10)), 1);
        ByteBuffer inverted = b.take();
        inverted.putInt(Rtnl.NLMSG_HDRLEN + 8, Rtnl.FIB_RULE_INVERT);
        assertThat(codec.rule(NetlinkMessage.split(inverted, counters).getFirst())).isNull();

        MessageBuilder s = new MessageBuilder();
        s.begin(Rtnl.RTM_NEWRULE, 0, 1).u8(Rtnl.AF_INET).u8(0).u8(0).u8(0).end();
        assertThat(codec.rule(NetlinkMessage.split(s.take(), counters).getFirst())).isNull();
        assertThat(counters.get(NetlinkCounters.Kind.MALFORMED_ATTRIBUTE)).isEqualTo(1);
    }

    @Test
    void addIsExclusiveReplaceOverwritesAndRemoveIsADelete() {
        KernelRoute route = ROUTES.getFirst();
        int ack = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK;

        NetlinkMessage add = NetlinkMessage.split(encode(FibChange.add(route), 1), counters).getFirst();
        NetlinkMessage replace = NetlinkMessage.split(encode(FibChange.replace(route), 2), counters).getFirst();
        NetlinkMessage remove = NetlinkMessage.split(encode(FibChange.remove(route), 3), counters).getFirst();

        assertThat(add.flags()).isEqualTo(ack | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL);
        assertThat(replace.flags()).isEqualTo(ack | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE);
        assertThat(remove.type()).isEqualTo(Rtnl.RTM_DELROUTE);
        assertThat(remove.flags()).isEqualTo(ack);
        assertThat(Byte.toUnsignedInt(remove.body().get(6))).as("scope").isEqualTo(Rtnl.RT_SCOPE_NOWHERE);
        assertThat(add.body().getInt(8) & Rtnl.RTNH_F_ONLINK).as("onlink").isNotZero();
    }

    @Test
    void severalRequestsShareOneDatagramAndSplitApart() {
        MessageBuilder b = new MessageBuilder();
        for (int i = 0; i < ROUTES.size(); i++) {
            RtnlCodec.writeChange(b, FibChange.add(ROUTES.get(i)), 100 + i);
        }

        List<NetlinkMessage> messages = NetlinkMessage.split(b.take(), counters);

        assertThat(messages).extracting(NetlinkMessage::seq).containsExactly(100, 101, 102, 103, 104, 105, 106);
        assertThat(messages.stream().map(codec::route).toList()).isEqualTo(ROUTES);
    }

    @Test
    void aHeaderLongerThanTheDatagramIsCountedAndEndsIt() {
        ByteBuffer datagram = encode(FibChange.add(ROUTES.getFirst()), 1);
        datagram.putInt(0, datagram.remaining() + 4);

        assertThat(NetlinkMessage.split(datagram, counters)).isEmpty();
        assertThat(counters.get(NetlinkCounters.Kind.MALFORMED_MESSAGE)).isEqualTo(1);
    }

    @Test
    void anAttributeRunningPastTheMessageIsCountedAndTheRouteDropped() {
        ByteBuffer datagram = encode(FibChange.add(ROUTES.getFirst()), 1);
        // The first attribute starts after the 16-byte header and the 12-byte rtmsg.
        datagram.putShort(Rtnl.NLMSG_HDRLEN + Rtnl.RTMSG_LEN, (short) 2000);

        NetlinkMessage m = NetlinkMessage.split(datagram, counters).getFirst();

        assertThat(codec.route(m)).isNull();
        assertThat(counters.get(NetlinkCounters.Kind.MALFORMED_ATTRIBUTE)).isEqualTo(1);
    }

    @Test
    void anIpv6RouteThroughAnIpv4ViaIsMalformedNotAnException() {
        MessageBuilder b = new MessageBuilder();
        b.begin(Rtnl.RTM_NEWROUTE, 0, 1).u8(Rtnl.AF_INET6).u8(0).u8(0).u8(0).u8(254).u8(42).u8(0).u8(1).u32(0);
        b.attr(Rtnl.RTA_VIA, new byte[] {(byte) Rtnl.AF_INET, 0, 10, 0, 0, 1}).end();

        NetlinkMessage m = NetlinkMessage.split(b.take(), counters).getFirst();

        assertThat(codec.route(m)).isNull();
        assertThat(counters.get(NetlinkCounters.Kind.MALFORMED_ATTRIBUTE)).isEqualTo(1);
    }

    @Test
    void cachedClonesAndOtherFamiliesAreSkippedWithoutCounting() {
        MessageBuilder b = new MessageBuilder();
        b.begin(Rtnl.RTM_NEWROUTE, 0, 1).u8(Rtnl.AF_INET6).u8(0).u8(0).u8(0).u8(254).u8(42).u8(0).u8(1)
                .u32(Rtnl.RTM_F_CLONED).end();
        b.begin(Rtnl.RTM_NEWROUTE, 0, 2).u8(28).u8(0).u8(0).u8(0).u8(254).u8(42).u8(0).u8(1).u32(0).end();

        List<NetlinkMessage> messages = NetlinkMessage.split(b.take(), counters);

        assertThat(messages).hasSize(2).allSatisfy(m -> assertThat(codec.route(m)).isNull());
        assertThat(counters.snapshot().values()).allMatch(v -> v == 0);
    }

    @Property(tries = 300)
    void arbitraryBytesNeverThrow(@ForAll("datagrams") byte[] bytes) {
        ByteBuffer datagram = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        for (NetlinkMessage m : NetlinkMessage.split(datagram, counters)) {
            codec.route(m);
            codec.link(m);
            codec.address(m);
            m.errno();
        }
    }

    @Property(tries = 300)
    void corruptedRouteMessagesNeverThrow(@ForAll("corruptions") int[] flips) {
        ByteBuffer datagram = encode(FibChange.add(ROUTES.get(flips[0] & 3)), 1);
        for (int i = 1; i + 1 < flips.length; i += 2) {
            int at = Math.floorMod(flips[i], datagram.remaining());
            datagram.put(at, (byte) flips[i + 1]);
        }
        for (NetlinkMessage m : NetlinkMessage.split(datagram, counters)) {
            codec.route(m);
            codec.link(m);
            codec.address(m);
        }
    }

    @Provide
    Arbitrary<byte[]> datagrams() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    @Provide
    Arbitrary<int[]> corruptions() {
        return Arbitraries.integers().array(int[].class).ofMinSize(3).ofMaxSize(9);
    }
}
