package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jbabel.extension.UdpSocket;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.NetworkNamespace;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Babel's own socket on port 6696 against the real kernel: namespace A (interfaces a1, a2, global 2001:db8:1::1 on
 * a1) runs the socket, namespace B sends to it over veth pairs a1–b1 and a2–b2. Receivers run on one "loop" thread.
 */
class BabelSocketTest {

    private static final IpAddress GROUP = IpAddress.parse("ff02::1:6");
    private static final IpAddress A1_GLOBAL = IpAddress.parse("2001:db8:1::1");
    private static final int PORT = 6696;

    private record Got(int ifindex, IpAddress source, IpAddress destination, String text, String thread) {}

    private final BlockingQueue<Got> got = new LinkedBlockingQueue<>();
    private NetworkNamespace a;
    private NetworkNamespace b;
    private ExecutorService loop;
    private LinuxNetwork netB;
    private BabelSocket socket;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        a = NetworkNamespace.create();
        b = NetworkNamespace.create();
        for (NetworkNamespace ns : List.of(a, b)) {
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
        }
        for (int i = 1; i <= 2; i++) {
            a.ip("link", "add", "a" + i, "type", "veth", "peer", "name", "b" + i);
            a.ip("link", "set", "b" + i, "netns", b.name());
            a.ip("addr", "add", "2001:db8:" + i + "::1/64", "dev", "a" + i, "nodad");
            b.ip("addr", "add", "2001:db8:" + i + "::2/64", "dev", "b" + i, "nodad");
            a.ip("link", "set", "a" + i, "up");
            b.ip("link", "set", "b" + i, "up");
        }
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "loop"));
        netB = new LinuxNetwork(loop, new IoCounters());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (socket != null) {
                socket.close();
            }
            if (netB != null) {
                netB.close();
            }
            if (loop != null) {
                loop.shutdownNow();
            }
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }

    /** The index of a link, from the line {@code ip -o} prints for it (a message ip also wrote is passed over). */
    private static int ifindex(NetworkNamespace ns, String name) throws Exception {
        String out = ns.ip("-o", "link", "show", name);
        return out.lines().filter(l -> l.matches("\\d+: .*")).findFirst()
                .map(l -> Integer.parseInt(l.substring(0, l.indexOf(':'))))
                .orElseThrow(() -> new IllegalStateException("no index for " + name + " in: " + out));
    }

    private static IpAddress linkLocal(NetworkNamespace ns, String dev) throws Exception {
        String out = ns.ip("-6", "-o", "addr", "show", "dev", dev, "scope", "link");
        return IpAddress.parse(out.substring(out.indexOf("inet6 ") + 6, out.indexOf('/', out.indexOf("inet6 "))));
    }

    private Got await(String text) throws Exception {
        List<Got> seen = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Got g = got.poll(100, TimeUnit.MILLISECONDS);
            if (g == null) {
                continue;
            }
            assertThat(g.thread()).as("the receiver runs on the loop").isEqualTo("loop");
            seen.add(g);
            if (g.text().equals(text)) {
                return g;
            }
        }
        throw new AssertionError("no \"" + text + "\" among " + seen);
    }

    @Test
    void everyDatagramCarriesItsOwnDestinationAndInterface() throws Exception {
        int a1 = ifindex(a, "a1");
        int a2 = ifindex(a, "a2");
        int b1 = ifindex(b, "b1");
        int b2 = ifindex(b, "b2");
        socket = a.inside(() -> BabelSocket.open(loop, GROUP, PORT,
                (ifindex, source, destination, data) -> got.add(new Got(ifindex, source, destination,
                        new String(data), Thread.currentThread().getName()))));
        loop.submit(() -> {
            socket.interfaceUp(a1);
            socket.interfaceUp(a2);
        }).get();
        UdpSocket sender = b.inside(() -> netB.udp(UdpSocket.Options.any(0), d -> { }));
        IpAddress a1LinkLocal = linkLocal(a, "a1");

        sender.send(A1_GLOBAL, PORT, 0, "global".getBytes());
        Got global = await("global");
        assertThat(global.destination()).as("a datagram to a global address of ours is not multicast")
                .isEqualTo(A1_GLOBAL);
        assertThat(global.ifindex()).isEqualTo(a1);

        sender.send(a1LinkLocal, PORT, b1, "link-local".getBytes());
        Got unicast = await("link-local");
        assertThat(unicast.destination()).isEqualTo(a1LinkLocal);
        assertThat(unicast.ifindex()).isEqualTo(a1);
        assertThat(unicast.source()).isEqualTo(linkLocal(b, "b1"));

        sender.send(GROUP, PORT, b2, "multicast".getBytes());
        Got multicast = await("multicast");
        assertThat(multicast.destination()).isEqualTo(GROUP);
        assertThat(multicast.ifindex()).isEqualTo(a2);
        assertThat(multicast.source()).isEqualTo(linkLocal(b, "b2"));

        loop.submit(() -> socket.interfaceDown(a2)).get();
        sender.send(GROUP, PORT, b2, "after leaving".getBytes());
        sender.send(GROUP, PORT, b1, "still joined".getBytes());
        Got still = await("still joined");
        assertThat(still.ifindex()).isEqualTo(a1);
        assertThat(got).as("nothing from the group on an interface that was left").isEmpty();
    }

    @Test
    void sendsLeaveThroughTheInterfaceAsked() throws Exception {
        int b1 = ifindex(b, "b1");
        int b2 = ifindex(b, "b2");
        BlockingQueue<Integer> in = new LinkedBlockingQueue<>();
        LinuxNetwork netA = new LinuxNetwork(loop, new IoCounters());
        try {
            UdpSocket listener = a.inside(() -> netA.udp(UdpSocket.Options.any(PORT + 1), d -> in.add(d.ifindex())));
            listener.join(GROUP, ifindex(a, "a1"));
            listener.join(GROUP, ifindex(a, "a2"));
            BabelSocket s = b.inside(() -> BabelSocket.open(loop, GROUP, PORT + 1, (i, x, d, data) -> { }));
            socket = s;
            loop.submit(() -> s.send(b2, GROUP, "hello".getBytes())).get();
            assertThat(in.poll(10, TimeUnit.SECONDS)).isEqualTo(ifindex(a, "a2"));
            loop.submit(() -> s.send(b1, GROUP, "hello".getBytes())).get();
            assertThat(in.poll(10, TimeUnit.SECONDS)).isEqualTo(ifindex(a, "a1"));
            assertThat(s.counters()).containsEntry("send_error", 0L).containsKey("join_failed");
        } finally {
            netA.close();
        }
    }
}
