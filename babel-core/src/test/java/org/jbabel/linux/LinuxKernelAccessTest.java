package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.KernelAccess.Neighbour;
import org.jbabel.extension.KernelAccess.Station;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinuxKernelAccess} against the real kernel, in a fresh namespace with a veth pair va/vb. */
class LinuxKernelAccessTest {

    private static final String LOOP = "test-loop";
    private static final int NUD_PERMANENT = 0x80;
    private static final IpAddress NEIGHBOUR = IpAddress.parse("2001:db8::5");
    private static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex("02:00:00:00:00:05");

    private NetworkNamespace ns;
    private ExecutorService loop;
    private FdPoller poller;
    private LinuxFib fib;
    private LinuxKernelAccess kernel;
    private int va;

    private record Got<T>(T item, String thread) {}

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        ns = NetworkNamespace.create();
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("link", "set", "va", "up");
        ns.ip("link", "set", "vb", "up");
        va = Integer.parseInt(ns.ip("-o", "link", "show", "va").split(":")[0].trim());
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, LOOP));
        poller = new FdPoller(loop, new IoCounters());
        fib = ns.inside(LinuxFib::new);
        kernel = ns.inside(() -> new LinuxKernelAccess(poller, fib, new NetlinkCounters()));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (kernel != null) {
                kernel.close();
            }
            if (poller != null) {
                poller.close();
            }
            if (fib != null) {
                fib.close();
            }
            if (loop != null) {
                loop.shutdownNow();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    private static <T> T await(BlockingQueue<Got<T>> queue, Predicate<T> wanted, String what) throws Exception {
        List<T> seen = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Got<T> g = queue.poll(100, TimeUnit.MILLISECONDS);
            if (g == null) {
                continue;
            }
            assertThat(g.thread()).as("observers run on the executor").isEqualTo(LOOP);
            seen.add(g.item());
            if (wanted.test(g.item())) {
                return g.item();
            }
        }
        throw new AssertionError("no event " + what + " among " + seen);
    }

    @Test
    void aNeighbourEntryIsPutListedAnnouncedAndRemoved() throws Exception {
        BlockingQueue<Got<Neighbour>> events = new LinkedBlockingQueue<>();
        kernel.onNeighbour(n -> events.add(new Got<>(n, Thread.currentThread().getName())));

        kernel.putNeighbour(new Neighbour(va, NEIGHBOUR, MAC, NUD_PERMANENT, false));

        assertThat(ns.ip("-6", "neigh", "show", "dev", "va"))
                .contains("2001:db8::5 lladdr 02:00:00:00:00:05 PERMANENT");
        Neighbour listed = kernel.neighbours(va).stream().filter(n -> n.address().equals(NEIGHBOUR)).findFirst()
                .orElseThrow();
        assertThat(listed.hardwareAddress()).isEqualTo(MAC);
        assertThat(listed.state()).isEqualTo(NUD_PERMANENT);
        assertThat(kernel.neighbours(va + 1000)).isEmpty();
        Neighbour added = await(events, n -> n.address().equals(NEIGHBOUR) && !n.removed(), "new neighbour");
        assertThat(added.ifindex()).isEqualTo(va);
        assertThat(added.hardwareAddress()).isEqualTo(MAC);

        kernel.removeNeighbour(va, NEIGHBOUR);
        kernel.removeNeighbour(va, NEIGHBOUR); // not there any more: nothing happens

        assertThat(ns.ip("-6", "neigh", "show", "dev", "va")).doesNotContain("2001:db8::5");
        await(events, n -> n.address().equals(NEIGHBOUR) && n.removed(), "removed neighbour");
    }

    @Test
    void aProxyEntryIsPutAndRemoved() throws Exception {
        IpAddress outside = IpAddress.parse("192.0.2.77");

        kernel.putProxyNeighbour(va, outside);
        kernel.putProxyNeighbour(va, outside); // there already: nothing changes

        assertThat(ns.ip("neigh", "show", "proxy", "dev", "va")).contains("192.0.2.77");
        kernel.removeProxyNeighbour(va, outside);
        kernel.removeProxyNeighbour(va, outside); // not there any more: nothing happens
        assertThat(ns.ip("neigh", "show", "proxy", "dev", "va")).doesNotContain("192.0.2.77");
    }

    @Test
    void anInterfaceJoinsABridge() throws Exception {
        ns.ip("link", "add", "br0", "type", "bridge");

        ns.inside(() -> {
            kernel.joinBridge(va, "br0"); // the bridge is found by name in the caller's namespace
            return null;
        });

        assertThat(ns.ip("-o", "link", "show", "va")).contains("master br0");
        assertThatThrownBy(() -> ns.inside(() -> {
            kernel.joinBridge(va, "nosuch0");
            return null;
        })).hasStackTraceContaining("no interface nosuch0");
    }

    @Test
    void theStationsABridgeLearnedAreListed() throws Exception {
        ns.ip("link", "add", "br0", "type", "bridge");
        ns.ip("link", "set", "br0", "up");
        ns.ip("link", "set", "va", "master", "br0");
        ns.bridge("fdb", "add", "02:00:00:00:00:77", "dev", "va", "master", "dynamic");
        int bridge = Integer.parseInt(ns.ip("-o", "link", "show", "br0").split(":")[0].trim());

        List<Station> stations = kernel.stations(bridge);

        assertThat(stations).anySatisfy(st -> {
            assertThat(st.mac()).isEqualTo(new byte[] {2, 0, 0, 0, 0, 0x77});
            assertThat(st.port()).isEqualTo(va);
        });
        assertThat(stations).as("the bridge's own and permanent entries are not stations")
                .allSatisfy(st -> assertThat(st.removed()).isFalse()).hasSize(1);
        assertThat(kernel.stations(bridge + 1000)).isEmpty();
    }

    @Test
    void anInterfaceIsFoundByNameAndAMissingOneIsAClearError() throws Exception {
        assertThat(ns.inside(() -> kernel.ifindex("va"))).isEqualTo(va);
        assertThatThrownBy(() -> ns.inside(() -> kernel.ifindex("nosuch0")))
                .hasStackTraceContaining("no interface nosuch0");
    }

    @Test
    void neighboursTheKernelLearnsOtherwiseAreAnnouncedToo() throws Exception {
        BlockingQueue<Got<Neighbour>> events = new LinkedBlockingQueue<>();
        kernel.onNeighbour(n -> events.add(new Got<>(n, Thread.currentThread().getName())));

        ns.ip("neigh", "add", "192.0.2.7", "lladdr", "02:00:00:00:00:07", "dev", "va");

        Neighbour n = await(events, x -> x.address().equals(IpAddress.parse("192.0.2.7")), "IPv4 neighbour");
        assertThat(n.address().family()).isEqualTo(Family.V4);
        assertThat(n.ifindex()).isEqualTo(va);
    }

    @Test
    void anAddressIsAddedAnnouncedAndRemovedIdempotently() throws Exception {
        BlockingQueue<Got<String>> events = new LinkedBlockingQueue<>();
        KernelAccess.AddressObserver observer =
                (a, added) -> events.add(new Got<>((added ? "+" : "-") + a.address(), Thread.currentThread().getName()));
        kernel.onAddress(observer);
        InterfaceAddress address = new InterfaceAddress(va, IpAddress.parse("2001:db8:7::1"), 64, 0, false);

        kernel.addAddress(address);
        kernel.addAddress(address);

        assertThat(ns.ip("-6", "addr", "show", "dev", "va")).contains("inet6 2001:db8:7::1/64");
        assertThat(kernel.addresses()).anyMatch(a -> a.address().equals(address.address()) && a.ifindex() == va);
        await(events, "+2001:db8:7::1"::equals, "address added");

        kernel.removeAddress(address);
        kernel.removeAddress(address);

        assertThat(ns.ip("-6", "addr", "show", "dev", "va")).doesNotContain("2001:db8:7::1");
        await(events, "-2001:db8:7::1"::equals, "address removed");
    }

    @Test
    void ownRoutesFlushWhatAPreviousRunLeftAndTouchNoOtherProtocol() throws Exception {
        ns.ip("-6", "route", "add", "2001:db8:50::/64", "dev", "va", "proto", "201");
        ns.ip("-6", "route", "add", "2001:db8:51::/64", "dev", "va", "proto", "42");
        ns.ip("-6", "route", "add", "2001:db8:52::/64", "dev", "va", "proto", "static");
        ns.ip("-6", "rule", "add", "from", "2001:db8:60::/64", "table", "100", "pref", "100", "protocol", "201");

        KernelAccess.OwnRoutes own = kernel.ownRoutes(201);

        assertThat(own.leftBehind()).extracting(KernelRoute::destination)
                .containsExactly(Prefix.parse("2001:db8:50::/64"));
        String routes = ns.ip("-6", "route", "show");
        assertThat(routes).doesNotContain("2001:db8:50::/64").contains("2001:db8:51::/64").contains("2001:db8:52::/64");
        assertThat(ns.ip("-6", "rule", "show")).doesNotContain("2001:db8:60::/64");

        KernelRoute route = new KernelRoute(Prefix.parse("2001:db8:70::/64"), null, null, va, 0,
                KernelRoute.TABLE_MAIN, KernelRoute.PROTOCOL_BABEL, RouteType.UNICAST, null);
        own.add(route);
        own.add(route);
        own.add(new KernelRule(Family.V6, 200, Prefix.parse("2001:db8:71::/64"), 100, 0));
        assertThat(ns.ip("-6", "route", "show", "2001:db8:70::/64")).contains("proto 201");
        assertThat(ns.ip("-6", "rule", "show")).contains("from 2001:db8:71::/64 lookup 100 proto 201");
        assertThat(own.routes()).extracting(KernelRoute::destination).containsExactly(Prefix.parse("2001:db8:70::/64"));

        own.remove(route);
        own.remove(route);
        assertThat(own.routes()).isEmpty();

        own.add(route);
        assertThat(kernel.flushOwnRoutes()).isEmpty();
        assertThat(ns.ip("-6", "route", "show")).doesNotContain("2001:db8:70::/64");
        assertThat(ns.ip("-6", "rule", "show")).doesNotContain("2001:db8:71::/64");
    }

    @Test
    void aMacvlanIsCreatedWithoutAddressesOfItsOwnReplacesALeftOverOneAndGoesAtTheEnd() throws Exception {
        byte[] nextNodeMac = HexFormat.ofDelimiter(":").parseHex("02:00:5e:10:00:01");
        ns.ip("link", "add", "link", "va", "name", "local-node", "type", "macvlan"); // left by an earlier run

        // if_nametoindex answers for the calling thread's namespace
        int index = ns.inside(() -> kernel.addMacvlan("local-node", "va", nextNodeMac));

        String link = ns.ip("-d", "link", "show", "local-node");
        assertThat(index).isEqualTo(ns.inside(() -> kernel.ifindex("local-node")));
        assertThat(link).contains("local-node@va").contains("link/ether 02:00:5e:10:00:01").contains("UP")
                .contains("macvlan mode bridge");
        Thread.sleep(300); // a link-local address would appear at once (no DAD wait is needed to see it tentative)
        assertThat(ns.ip("-6", "addr", "show", "dev", "local-node")).doesNotContain("inet6");
        kernel.addAddress(new InterfaceAddress(index, IpAddress.parse("fe80::1"), 64, InterfaceAddress.SCOPE_LINK,
                false));
        assertThat(ns.ip("-6", "addr", "show", "dev", "local-node")).contains("fe80::1/64");

        assertThatThrownBy(() -> ns.inside(() -> kernel.addMacvlan("other", "no-such-if", nextNodeMac)))
                .hasMessageContaining("no interface no-such-if");
        assertThat(kernel.flushOwnRoutes()).isEmpty();
        assertThat(ns.ip("link", "show")).doesNotContain("local-node");
    }

    @Test
    void aBridgeLearningAMacOnAPortIsAStationAndItsOwnAddressesAreNot() throws Exception {
        NetlinkCounters counters = new NetlinkCounters();
        LinuxKernelAccess k = ns.inside(() -> new LinuxKernelAccess(poller, fib, counters));
        try {
            BlockingQueue<Got<KernelAccess.Station>> events = new LinkedBlockingQueue<>();
            k.onStation(st -> events.add(new Got<>(st, Thread.currentThread().getName())));
            assertThat(counters.snapshot()).as("no nl80211 on this machine: counted, not an error")
                    .containsEntry("no_wireless", 1L);
            ns.ip("link", "add", "br0", "type", "bridge");
            ns.ip("link", "set", "vb", "master", "br0");
            ns.ip("link", "set", "br0", "up");
            int br0 = Integer.parseInt(ns.ip("-o", "link", "show", "br0").split(":")[0].trim());
            int vb = Integer.parseInt(ns.ip("-o", "link", "show", "vb").split(":")[0].trim());
            String vaMac = ns.ip("-o", "link", "show", "va").replaceAll(".*link/ether ([0-9a-f:]+).*\\s*", "$1").trim();
            // a frame from va's side reaches the bridge through its port vb
            ns.ip("neigh", "add", "192.0.2.9", "lladdr", "02:00:00:00:00:09", "dev", "va");
            ns.ip("addr", "add", "192.0.2.1/24", "dev", "va");
            ns.exec("sh", "-c", "ping -c 1 -W 1 -I va 192.0.2.9 || true"); // nobody answers: the frame is enough
            KernelAccess.Station st = await(events, e -> !e.removed()
                    && HexFormat.ofDelimiter(":").formatHex(e.mac()).equals(vaMac), "station " + vaMac);
            assertThat(st.bridge()).isEqualTo(br0);
            assertThat(st.port()).isEqualTo(vb);
        } finally {
            k.close();
        }
    }

    @Test
    void protocolsOfTheKernelAndOfBabelAreRefused() {
        assertThatThrownBy(() -> kernel.ownRoutes(KernelRoute.PROTOCOL_BABEL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("42 is Babel's");
        assertThatThrownBy(() -> kernel.ownRoutes(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kernel.ownRoutes(256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBadRequestIsAClearError() {
        assertThatThrownBy(() -> kernel.putNeighbour(new Neighbour(va + 1000, NEIGHBOUR, MAC, NUD_PERMANENT, false)))
                .hasMessageContaining("put neighbour 2001:db8::5").hasMessageContaining("ENODEV");
    }
}
