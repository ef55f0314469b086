package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jbabel.engine.Action;
import org.jbabel.engine.Action.FibOp;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.RuleChange;
import org.jbabel.kernel.RuleResult;
import org.jbabel.kernel.Rules;
import org.jbabel.runtime.DaemonLog;
import org.jbabel.runtime.KernelWriter;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's FIB path ({@link KernelWriter}) with the placements jbabeld chooses ({@link SourceRoutingSupport}),
 * against an in-memory kernel: engine FIB updates in, routes and rules in the kernel out, and the kernel's lookup
 * through its rules forwarding as Babel selects.
 */
class DaemonFibPathTest {

    private static final String EXPORT = "main";

    @TempDir
    Path dir;

    /** A MemoryKernel that also records every change in the order it reached the kernel. */
    private static final class RecordingKernel implements Fib, Rules {
        final MemoryKernel kernel;
        final List<Object> order = new ArrayList<>();

        RecordingKernel(MemoryKernel kernel) {
            this.kernel = kernel;
        }

        @Override
        public List<FibResult> applyAll(List<FibChange> changes) {
            order.addAll(changes);
            return kernel.applyAll(changes);
        }

        @Override
        public List<KernelRoute> routes() {
            return kernel.routes();
        }

        @Override
        public void close() {}

        @Override
        public List<RuleResult> applyRules(List<RuleChange> changes) {
            order.addAll(changes);
            return kernel.applyRules(changes);
        }

        @Override
        public List<KernelRule> rules() {
            return kernel.rules();
        }
    }

    private RecordingKernel kernel;
    private KernelWriter writer;
    private Path log;

    private KernelWriter start(MemoryKernel memory, Boolean ipv6Subtrees) throws IOException {
        for (String name : List.of("eth0", "eth1")) {
            memory.setLinkState(memory.addLink(name, LinkKind.WIRED, 1500), true, true);
        }
        kernel = new RecordingKernel(memory);
        log = dir.resolve("jbabeld.log");
        writer = new KernelWriter(kernel, kernel, new DaemonLog(log.toString(), 1), KernelMetric.DEFAULT,
                KernelRoute.TABLE_MAIN, name -> memory.links().stream().filter(l -> l.name().equals(name))
                        .mapToInt(Link::ifindex).findFirst().orElse(0),
                fib -> SourceRoutingSupport.choose(ipv6Subtrees, fib, TableSettings.DEFAULT).choice());
        writer.start();
        return writer;
    }

    private void update(FibOp op, String destination, String source, String nextHop, String ifname) {
        Prefix d = Prefix.parse(destination);
        RouteKey key = new RouteKey(d, source == null ? Prefix.zero(d.family()) : Prefix.parse(source));
        writer.update(new Action.FibUpdate(op, key, IpAddress.parse(nextHop), ifname, 96));
    }

    private Optional<String> nextHop(String source, String destination) {
        return kernel.kernel.lookup(IpAddress.parse(destination), IpAddress.parse(source))
                .map(r -> r.nextHop() == null ? "unreachable" : r.nextHop().toString());
    }

    private static KernelRule rule(String source, long priority, int table) {
        return KernelRule.babel(Prefix.parse(source), priority, table);
    }

