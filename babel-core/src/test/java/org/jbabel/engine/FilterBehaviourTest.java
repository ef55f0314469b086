package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.config.ConfigParser;
import org.jbabel.config.DaemonConfig;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/**
 * The in, out and install filters, kernel-priority and allow-duplicates, on a line a — b — c (links l1 and l2, wired,
 * cost 96) where c originates the routes and b is the node under test.
 */
class FilterBehaviourTest {

    private static final String X = "2001:db8:c::/48";
    private static final String Y = "2001:db8:d::/48";

    /** Filters by prefix (and sending/receiving interface), for the engine under test. */
    static final class Rules implements RouteFilters {
        final Map<String, Integer> in = new HashMap<>();
        final Map<String, Integer> out = new HashMap<>();
        final Map<String, InstallOptions> install = new HashMap<>();

        @Override
        public int input(RouteKey key, RouterId origin, IpAddress neighbour, String ifname) {
            return in.getOrDefault(key.prefix().toString(), 0);
        }

        @Override
        public int output(RouteKey key, RouterId origin, String ifname) {
            return out.getOrDefault(key.prefix() + "@" + ifname, 0);
        }

        @Override
        public InstallOptions install(RouteKey key, RouterId origin, String ifname) {
            InstallOptions o = install.get(key.prefix() + "@" + ifname);
            return o != null ? o : install.getOrDefault(key.prefix().toString(), InstallOptions.DEFAULT);
        }
    }

    private TestNetwork net;
    private TestNetwork.Node a;
    private TestNetwork.Node b;
    private TestNetwork.Node c;

    /** Builds the line with b's filters (and b's engine settings) in place before the links come up. */
    private void line(RouteFilters filters, EngineConfig bConfig) {
        net = new TestNetwork(21);
        a = net.node("a");
        b = net.node("b", bConfig);
        c = net.node("c");
        b.engine.setFilters(net.now, filters);
        c.originate(X);
        c.originate(Y);
        net.link("l1", InterfaceType.WIRED, a, b);
        net.link("l2", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(30));
    }

    private static RouteView route(TestNetwork.Node n, String prefix) {
        RouteKey key = RouteKey.of(Prefix.parse(prefix));
        return n.engine.routes().stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
    }

    private static List<Tlv.Update> updatesSentOn(TestNetwork.Node n, String ifname, String prefix) {
        Prefix p = Prefix.parse(prefix);
        return n.sends().stream()
                .filter(s -> s.ifname().equals(ifname))
                .flatMap(s -> s.tlvs().stream())
                .filter(t -> t instanceof Tlv.Update u && !u.wildcard() && u.prefix().equals(p))
                .map(t -> (Tlv.Update) t)
                .toList();
    }

    @Test
    void inDenyIgnoresTheRouteAndCountsTheUpdates() {
        Rules rules = new Rules();
        rules.in.put(X, RouteFilters.DENY);
        line(rules, EngineConfig.defaults());

        assertThat(route(b, X)).isNull();
        assertThat(b.fib(X)).isNull();
        assertThat(a.fib(X)).isNull();
        assertThat(b.engine.counters().get(EngineCounters.Counter.FILTERED)).isPositive();
        assertThat(b.fib(Y)).isNotNull();
        assertThat(a.fib(Y)).isNotNull();
    }

    @Test
    void inMetricIsAddedToTheRouteMetricAndPropagates() {
        Rules rules = new Rules();
        rules.in.put(X, 100);
        line(rules, EngineConfig.defaults());

        assertThat(route(b, X).refmetric()).isZero();
        assertThat(route(b, X).metric()).isEqualTo(96 + 100);
        assertThat(b.fib(X).metric()).isEqualTo(196);
        assertThat(a.fib(X).metric()).isEqualTo(196 + 96);
        assertThat(route(b, Y).metric()).isEqualTo(96);
    }

    @Test
    void inMetricIsReEvaluatedWhenTheFiltersChange() {
        Rules rules = new Rules();
        line(rules, EngineConfig.defaults());
        assertThat(route(b, X).metric()).isEqualTo(96);

        Rules worse = new Rules();
        worse.in.put(X, 1000);
        b.engine.setFilters(net.now, worse);
        net.run(Time.seconds(20));
        assertThat(route(b, X).metric()).isEqualTo(1096);
        assertThat(a.fib(X).metric()).isEqualTo(1096 + 96);
    }

