package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.engine.Action;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class SimFibTest {

    private static final IpAddress ANY = IpAddress.V6_UNSPECIFIED;

    private static RouteKey key(String dst, String src) {
        return new RouteKey(Prefix.parse(dst), Prefix.parse(src));
    }

    private static Action.FibUpdate add(RouteKey key, String via) {
        return new Action.FibUpdate(Action.FibOp.ADD, key, IpAddress.parse(via), "eth0", 100);
    }

    private static IpAddress a(String s) {
        return IpAddress.parse(s);
    }

    @Test
    void anIndexedKeysEntryIsReplacedAndRemovedInStepWithTheTrie() {
        SimFib fib = new SimFib();
        RouteKey k = key("2001:db8::/32", "::/0").withIndex(5);
        RouteKey sameIndexOther = key("2001:db8:1::/48", "::/0").withIndex(5);
        assertThat(fib.applyAndGetOld(add(k, "fe80::1"))).isNull();
        assertThat(fib.applyAndGetOld(add(sameIndexOther, "fe80::3"))).isNull();
        assertThat(fib.applyAndGetOld(add(key("2001:db8::/32", "::/0"), "fe80::2")).nextHop()).isEqualTo(a("fe80::1"));
        assertThat(fib.get(k).nextHop()).isEqualTo(a("fe80::2"));
        assertThat(fib.get(sameIndexOther).nextHop()).isEqualTo(a("fe80::3"));
        assertThat(fib.lookup(a("2001:db8:2::1"), ANY).nextHop()).isEqualTo(a("fe80::2"));

        fib.apply(new Action.FibUpdate(Action.FibOp.REMOVE, k, null, "eth0", 0));
        assertThat(fib.get(k)).isNull();
        assertThat(fib.lookup(a("2001:db8:2::1"), ANY)).isNull();
        assertThat(fib.size()).isEqualTo(1);
        assertThat(fib.applyAndGetOld(add(k, "fe80::4"))).as("added afresh").isNull();
        assertThat(fib.get(k).nextHop()).isEqualTo(a("fe80::4"));
    }

    @Test
    void theLongestDestinationPrefixWins() {
        SimFib fib = new SimFib();
        fib.apply(add(key("2001:db8::/32", "::/0"), "fe80::1"));
        fib.apply(add(key("2001:db8:1::/48", "::/0"), "fe80::2"));
        assertThat(fib.lookup(a("2001:db8:1::5"), ANY).nextHop()).isEqualTo(a("fe80::2"));
        assertThat(fib.lookup(a("2001:db8:2::5"), ANY).nextHop()).isEqualTo(a("fe80::1"));
        assertThat(fib.lookup(a("2001:db9::1"), ANY)).isNull();
    }

    @Test
    void theDestinationIsMatchedBeforeTheSource() {
        SimFib fib = new SimFib();
        // A more specific source cannot beat a more specific destination (RFC 9079 §3: destination first).
        fib.apply(add(key("2001:db8::/32", "2001:db8:ff::/48"), "fe80::1"));
        fib.apply(add(key("2001:db8:1::/48", "::/0"), "fe80::2"));
        assertThat(fib.lookup(a("2001:db8:1::5"), a("2001:db8:ff::9")).nextHop()).isEqualTo(a("fe80::2"));
    }

    @Test
    void amongEqualDestinationsTheMostSpecificMatchingSourceWins() {
        SimFib fib = new SimFib();
        fib.apply(add(key("::/0", "::/0"), "fe80::1"));
        fib.apply(add(key("::/0", "2001:db8::/32"), "fe80::2"));
        fib.apply(add(key("::/0", "2001:db8:7::/48"), "fe80::3"));
        assertThat(fib.lookup(a("2001:4860::8888"), a("2001:db8:7::1")).nextHop()).isEqualTo(a("fe80::3"));
        assertThat(fib.lookup(a("2001:4860::8888"), a("2001:db8:8::1")).nextHop()).isEqualTo(a("fe80::2"));
        assertThat(fib.lookup(a("2001:4860::8888"), a("fd00::1")).nextHop()).isEqualTo(a("fe80::1"));
    }

    @Test
    void aDestinationWhoseSourcesDoNotMatchFallsBackToALessSpecificDestination() {
        SimFib fib = new SimFib();
        fib.apply(add(key("2001:db8:1::/48", "2001:db8:ff::/48"), "fe80::1"));
        fib.apply(add(key("2001:db8::/32", "::/0"), "fe80::2"));
        assertThat(fib.lookup(a("2001:db8:1::5"), a("fd00::1")).nextHop()).isEqualTo(a("fe80::2"));
        assertThat(fib.lookup(a("2001:db8:1::5"), a("2001:db8:ff::1")).nextHop()).isEqualTo(a("fe80::1"));
    }

    @Test
    void replaceOverwritesAndRemoveDeletesOnlyItsKey() {
        SimFib fib = new SimFib();
        RouteKey plain = key("fd00:0:1::/48", "::/0");
        RouteKey specific = key("fd00:0:1::/48", "fd00:0:2::/48");
        fib.apply(add(plain, "fe80::1"));
        fib.apply(add(specific, "fe80::3"));
        fib.apply(new Action.FibUpdate(Action.FibOp.REPLACE, plain, a("fe80::2"), "eth1", 200));
        assertThat(fib.size()).isEqualTo(2);
        assertThat(fib.get(plain)).isEqualTo(new SimFib.Entry(plain, a("fe80::2"), "eth1", 200));
        assertThat(fib.apply(new Action.FibUpdate(Action.FibOp.REMOVE, specific, null, null, 0))).isTrue();
        assertThat(fib.apply(new Action.FibUpdate(Action.FibOp.REMOVE, specific, null, null, 0))).isFalse();
        assertThat(fib.size()).isEqualTo(1);
        assertThat(fib.lookup(a("fd00:0:1::1"), a("fd00:0:2::1")).key()).isEqualTo(plain);
        fib.remove(plain);
        assertThat(fib.lookup(a("fd00:0:1::1"), ANY)).isNull();
        assertThat(fib.size()).isZero();
    }

    @Test
    void ipv4RoutesMatchIpv4AddressesOnly() {
        SimFib fib = new SimFib();
        fib.put(new SimFib.Entry(RouteKey.of(Prefix.parse("10.0.0.0/8")), a("fe80::1"), "eth0", 1));
        assertThat(fib.lookup(a("10.1.2.3"), IpAddress.V4_UNSPECIFIED)).isNotNull();
        assertThat(fib.lookup(IpAddress.v6(0, 0xffff_0a01_0203L), ANY)).as("::ffff:10.1.2.3").isNull();
    }

    /**
     * Random installs and removals of IPv4 and IPv6 routes (few address bits, so prefixes nest and
     * overlap): every lookup equals a brute-force scan by the RFC 9079 rule, and get/size stay exact.
     */
    @Property(tries = 200)
    void lookupsMatchABruteForceScanThroughInstallsAndRemovals(@ForAll("operations") List<int[]> ops) {
        SimFib fib = new SimFib();
        Map<RouteKey, SimFib.Entry> reference = new HashMap<>();
        for (int[] op : ops) {
            RouteKey key = randomKey(op[1], op[2], op[3], op[4]);
            if (op[0] == 0) {
                fib.remove(key);
                reference.remove(key);
            } else {
                SimFib.Entry e = new SimFib.Entry(key, null, "l" + op[0], op[0]);
                fib.put(e);
                reference.put(key, e);
            }
            assertThat(fib.size()).isEqualTo(reference.size());
            assertThat(fib.get(key)).isEqualTo(reference.get(key));
            IpAddress dst = randomKey(op[2], op[1], 128, 0).prefix().address();
            IpAddress src = randomKey((op[3] & ~1) | (op[2] & 1), op[4], 128, 0).prefix().address(); // dst's family
            assertThat(fib.lookup(dst, src)).isEqualTo(bruteForce(reference.values(), dst, src));
            IpAddress dst4 = randomKey(op[2] | 1, op[1], 32, 0).prefix().address();
            assertThat(fib.lookup(dst4, IpAddress.V4_UNSPECIFIED))
                    .isEqualTo(bruteForce(reference.values(), dst4, IpAddress.V4_UNSPECIFIED));
        }
    }

    /** Odd {@code family} = IPv4; a few address bits, the given lengths. */
    private static RouteKey randomKey(int family, int bits, int length, int sourceLength) {
        if ((family & 1) == 1) {
            IpAddress a = IpAddress.v4(0x0a000000 | (bits & 0x1f) << 19);
            return new RouteKey(new Prefix(a, Math.min(length, 32)), Prefix.zero(a.family()));
        }
        IpAddress a = IpAddress.v6(0xfd00_0000_0000_0000L | (long) (bits & 0x1f) << 40, bits & 3);
        IpAddress s = IpAddress.v6(0x2001_0db8_0000_0000L | (long) (family & 0x6) << 44, 0);
        return new RouteKey(new Prefix(a, length), new Prefix(s, Math.min(sourceLength, 64)));
    }

    private static SimFib.Entry bruteForce(Iterable<SimFib.Entry> entries, IpAddress dst, IpAddress src) {
        SimFib.Entry best = null;
        for (SimFib.Entry e : entries) {
            if (!e.key().prefix().contains(dst) || !e.key().source().contains(src)) {
                continue;
            }
            if (best == null || e.key().prefix().length() > best.key().prefix().length()
                    || (e.key().prefix().length() == best.key().prefix().length()
                            && e.key().source().length() > best.key().source().length())) {
                best = e;
            }
        }
        return best;
    }

    @Provide
    Arbitrary<List<int[]>> operations() {
        Arbitrary<int[]> op = Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 31),
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.of(0, 8, 16, 24, 40, 44, 48, 128),
                        Arbitraries.of(0, 0, 0, 16, 48))
                .as((kind, bits, family, length, sourceLength) -> new int[] {kind, family, bits, length, sourceLength});
        return op.list().ofMinSize(1).ofMaxSize(120);
    }
}
