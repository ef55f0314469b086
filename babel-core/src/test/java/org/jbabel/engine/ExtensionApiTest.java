package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.extension.BabelApi;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExtensionApiTest {

    @Test
    void observerSeesRoutesComeChangeAndGo() {
        TestNetwork net = new TestNetwork(40);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        BabelApi api = BabelApi.of(b.engine);
        List<RouteChange> seen = new ArrayList<>();
        api.onRouteChange(seen::add);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));

        a.originate("2001:db8:a::/48");
        net.run(Time.millis(100));
        assertThat(seen).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(ChangeKind.ADDED);
            assertThat(c.route().origin()).isEqualTo(a.engine.routerId());
            assertThat(c.route().nextHop()).isEqualTo(a.linkLocal("eth0"));
            assertThat(c.route().local()).isFalse();
        });

        a.withdraw("2001:db8:a::/48");
        net.run(Time.millis(100));
        assertThat(seen).last().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(ChangeKind.REMOVED);
            assertThat(c.route().key()).isEqualTo(RouteKey.of(Prefix.parse("2001:db8:a::/48")));
        });
    }

    @Test
    void originateFromInsideAnObserverIsSafeAndItsChangesFollow() {
        TestNetwork net = new TestNetwork(41);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        BabelApi api = BabelApi.of(b.engine);
        Prefix learned = Prefix.parse("2001:db8:a::/48");
        Prefix answer = Prefix.parse("64:ff9b::/96");
        List<RouteChange> seen = new ArrayList<>();
        api.onRouteChange(c -> {
            seen.add(c);
            if (c.kind() == ChangeKind.ADDED && c.route().key().prefix().equals(learned)) {
                api.originate(answer, 0);
            }
        });
        a.originate(learned.toString());
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));

        assertThat(seen).extracting(c -> c.route().key().prefix()).containsExactly(learned, answer);
        assertThat(seen.get(1).route().local()).isTrue();
        assertThat(a.fib(answer.toString())).isNotNull();
    }

    @Test
    void observerThatThrowsIsCountedAndDoesNotStopTheOthers() {
        TestNetwork net = new TestNetwork(42);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        BabelApi api = BabelApi.of(b.engine);
        List<String> reported = new ArrayList<>();
        b.engine.setErrorReporter((what, e) -> reported.add(what + ": " + e.getMessage()));
        api.onRouteChange(c -> {
            throw new IllegalStateException("bad extension");
        });
        List<RouteChange> seen = new ArrayList<>();
        api.onRouteChange(seen::add);
        a.originate("2001:db8:a::/48");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));

        assertThat(seen).hasSize(1);
        assertThat(b.engine.counters().get(EngineCounters.Counter.OBSERVER_ERROR)).isEqualTo(1);
        assertThat(reported).singleElement().asString().contains("observer").endsWith("bad extension");
        assertThat(b.fib("2001:db8:a::/48")).isNotNull();
    }

    @Test
    void closedSubscriptionIsNoLongerCalled() {
        TestNetwork net = new TestNetwork(43);
        TestNetwork.Node b = net.node("b");
        BabelApi api = BabelApi.of(b.engine);
        List<RouteChange> seen = new ArrayList<>();
        BabelApi.Subscription s = api.onRouteChange(seen::add);
        api.originate(Prefix.parse("2001:db8:1::/48"), 0);
        s.close();
        api.originate(Prefix.parse("2001:db8:2::/48"), 0);
        assertThat(seen).hasSize(1);
        assertThat(api.selectedRoutes()).hasSize(2);
    }

    @Test
    void lookupPrefersTheMostSpecificDestinationThenTheMostSpecificSource() {
        TestNetwork net = new TestNetwork(44);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        RouteKey exit = new RouteKey(Prefix.parse("::/0"), Prefix.parse("2001:db8:a::/48"));
        a.engine.originate(net.now, exit, 0);
        c.originate("2001:db8::/32");
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(1));
        BabelApi api = BabelApi.of(b.engine);

        IpAddress client = IpAddress.parse("2001:db8:a::5");
        assertThat(api.lookup(IpAddress.parse("2001:db8:77::1"), client).orElseThrow().key().prefix())
                .isEqualTo(Prefix.parse("2001:db8::/32"));
        assertThat(api.lookup(IpAddress.parse("2001:db9::1"), client).orElseThrow().key()).isEqualTo(exit);
        assertThat(api.lookup(IpAddress.parse("2001:db9::1"))).isEmpty();
        assertThat(api.route(exit).orElseThrow().origin()).isEqualTo(a.engine.routerId());
        assertThat(api.route(RouteKey.of(Prefix.parse("2001:db9::/32")))).isEmpty();
        assertThat(BabelApi.of(a.engine).route(exit).orElseThrow().local()).isTrue();
    }

    /**
     * The lookup index is fed by route changes, not built per lookup: routes that come, change and go after the
     * API was made are found and forgotten at once, and an observer that looks up from its callback already sees
     * the change it is told about.
     */
    @Test
    void lookupFollowsRouteChangesAfterTheApiIsMade() {
        TestNetwork net = new TestNetwork(45);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        BabelApi api = BabelApi.of(b.engine);
        List<String> seenByObserver = new ArrayList<>();
        IpAddress host = IpAddress.parse("2001:db8:a:1::5");
        api.onRouteChange(c -> seenByObserver.add(c.kind() + " "
                + api.lookup(host).map(r -> r.key().prefix().toString()).orElse("none")));
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));
        assertThat(api.lookup(host)).isEmpty();

        a.originate("2001:db8::/32");
        a.originate("2001:db8:a::/48");
        net.run(Time.millis(100));
        assertThat(api.lookup(host).orElseThrow().key().prefix()).isEqualTo(Prefix.parse("2001:db8:a::/48"));
        assertThat(api.lookup(host, IpAddress.parse("fd00::1")).orElseThrow().nextHop())
                .isEqualTo(a.linkLocal("eth0"));

        a.withdraw("2001:db8:a::/48");
        net.run(Time.millis(100));
        assertThat(api.lookup(host).orElseThrow().key().prefix()).isEqualTo(Prefix.parse("2001:db8::/32"));
        api.originate(Prefix.parse("2001:db8:a:1::/64"), 0);
        assertThat(api.lookup(host).orElseThrow().local()).isTrue();
        assertThat(seenByObserver).contains("ADDED 2001:db8:a::/48", "REMOVED 2001:db8::/32",
                "ADDED 2001:db8:a:1::/64");
    }

    @Test
    void neighbourObserverSeesANeighbourArriveAndGo() {
        TestNetwork net = new TestNetwork(45);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        List<NeighbourChange> seen = new ArrayList<>();
        BabelApi.of(b.engine).onNeighbourChange(seen::add);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));
        assertThat(seen.getFirst().kind()).isEqualTo(ChangeKind.ADDED);
        assertThat(seen).last().satisfies(c -> assertThat(c.neighbour().cost()).isEqualTo(96));

        a.crash();
        net.run(Time.seconds(200));
        assertThat(seen).last().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(ChangeKind.REMOVED);
            assertThat(c.neighbour().address()).isEqualTo(a.linkLocal("eth0"));
        });
    }

    @Test
    void neighbourEventsSayWhenANeighbourBecameBidirectionalAndWhenItWasLost() {
        TestNetwork net = new TestNetwork(46);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        List<org.jbabel.extension.NeighbourEvent> seen = new ArrayList<>();
        BabelApi.of(b.engine).onNeighbour(seen::add);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));
        assertThat(seen).filteredOn(org.jbabel.extension.NeighbourEvent::becameBidirectional).singleElement()
                .satisfies(e -> {
                    assertThat(e.neighbour().address()).isEqualTo(a.linkLocal("eth0"));
                    assertThat(e.ifindex()).isEqualTo(b.engine.interfaces().getFirst().ifindex()).isPositive();
                });
        assertThat(seen).noneMatch(org.jbabel.extension.NeighbourEvent::lost);

        a.crash();
        net.run(Time.seconds(200));
        assertThat(seen).filteredOn(org.jbabel.extension.NeighbourEvent::lost).singleElement();
        assertThat(seen.getLast().kind()).isEqualTo(ChangeKind.REMOVED);
    }

    /**
     * A roaming client's /128 moves a → b → c, each node originating it before the previous one withdraws (make
     * before break). When a withdraws, it takes b's route and announces it back to b with b's own router-id; when b
     * withdraws in turn, the route b had from a (a's old origination) must be gone, else b and a route to each other.
     * On a wired link (split horizon) a announces nothing back to b, so it retracts its own announcement there once.
     */
    @ParameterizedTest
    @EnumSource(value = InterfaceType.class, names = {"WIRED", "WIRELESS"})
    void aRouteThatMovesOnTwiceDoesNotLoopBackThroughItsFirstOrigin(InterfaceType type) {
        TestNetwork net = new TestNetwork(47);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        net.link("ab", type, a, b);
        net.link("bc", type, b, c);
        net.run(Time.seconds(5));
        String client = "2001:db8:c::1/128";

        a.originate(client);
        net.run(Time.seconds(1));
        b.originate(client);
        net.run(Time.millis(200));
        a.withdraw(client);
        net.run(Time.seconds(1));
        assertThat(a.fib(client).nextHop()).isEqualTo(b.linkLocal("ab"));

        c.originate(client);
        net.run(Time.millis(200));
        b.withdraw(client);
        net.run(Time.seconds(1));
        assertThat(b.fib(client).nextHop()).as("b routes to c, not back to a").isEqualTo(c.linkLocal("bc"));
        assertThat(a.fib(client).nextHop()).isEqualTo(b.linkLocal("ab"));
    }
}