    @Test
    void aBatchWhoseAnswersWereLostIsResyncedTablesAndRulesIncludedAndLaterChangesStillApply() throws IOException {
        MemoryKernel memory = new MemoryKernel();
        start(memory, null);
        update(FibOp.ADD, "10.0.0.0/8", null, "10.9.0.1", "eth1");
        writer.flush();
        memory.failNext(100, org.jbabel.kernel.Errno.ENOBUFS, false); // the requests never arrived
        update(FibOp.ADD, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.1", "eth0");
        update(FibOp.REMOVE, "10.0.0.0/8", null, "10.9.0.1", "eth1");
        update(FibOp.ADD, "10.1.0.0/16", null, "10.9.0.2", "eth1");
        writer.flush();
        memory.failNext(0, 0, false); // the kernel answers again
        assertThat(kernel.kernel.routes(KernelRoute.PROTOCOL_BABEL)).as("no route of the lost batch (its rule went)")
                .noneMatch(r -> r.table() == 10);
        assertThat(nextHop("192.168.1.1", "8.8.8.8")).isEmpty();
        assertThat(nextHop("172.16.0.1", "10.2.2.2")).as("the removed /8 still there").hasValue("10.9.0.1");

        writer.flush(); // the next turn resyncs
        assertThat(writer.counters()).containsEntry("fib_resync", 1L);
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(rule("192.168.0.0/16", 100, 10));
        assertThat(nextHop("192.168.1.1", "8.8.8.8")).hasValue("10.0.0.1");
        assertThat(nextHop("192.168.1.1", "10.1.1.1")).as("disambiguation in the source's table").hasValue("10.9.0.2");
        assertThat(nextHop("172.16.0.1", "10.2.2.2")).as("the /8 is gone").isEmpty();
        assertThat(nextHop("172.16.0.1", "10.1.1.1")).hasValue("10.9.0.2");

        update(FibOp.REMOVE, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.1", "eth0");
        update(FibOp.REMOVE, "10.1.0.0/16", null, "10.9.0.2", "eth1");
        writer.flush();
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).as("the resynced view is the kernel's").isEmpty();
        assertThat(kernel.kernel.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(writer.counters()).containsEntry("fib_resync", 1L);
    }

    @Test
    void ipv4SourceSpecificRoutesGoIntoATableBehindARuleAndTheKernelForwardsDestinationFirst() throws IOException {
        start(new MemoryKernel(), null);
        update(FibOp.ADD, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.1", "eth0");
        update(FibOp.ADD, "10.0.0.0/8", null, "10.9.0.1", "eth1");
        writer.flush();

        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(rule("192.168.0.0/16", 100, 10));
        assertThat(nextHop("192.168.1.1", "8.8.8.8")).as("the source's default route").hasValue("10.0.0.1");
        assertThat(nextHop("192.168.1.1", "10.1.1.1")).as("disambiguation: the /8 wins over the default from S")
                .hasValue("10.9.0.1");
        assertThat(nextHop("172.16.0.1", "10.1.1.1")).hasValue("10.9.0.1");
        assertThat(nextHop("172.16.0.1", "8.8.8.8")).as("no route from another source").isEmpty();
        assertThat(kernel.kernel.routes(KernelRoute.PROTOCOL_BABEL)).filteredOn(r -> r.family() == Family.V4)
                .allSatisfy(r -> assertThat(r.sourceSpecific()).as("IPv4 routes carry no source").isFalse());

        int tableAdd = indexOf(c -> c instanceof FibChange f && f.route().table() == 10
                && f.route().destination().isZeroLength());
        int ruleAdd = indexOf(c -> c instanceof RuleChange r && r.op() == RuleChange.Op.ADD);
        assertThat(tableAdd).as("the table is filled before its rule points to it").isLessThan(ruleAdd);
        assertThat(writer.counters()).containsEntry("placement_ipv4_tables", 1L)
                .containsEntry("placement_ipv6_native", 1L).doesNotContainKey("fib_refused_by_placement");
        assertThat(Files.readString(log)).contains("source-specific routes: ipv4 tables 10..19, rules from priority "
                + "100; ipv6 native");
    }

    @Test
    void ipv6SourceSpecificRoutesAreNativeWithSubtreesAndInTablesWithout() throws IOException {
        start(new MemoryKernel(), null);
        update(FibOp.ADD, "::/0", "2001:db8:a::/48", "fe80::1", "eth0");
        writer.flush();
        assertThat(kernel.kernel.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(r -> assertThat(r.source()).isEqualTo(Prefix.parse("2001:db8:a::/48")))
                .satisfies(r -> assertThat(r.table()).isEqualTo(KernelRoute.TABLE_MAIN));
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(nextHop("2001:db8:a::1", "2001:db8:ff::1")).hasValue("fe80::1");
        assertThat(nextHop("2001:db8:b::1", "2001:db8:ff::1")).isEmpty();

        start(MemoryKernel.withoutIpv6Subtrees(), null);
        update(FibOp.ADD, "::/0", "2001:db8:a::/48", "fe80::1", "eth0");
        update(FibOp.ADD, "2001:db8:ff::/48", null, "fe80::2", "eth1");
        writer.flush();
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(rule("2001:db8:a::/48", 100, 10));
        assertThat(nextHop("2001:db8:a::1", "2001:db8:1::1")).hasValue("fe80::1");
        assertThat(nextHop("2001:db8:a::1", "2001:db8:ff::1")).as("destination first").hasValue("fe80::2");
        assertThat(nextHop("2001:db8:b::1", "2001:db8:1::1")).isEmpty();
        assertThat(writer.counters()).containsEntry("placement_ipv6_tables", 1L);
        assertThat(Files.readString(log)).contains("no IPv6 subtrees");
    }

    @Test
    void aSwitchMovesTheRouteAndItsDisambiguationCopyAndARetractionEmptiesTheTable() throws IOException {
        start(new MemoryKernel(), null);
        update(FibOp.ADD, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.1", "eth0");
        update(FibOp.ADD, "10.0.0.0/8", null, "10.9.0.1", "eth1");
        writer.flush();

        update(FibOp.REPLACE, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.2", "eth0");
        update(FibOp.REPLACE, "10.0.0.0/8", null, "10.9.0.2", "eth1");
        writer.flush();
        assertThat(nextHop("192.168.1.1", "8.8.8.8")).hasValue("10.0.0.2");
        assertThat(nextHop("192.168.1.1", "10.1.1.1")).hasValue("10.9.0.2");
        assertThat(nextHop("172.16.0.1", "10.1.1.1")).hasValue("10.9.0.2");

        update(FibOp.REMOVE, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.2", "eth0");
        writer.flush();
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(kernel.kernel.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(r -> assertThat(r.table()).isEqualTo(KernelRoute.TABLE_MAIN));
        assertThat(nextHop("192.168.1.1", "8.8.8.8")).as("the source's route is gone").isEmpty();
        assertThat(nextHop("192.168.1.1", "10.1.1.1")).hasValue("10.9.0.2");
        assertThat(writer.counters()).noneSatisfy((k, v) -> assertThat(k).startsWith("fib_add"));
        assertThat(writer.counters()).noneSatisfy((k, v) -> assertThat(k).startsWith("rule_"));
    }

    @Test
    void startRemovesWhatACrashedRunLeftAndACleanStopRemovesEveryRouteAndRuleOfOurs() throws IOException {
        MemoryKernel memory = new MemoryKernel();
        int eth = memory.addLink("eth9", LinkKind.WIRED, 1500);
        memory.setLinkState(eth, true, true);
        KernelRoute staleRoute = KernelRoute.unicast(Prefix.parse("0.0.0.0/0"), null, IpAddress.parse("10.0.0.1"),
                eth, 0).withTable(12);
        KernelRoute foreignRoute = new KernelRoute(Prefix.parse("172.16.0.0/12"), null, IpAddress.parse("10.0.0.1"),
                eth, 0, 12, 4, org.jbabel.kernel.RouteType.UNICAST, null);
        KernelRule foreignRule = new KernelRule(Family.V4, 200, Prefix.parse("172.16.0.0/12"), 12, 4);
        memory.applyAll(List.of(FibChange.add(staleRoute), FibChange.add(foreignRoute)));
        memory.applyRules(List.of(RuleChange.add(rule("192.168.0.0/16", 101, 12)), RuleChange.add(foreignRule)));

        start(memory, null);
        assertThat(memory.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(memory.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(Files.readString(log)).contains("removed 1 stale routes of protocol 42")
                .contains("removed 1 stale rules of protocol 42");

        update(FibOp.ADD, "0.0.0.0/0", "192.168.0.0/16", "10.0.0.1", "eth0");
        update(FibOp.ADD, "0.0.0.0/0", "192.168.1.0/24", "10.0.0.3", "eth0");
        update(FibOp.ADD, "10.0.0.0/8", null, "10.9.0.1", "eth1");
        update(FibOp.ADD, "::/0", "2001:db8:a::/48", "fe80::1", "eth0");
        writer.flush();
        assertThat(memory.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(rule("192.168.1.0/24", 100, 11),
                rule("192.168.0.0/16", 101, 10));
        int before = kernel.order.size();

        writer.stop();
        assertThat(memory.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(memory.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(memory.routes()).contains(foreignRoute);
        assertThat(memory.rules()).contains(foreignRule);
        assertThat(writer.installed()).isEmpty();
        assertThat(writer.counters()).as("every removal matched something of ours")
                .noneSatisfy((k, v) -> assertThat(k).contains("remove"));
        List<Object> exit = kernel.order.subList(before, kernel.order.size());
        int firstRuleRemoval = exit.indexOf(exit.stream().filter(c -> c instanceof RuleChange).findFirst().orElseThrow());
        int lastTableRemoval = 0;
        for (int i = 0; i < exit.size(); i++) {
            if (exit.get(i) instanceof FibChange f && f.route().table() == 10) {
                lastTableRemoval = i;
            }
        }
        assertThat(firstRuleRemoval).as("a rule goes before its table is emptied").isLessThan(lastTableRemoval);
    }

    @Test
    void theEleventhSourcePrefixIsRefusedLoggedAndCountedAndTheOthersStay() throws IOException {
        start(new MemoryKernel(), null);
        for (int i = 0; i < 11; i++) {
            update(FibOp.ADD, "0.0.0.0/0", "192.168." + i + ".0/24", "10.0.0.1", "eth0");
        }
        writer.flush();
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).hasSize(10);
        assertThat(writer.counters()).containsEntry("fib_refused_by_placement", 1L);
        assertThat(Files.readString(log)).contains("not installed: no table left for source 192.168.10.0/24");
        assertThat(nextHop("192.168.9.1", "8.8.8.8")).hasValue("10.0.0.1");
        assertThat(nextHop("192.168.10.1", "8.8.8.8")).as("never installed as a route without source").isEmpty();
    }

    @Test
    void theConfigurationCanForceTablesForIpv6() throws IOException {
        start(new MemoryKernel(), false);
        update(FibOp.ADD, "::/0", "2001:db8:a::/48", "fe80::1", "eth0");
        writer.flush();
        assertThat(kernel.kernel.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(rule("2001:db8:a::/48", 100, 10));
        assertThat(kernel.kernel.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(r -> assertThat(r.sourceSpecific()).isFalse());
        assertThat(Files.readString(log)).contains("ipv6-subtrees false in the configuration");
    }

    private int indexOf(java.util.function.Predicate<Object> p) {
        for (int i = 0; i < kernel.order.size(); i++) {
            if (p.test(kernel.order.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
