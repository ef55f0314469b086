package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.engine.Action;
import org.jbabel.engine.RouteKey;
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
        assertThat(fib.lookup(a("::ffff:10.1.2.3"), ANY)).isNull();
    }
}