    @Test
    void outDenyOnOneInterfaceOnlyHidesTheRouteThere() {
        net = new TestNetwork(22);
        a = net.node("a");
        b = net.node("b");
        c = net.node("c");
        TestNetwork.Node d = net.node("d");
        Rules rules = new Rules();
        rules.out.put(X + "@l1", RouteFilters.DENY);
        b.engine.setFilters(net.now, rules);
        c.originate(X);
        net.link("l1", InterfaceType.WIRED, a, b);
        net.link("l2", InterfaceType.WIRED, b, c);
        net.link("l3", InterfaceType.WIRED, b, d);
        net.run(Time.seconds(40));

        assertThat(b.fib(X)).isNotNull();
        assertThat(a.fib(X)).isNull();
        assertThat(updatesSentOn(b, "l1", X)).isEmpty();
        assertThat(d.fib(X)).isNotNull();
        assertThat(d.fib(X).metric()).isEqualTo(192);
    }

    @Test
    void outMetricIsAddedToTheAnnouncedMetricOnly() {
        Rules rules = new Rules();
        rules.out.put(X + "@l1", 1000);
        line(rules, EngineConfig.defaults());

        assertThat(b.fib(X).metric()).isEqualTo(96);
        assertThat(route(a, X).refmetric()).isEqualTo(96 + 1000);
        assertThat(a.fib(X).metric()).isEqualTo(96 + 1000 + 96);
        assertThat(updatesSentOn(b, "l1", X)).isNotEmpty()
                .allSatisfy(u -> assertThat(u.metric()).isIn(1096, BabelConstants.INFINITY));
    }

    @Test
    void outFilterAppliesToLocalRoutesToo() {
        Rules rules = new Rules();
        rules.out.put("2001:db8:b::/48@l1", 50);
        line(rules, EngineConfig.defaults());
        b.originate("2001:db8:b::/48");
        net.run(Time.seconds(5));

        assertThat(a.fib("2001:db8:b::/48").metric()).isEqualTo(50 + 96);
        assertThat(c.fib("2001:db8:b::/48").metric()).isEqualTo(96);
    }

    @Test
    void installDenyMeansNeitherInstalledNorAnnounced() {
        Rules rules = new Rules();
        rules.install.put(X, InstallOptions.DENY);
        line(rules, EngineConfig.defaults());

        assertThat(route(b, X)).isNotNull();
        assertThat(route(b, X).installed()).isFalse();
        assertThat(b.fib(X)).isNull();
        assertThat(b.engine.selectedRoutes()).noneMatch(r -> r.key().prefix().equals(Prefix.parse(X)));
        assertThat(a.fib(X)).isNull();
        assertThat(updatesSentOn(b, "l1", X)).allSatisfy(u -> assertThat(u.metric()).isEqualTo(BabelConstants.INFINITY));
        assertThat(a.fib(Y)).isNotNull();
    }

    @Test
    void installDenyThroughOneInterfaceSelectsARouteThroughAnother() {
        net = new TestNetwork(23);
        b = net.node("b");
        c = net.node("c");
        Rules rules = new Rules();
        rules.install.put(X + "@l2", InstallOptions.DENY);
        b.engine.setFilters(net.now, rules);
        c.originate(X);
        net.link("l2", InterfaceType.WIRED, b, c);
        net.link("l3", InterfaceType.WIRELESS, b, c);
        net.run(Time.seconds(40));

        assertThat(b.fib(X)).isNotNull();
        assertThat(b.fib(X).ifname()).isEqualTo("l3");
        assertThat(b.fib(X).metric()).isEqualTo(256);
    }

    @Test
    void installTableAndPreferredSourceAreCarriedToTheFib() {
        IpAddress source = IpAddress.parse("2001:db8:b::1");
        Rules rules = new Rules();
        rules.install.put(X, new InstallOptions(true, 100, source));
        line(rules, EngineConfig.defaults());

        assertThat(b.fib(X).table()).isEqualTo(100);
        assertThat(b.fib(X).preferredSource()).isEqualTo(source);
        assertThat(b.fib(Y).table()).isZero();
        assertThat(b.fib(Y).preferredSource()).isNull();
        assertThat(a.fib(X)).isNotNull();
    }

