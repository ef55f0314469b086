package org.jbabel.roaming.prefixd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.engine.Time;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.Topology;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * prefixd on three simulated nodes in a line: two uplinks at the ends with their own /64, the client side in the
 * middle; a simulated client on the middle node's client interface receives the RAs.
 */
class PrefixdSimTest {

    static final Prefix A = Prefix.parse("2001:db8:a::/64");
    static final Prefix B = Prefix.parse("2001:db8:b::/64");
    static final Prefix STATIC = Prefix.parse("2001:db8:5::/64");
    static final byte[] NEXT_NODE_MAC = HexFormat.ofDelimiter(":").parseHex("02:ca:ff:ee:ba:be");

    /** A received RA: when, the router lifetime, the source link-layer address, and per prefix {valid, preferred}. */
    record Ra(long at, int routerLifetime, byte[] mac, Map<Prefix, long[]> prefixes, boolean onLinkAnywhere) {}

    static Ra parse(long at, byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m);
        assertThat(b.get(0) & 0xff).isEqualTo(134);
        int lifetime = b.getShort(6) & 0xffff;
        byte[] mac = null;
        Map<Prefix, long[]> prefixes = new LinkedHashMap<>();
        boolean onLink = false;
        int at0 = 16;
        while (at0 + 2 <= m.length) {
            int type = m[at0] & 0xff;
            int len = (m[at0 + 1] & 0xff) * 8;
            assertThat(len).isPositive();
            if (type == 1) {
                mac = java.util.Arrays.copyOfRange(m, at0 + 2, at0 + 8);
            } else if (type == 3) {
                int plen = m[at0 + 2] & 0xff;
                onLink |= (m[at0 + 3] & 0x80) != 0;
                assertThat(m[at0 + 3] & 0x40).as("autonomous").isNotZero();
                long valid = b.getInt(at0 + 4) & 0xffff_ffffL;
                long preferred = b.getInt(at0 + 8) & 0xffff_ffffL;
                byte[] addr = java.util.Arrays.copyOfRange(m, at0 + 16, at0 + 32);
                prefixes.put(new Prefix(IpAddress.of(addr), plen), new long[] {valid, preferred});
            }
            at0 += len;
        }
        return new Ra(at, lifetime, mac, prefixes, onLink);
    }

    /** The client side of a node, as the roaming extension gives it. */
    static final class Link implements ClientLink {
        final List<String> events = new ArrayList<>();

        @Override
        public String interfaceName() {
            return SimClients.DEFAULT_INTERFACE;
        }

        @Override
        public byte[] routerMac() {
            return NEXT_NODE_MAC.clone();
        }

        @Override
        public List<Prefix> staticPrefixes() {
            return List.of(STATIC);
        }

        @Override
        public void prefixOffered(Prefix prefix, boolean offered) {
            events.add((offered ? "+" : "-") + prefix);
        }
    }

    private static PrefixdSettings uplink(Prefix p, int metric) {
        return new PrefixdSettings(List.of(p), null, metric, PrefixdSettings.DEFAULT_MAX_PREFIXES,
                PrefixdSettings.DEFAULT_MAX_METRIC);
    }

    @Test
    void clientsGetBothUplinkPrefixesByRaAndOneIsDeprecatedAtOnceWhenItsRouteGoes() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(60)));
        Link link = new Link();
        sim.setExtensions(node -> switch (node) {
            case 0 -> Map.of("prefixd", new Prefixd(uplink(A, 0)));
            case 2 -> Map.of("prefixd", new Prefixd(uplink(B, 0)));
            default -> {
                Prefixd p = new Prefixd(new PrefixdSettings(List.of(), null, 0, 3, 12_000),
                        new java.util.SplittableRandom(1));
                p.setClientLink(link);
                yield Map.of("prefixd", p);
            }
        });
        List<Ra> ras = new ArrayList<>();
        sim.clients().setObserver((client, what) -> {
            if (what.protocol() == 58 && what.data().length > 0 && (what.data()[0] & 0xff) == 134) {
                ras.add(parse(sim.now(), what.data()));
            }
        });
        sim.clients().add(SimClients.Client.of("phone", 1));
        sim.clients().scheduleAttach(Time.seconds(10), "phone", 1);
        sim.scheduleExtensionsStop(Time.seconds(30), 2);
        sim.runUntil(Time.seconds(29));

        // the Router Solicitation of the client's attach is answered at once, with both uplinks and the static one
        Ra answer = ras.stream().filter(r -> r.at() >= Time.seconds(10)).findFirst().orElseThrow();
        assertThat(answer.at()).isLessThan(Time.seconds(10) + Time.millis(100));
        assertThat(answer.routerLifetime()).isEqualTo(900);
        assertThat(answer.mac()).isEqualTo(NEXT_NODE_MAC);
        assertThat(answer.onLinkAnywhere()).as("no prefix is on-link (per-host routing)").isFalse();
        assertThat(answer.prefixes().keySet()).containsExactly(STATIC, A, B);
        assertThat(answer.prefixes().values()).allSatisfy(l -> assertThat(l).containsExactly(7_200, 3_600));
        assertThat(link.events).containsExactlyInAnyOrder("+" + A, "+" + B);

        ras.clear();
        sim.runUntil(Time.seconds(40));
        Ra deprecated = ras.stream().filter(r -> r.prefixes().get(B)[1] == 0).findFirst().orElseThrow();
        assertThat(deprecated.at()).as("B deprecated within 2 s of its route's retraction")
                .isLessThan(Time.seconds(32));
        assertThat(deprecated.prefixes().get(B)[0]).as("valid lifetime kept").isGreaterThan(7_000);
        assertThat(deprecated.prefixes().get(A)).containsExactly(7_200, 3_600);
        assertThat(link.events).containsExactlyInAnyOrder("+" + A, "+" + B); // still a client prefix while valid
    }
}
