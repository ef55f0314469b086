package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

class RoutingBehaviourTest {

    static final String X = "2001:db8:a::/48";

    @Test
    void originatedRouteIsInstalledAtTheNeighbourViaItsLinkLocal() {
        TestNetwork net = new TestNetwork(2);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate(X);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));

        Action.FibUpdate f = b.fib(X);
        assertThat(f).isNotNull();
        assertThat(f.op()).isEqualTo(Action.FibOp.ADD);
        assertThat(f.nextHop()).isEqualTo(a.linkLocal("eth0"));
        assertThat(f.ifname()).isEqualTo("eth0");
        assertThat(f.metric()).isEqualTo(96);
        assertThat(a.fib).as("local routes are not installed").isEmpty();
    }

    @Test
    void fastStartDeliversRoutesAlongAChainWithinASecond() {
        TestNetwork net = new TestNetwork(3);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        c.originate("10.0.3.0/24");
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.millis(800));

        assertThat(c.fib(X)).isNotNull();
        assertThat(c.fib(X).metric()).isEqualTo(192);
        assertThat(a.fib("10.0.3.0/24")).isNotNull();
        assertThat(a.fib("10.0.3.0/24").nextHop()).isEqualTo(b.linkLocal("ab"));
    }

    @Test
    void ipv4RoutesUseV4ViaV6OnInterfacesWithoutIpv4() {
        TestNetwork net = new TestNetwork(4);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate("10.0.1.0/24");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));

        List<Tlv.Update> updates = a.sentTlvs().stream()
                .filter(t -> t instanceof Tlv.Update u && !u.wildcard()).map(t -> (Tlv.Update) t).toList();
        assertThat(updates).isNotEmpty().allSatisfy(u -> {
            assertThat(u.ae()).isEqualTo(AddressEncoding.IPV4_VIA_IPV6);
            assertThat(u.nextHop()).isNull();
            assertThat(u.routerId()).isEqualTo(a.engine.routerId());
        });
        assertThat(b.fib("10.0.1.0/24").nextHop()).isEqualTo(a.linkLocal("eth0"));
    }

    @Test
    void withdrawnRouteIsRetractedThroughAChain() {
        TestNetwork net = new TestNetwork(5);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(30));
        assertThat(c.fib(X)).isNotNull();

        a.withdraw(X);
        net.run(Time.millis(100));

        // held as unreachable (RFC 8966 §3.5, "Hold Time") while the retracted routes are kept, then gone
        assertThat(b.held(X)).isTrue();
        assertThat(c.held(X)).isTrue();
        assertThat(c.engine.selectedRoutes()).isEmpty();
        net.run(Time.seconds(120));
        assertThat(b.fib(X)).isNull();
        assertThat(c.fib(X)).isNull();
    }

    @Test
    void routeSwitchesOnLinkFailureAndSwitchesBackOnlyAfterSmoothing() {
        TestNetwork net = new TestNetwork(6);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        TestNetwork.Node d = net.node("d");
        a.originate(X);
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bd", InterfaceType.WIRED, b, d);
        net.link("ac", InterfaceType.WIRELESS, a, c);
        net.link("cd", InterfaceType.WIRED, c, d);
        // Each hop takes the better route once its smoothed metric has come down, at the next update.
        net.run(Time.seconds(120));
        assertThat(b.fib(X).nextHop()).isEqualTo(a.linkLocal("ab"));
        assertThat(d.fib(X).nextHop()).isEqualTo(b.linkLocal("bd"));

        net.link("ab").up = false;
        net.run(Time.seconds(20));
        assertThat(d.fib(X)).isNotNull();
        assertThat(d.fib(X).nextHop()).isEqualTo(c.linkLocal("cd"));
        assertThat(d.fib(X).metric()).isEqualTo(256 + 96);

        net.link("ab").up = true;
        net.run(Time.seconds(8));
        RouteView direct = b.engine.routes().stream()
                .filter(r -> r.key().equals(RouteKey.of(Prefix.parse(X))) && r.neighbour().equals(a.linkLocal("ab")))
                .findFirst().orElseThrow();
        assertThat(direct.metric()).isEqualTo(96);
        assertThat(direct.feasible()).isTrue();
        assertThat(direct.installed()).as("hysteresis: the better route is not taken at once").isFalse();
        assertThat(direct.smoothedMetric()).isGreaterThan(448);
        assertThat(d.fib(X).nextHop()).isEqualTo(c.linkLocal("cd"));

        // Each hop takes the better route once its smoothed metric has come down, at the next update.
        net.run(Time.seconds(120));
        assertThat(b.fib(X).nextHop()).isEqualTo(a.linkLocal("ab"));
        assertThat(d.fib(X).nextHop()).isEqualTo(b.linkLocal("bd"));
        assertThat(d.fib(X).metric()).isEqualTo(192);
    }

    @Test
    void routeThatIsNoLongerRefreshedExpiresAndIsRetractedDownstream() {
        TestNetwork net = new TestNetwork(7);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(5));
        a.outgoing = t -> !(t instanceof Tlv.Update);
        int sentBefore = b.log.size();

        net.run(Time.seconds(80));
        assertThat(c.fib(X)).as("still within the hold time").isNotNull();

        net.run(Time.seconds(25));
        assertThat(b.routes(X)).isNull();
        assertThat(c.routes(X)).isNull();
        List<Tlv.Update> retractions = b.log.subList(sentBefore, b.log.size()).stream()
                .filter(x -> x instanceof Action.Send).flatMap(x -> ((Action.Send) x).tlvs().stream())
                .filter(t -> t instanceof Tlv.Update u && u.retraction() && u.prefix().equals(Prefix.parse(X)))
                .map(t -> (Tlv.Update) t).toList();
        assertThat(retractions).as("b retracts the expired route").isNotEmpty();
        List<Tlv.RouteRequest> refresh = b.sentTlvs().stream()
                .filter(t -> t instanceof Tlv.RouteRequest r && !r.wildcard()).map(t -> (Tlv.RouteRequest) t).toList();
        assertThat(refresh).as("b asked a for a refresh before expiry").isNotEmpty();
    }

    @Test
    void movedHostRouteConvergesToTheNewOwnerWithinMilliseconds() {
        TestNetwork net = new TestNetwork(8);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        TestNetwork.Node d = net.node("d");
        String client = "2001:db8:c::17/128";
        a.originate(client);
        net.link("ac", InterfaceType.WIRELESS, a, c);
        net.link("bc", InterfaceType.WIRELESS, b, c);
        net.link("cd", InterfaceType.WIRELESS, c, d);
        net.run(Time.seconds(30));
        assertThat(d.fib(client)).isNotNull();

        b.originate(client);
        net.run(Time.millis(50));
        a.withdraw(client);
        net.run(Time.millis(100));

        assertThat(c.fib(client).nextHop()).isEqualTo(b.linkLocal("bc"));
        assertThat(d.fib(client).nextHop()).isEqualTo(c.linkLocal("cd"));
        SelectedRoute atD = d.engine.selectedRoutes().stream()
                .filter(s -> s.key().equals(RouteKey.of(Prefix.parse(client)))).findFirst().orElseThrow();
        assertThat(atD.origin()).isEqualTo(b.engine.routerId());
    }

    @Test
    void sourceSpecificRoutesWithTheSameDestinationAreKeptApart() {
        TestNetwork net = new TestNetwork(9);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        RouteKey fromA = new RouteKey(Prefix.parse("::/0"), Prefix.parse("2001:db8:a::/48"));
        RouteKey fromB = new RouteKey(Prefix.parse("::/0"), Prefix.parse("2001:db8:b::/48"));
        a.engine.originate(net.now, fromA, 0);
        b.engine.originate(net.now, fromB, 0);
        net.link("ac", InterfaceType.WIRED, a, c);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(2));

        assertThat(c.fib.get(fromA).nextHop()).isEqualTo(a.linkLocal("ac"));
        assertThat(c.fib.get(fromB).nextHop()).isEqualTo(b.linkLocal("bc"));
        assertThat(c.fib(("::/0"))).isNull();
        assertThat(c.fib).hasSize(2);
        assertThat(a.fib.get(fromB).nextHop()).isEqualTo(c.linkLocal("ac"));

        b.engine.withdraw(net.now, fromB);
        net.drain(b);
        net.run(Time.millis(100));
        assertThat(c.fib.get(fromB)).isNull();
        assertThat(c.fib.get(fromA)).isNotNull();
    }

    @Test
    void shutdownRetractsEverythingAndRemovesInstalledRoutes() {
        TestNetwork net = new TestNetwork(10);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate(X);
        b.originate("2001:db8:b::/48");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(5));
        assertThat(b.fib(X)).isNotNull();

        a.engine.shutdown(net.now);
        List<Action> bye = a.engine.pollActions();
        net.drain(a);
        assertThat(bye).anySatisfy(x -> assertThat(x).isInstanceOfSatisfying(Action.Send.class, s -> {
            assertThat(s.tlvs()).anySatisfy(t -> assertThat(t).isInstanceOfSatisfying(Tlv.Update.class,
                    u -> assertThat(u.wildcard() && u.retraction()).isTrue()));
            assertThat(s.tlvs()).anySatisfy(t -> assertThat(t).isInstanceOf(Tlv.Hello.class));
        }));
        assertThat(bye).contains(new Action.FibUpdate(Action.FibOp.REMOVE, RouteKey.of(Prefix.parse("2001:db8:b::/48")),
                b.linkLocal("eth0"), "eth0", 96));
        a.log.addAll(bye);
        // Deliver the goodbye to b by hand: the network does not see actions polled directly.
        for (Action x : bye) {
            if (x instanceof Action.Send s) {
                b.inject(a, "eth0", s.destination(), s.tlvs().toArray(Tlv[]::new));
            }
        }
        assertThat(b.held(X)).as("retracted by the goodbye: held as unreachable").isTrue();
    }

    @Test
    void routesInUseAreListedAndRemovedInTheOrderTheyCameIntoUseLearnedRoutesInTheOrderTheyWereLearned() {
        TestNetwork net = new TestNetwork(12);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        String first = "2001:db8:1::/48";
        String second = "2001:db8:2::/48";
        a.originate(first);
        a.originate(second);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(5));
        // The first key's route at b is retracted (kept until it expires), then comes back after the second's.
        a.withdraw(first);
        net.run(Time.millis(100));
        a.originate(first);
        net.run(Time.millis(100));

        assertThat(b.engine.routes()).extracting(r -> r.key().prefix().toString()).containsExactly(first, second);
        assertThat(b.engine.selectedRoutes()).extracting(r -> r.key().prefix().toString())
                .containsExactly(second, first);
        // The FIB held the first key (as unreachable) while it was retracted: its entry is still the older one.
        b.engine.shutdown(net.now);
        assertThat(b.engine.pollActions()).filteredOn(x -> x instanceof Action.FibUpdate)
                .extracting(x -> ((Action.FibUpdate) x).key().prefix().toString()).containsExactly(first, second);
    }

    @Test
    void shortInterfaceFlapDoesNotRetractRoutesAtTheNeighbour() {
        TestNetwork net = new TestNetwork(11);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate(X);
        b.originate("2001:db8:b::/48");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(10));
        int mark = b.log.size();

        a.engine.interfaceDown(net.now, "eth0");
        net.drain(a);
        assertThat(a.fib("2001:db8:b::/48")).isNull();
        net.run(Time.seconds(2));
        a.engine.interfaceUp(net.now, a.ifaces.get("eth0"));
        net.drain(a);
        net.run(Time.seconds(1));

        assertThat(a.fib("2001:db8:b::/48")).isNotNull();
        assertThat(b.log.subList(mark, b.log.size())).noneMatch(x -> x instanceof Action.FibUpdate f
                && f.op() == Action.FibOp.REMOVE);
        assertThat(b.fib(X)).isNotNull();
    }

    @Test
    void ipv4RoutesUseAe1WithTheInterfaceAddressAsNextHopWhereThereIsOne() {
        TestNetwork net = new TestNetwork(12);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("eth0", InterfaceType.WIRED, a, b);
        InterfaceConfig plain = a.ifaces.get("eth0");
        InterfaceConfig withV4 = new InterfaceConfig(plain.name(), plain.ifindex(), plain.linkLocal(),
                IpAddress.parse("10.0.0.1"), plain.mtu(), plain.type(), plain.helloInterval(), plain.updateInterval());
        a.ifaces.put("eth0", withV4);
        a.engine.interfaceUp(net.now, withV4);
        a.originate("10.0.1.0/24");
        net.run(Time.seconds(1));

        assertThat(a.sentTlvs()).anySatisfy(t -> assertThat(t).isInstanceOfSatisfying(Tlv.Update.class, u -> {
            assertThat(u.ae()).isEqualTo(AddressEncoding.IPV4);
            assertThat(u.nextHop()).isEqualTo(IpAddress.parse("10.0.0.1"));
        }));
        assertThat(b.fib("10.0.1.0/24").nextHop()).isEqualTo(IpAddress.parse("10.0.0.1"));
    }
}