    @Test
    void aRouteMovingToAnotherTableIsRemovedFromTheOldOneFirst() {
        Rules rules = new Rules();
        line(rules, EngineConfig.defaults());
        int mark = b.log.size();

        Rules tabled = new Rules();
        tabled.install.put(X, new InstallOptions(true, 7, null));
        b.engine.setFilters(net.now, tabled);
        net.drain(b);

        List<Action.FibUpdate> updates = b.log.subList(mark, b.log.size()).stream()
                .filter(x -> x instanceof Action.FibUpdate f && f.key().prefix().equals(Prefix.parse(X)))
                .map(x -> (Action.FibUpdate) x)
                .toList();
        assertThat(updates).extracting(Action.FibUpdate::op, Action.FibUpdate::table)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Action.FibOp.REMOVE, 0),
                        org.assertj.core.groups.Tuple.tuple(Action.FibOp.ADD, 7));
    }

    @Test
    void aLocalRouteBlocksLearnedRoutesForTheSameKeyByDefault() {
        line(RouteFilters.ALLOW_ALL, EngineConfig.defaults());
        assertThat(b.fib(X)).isNotNull();

        b.engine.originate(net.now, RouteKey.of(Prefix.parse(X)), 500);
        net.run(Time.seconds(5));
        assertThat(b.fib(X)).isNull();
        assertThat(route(b, X).installed()).isFalse();
        assertThat(route(a, X).routerId()).isEqualTo(b.engine.routerId());
        assertThat(a.fib(X).metric()).isEqualTo(500 + 96);
    }

    @Test
    void allowDuplicatesInstallsTheLearnedRouteAndAnnouncesItWhenTheLocalMetricIsAboveKernelPriority() {
        line(RouteFilters.ALLOW_ALL, EngineConfig.defaults().withAllowDuplicates(1000));
        b.engine.originate(net.now, RouteKey.of(Prefix.parse(X)), 500);
        net.run(Time.seconds(20));

        assertThat(b.fib(X)).isNotNull();
        assertThat(b.fib(X).ifname()).isEqualTo("l2");
        assertThat(route(a, X).routerId()).isEqualTo(c.engine.routerId());
        assertThat(b.engine.localRoutes()).extracting(LocalRouteView::metric).containsExactly(500);
    }

    @Test
    void theLocalRouteIsAnnouncedWhenItsMetricIsAtMostKernelPriority() {
        line(RouteFilters.ALLOW_ALL, EngineConfig.defaults().withAllowDuplicates(1000).withKernelPriority(500));
        b.engine.originate(net.now, RouteKey.of(Prefix.parse(X)), 500);
        net.run(Time.seconds(20));

        assertThat(b.fib(X)).isNotNull();
        assertThat(route(a, X).routerId()).isEqualTo(b.engine.routerId());
        assertThat(b.engine.selectedRoutes()).filteredOn(r -> r.key().prefix().equals(Prefix.parse(X)))
                .singleElement().satisfies(r -> assertThat(r.local()).isTrue());
    }

    @Test
    void allowDuplicatesStillBlocksWhenTheLocalMetricIsNotBelowIt() {
        line(RouteFilters.ALLOW_ALL, EngineConfig.defaults().withAllowDuplicates(1000));
        b.engine.originate(net.now, RouteKey.of(Prefix.parse(X)), 1000);
        net.run(Time.seconds(20));

        assertThat(b.fib(X)).isNull();
        assertThat(route(a, X).routerId()).isEqualTo(b.engine.routerId());
    }

    @Test
    void filtersParsedFromConfigurationDriveTheEngine() throws Exception {
        DaemonConfig config = new ConfigParser().parseText("test.conf", String.join("\n",
                "in ip 2001:db8:d::/48 deny",
                "out ip 2001:db8:c::/48 if l1 metric 200",
                "install ip 2001:db8:c::/48 table 42")).build();
        line(config.filters(), EngineConfig.defaults());

        assertThat(b.fib(Y)).isNull();
        assertThat(a.fib(Y)).isNull();
        assertThat(b.fib(X).table()).isEqualTo(42);
        assertThat(b.fib(X).metric()).isEqualTo(96);
        assertThat(a.fib(X).metric()).isEqualTo(96 + 200 + 96);
    }
}
