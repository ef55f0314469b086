package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
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
 * Babel's sockets on port 6696, one per interface, against the real kernel: namespace A (interfaces a1, a2, global
 * 2001:db8:1::1 on a1) runs them, namespace B sends to them over veth pairs a1–b1 and a2–b2. Receivers run on one
 * "loop" thread.
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
    private int a1;
    private int a2;
    private int b1;
    private int b2;

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
        a1 = ifindex(a, "a1");
        a2 = ifindex(a, "a2");
        b1 = ifindex(b, "b1");
        b2 = ifindex(b, "b2");
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

    /** The next datagram received, which must be {@code text}: nothing else came first. */
    private Got await(String text) throws Exception {
        return await(text, false);
    }

    /**
     * The datagram {@code text}, waited for up to 30 s; with {@code passOverOthers} (a flood) the others received
     * before it are passed over, otherwise any other is a failure.
     */
    private Got await(String text, boolean passOverOthers) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Got g = got.poll(100, TimeUnit.MILLISECONDS);
            if (g == null) {
                continue;
            }
            assertThat(g.thread()).as("the receiver runs on the loop").isEqualTo("loop");
            if (g.text().equals(text)) {
                return g;
            }
            if (!passOverOthers) {
                throw new AssertionError("\"" + g.text() + "\" received, waiting for \"" + text + "\": " + g);
            }
        }
        throw new AssertionError("no \"" + text + "\"");
    }

    /**
     * Opens Babel's sockets in A on a1 and a2 and returns a socket of B to send to them. The sockets are made on A's
     * thread: a socket is made in the namespace of the thread that asks for it (in the daemon, the loop's, in the
     * daemon's namespace). The tests call the socket from one thread at a time, as the daemon's loop does.
     */
    private UdpSocket babelOnA1AndA2() throws Exception {
        socket = a.inside(() -> {
            BabelSocket s = BabelSocket.open(loop, GROUP, PORT, (ifindex, source, destination, data) -> got.add(
                    new Got(ifindex, source, destination, new String(data), Thread.currentThread().getName())));
            s.interfaceUp(a1, "a1");
            s.interfaceUp(a2, "a2");
            return s;
        });
        return b.inside(() -> netB.udp(UdpSocket.Options.any(0), d -> { }));
    }

    @Test
    void everyDatagramCarriesItsOwnDestinationAndInterface() throws Exception {
        UdpSocket sender = babelOnA1AndA2();
        IpAddress a1LinkLocal = linkLocal(a, "a1");
        IpAddress a2LinkLocal = linkLocal(a, "a2");

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

        socket.interfaceDown(a2);
        sender.send(GROUP, PORT, b2, "multicast after down".getBytes());
        sender.send(a2LinkLocal, PORT, b2, "unicast after down".getBytes());
        sender.send(GROUP, PORT, b1, "still running".getBytes());
        Got still = await("still running");
        assertThat(still.ifindex()).isEqualTo(a1);
        assertThat(got).as("nothing, multicast or unicast, from an interface Babel stopped on").isEmpty();
        assertThat(socket.receiveBufferSize(a2)).isEqualTo(-1);
    }

    /**
     * Unicast to an address of ours, whichever interface holds it, is received by the socket of the interface it
     * arrives on, and by no other: B routes a1's global address through b2, so it arrives on a2; with a2's socket
     * closed it is not received at all, though a1's socket is open on the same port.
     */
    @Test
    void unicastLandsOnTheSocketOfTheInterfaceItArrivesOnOnly() throws Exception {
        b.ip("-6", "route", "add", A1_GLOBAL + "/128", "via", linkLocal(a, "a2").toString(), "dev", "b2");
        UdpSocket sender = babelOnA1AndA2();

        sender.send(A1_GLOBAL, PORT, 0, "a1's address over a2".getBytes());
        Got g = await("a1's address over a2");
        assertThat(g.ifindex()).isEqualTo(a2);
        assertThat(g.destination()).isEqualTo(A1_GLOBAL);

        socket.interfaceDown(a2);
        sender.send(A1_GLOBAL, PORT, 0, "a1's address over a2, a2 closed".getBytes());
        sender.send(GROUP, PORT, b1, "a1 still hears".getBytes());
        assertThat(await("a1 still hears").ifindex()).isEqualTo(a1);
        assertThat(got).as("a1's socket does not take what arrives on a2").isEmpty();
    }

    /**
     * The point of a socket per interface: while the loop is busy, a flood on a1 overflows a1's receive buffer (the
     * kernel's drops counted for a1) and a2's datagrams, multicast and unicast, all arrive, none dropped on a2.
     * The receive buffers share {@link BabelSocket#RECEIVE_BUFFERS}: half each for two interfaces, the whole for
     * one.
     */
    @Test
    void aFloodOnOneInterfaceFillsOnlyItsOwnReceiveBuffer() throws Exception {
        UdpSocket sender = babelOnA1AndA2();
        int kernelHalf = 2 * BabelSocket.RECEIVE_BUFFERS / 2;
        assertThat(socket.receiveBufferSize(a1)).isEqualTo(kernelHalf);
        assertThat(socket.receiveBufferSize(a2)).isEqualTo(kernelHalf);
        assertThat(socket.description()).contains("one socket per interface")
                .contains("a1 " + kernelHalf).contains("a2 " + kernelHalf);
        IpAddress a2LinkLocal = linkLocal(a, "a2");

        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                busy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] flood = new byte[1400];
        long drops = 0;
        try {
            for (int round = 0; round < 100 && drops == 0; round++) {
                for (int i = 0; i < 1000; i++) {
                    sender.send(GROUP, PORT, b1, flood);
                }
                drops = socket.counters().get("kernel_dropped.a1");
            }
            for (int i = 0; i < 10; i++) {
                sender.send(GROUP, PORT, b2, ("multicast " + i).getBytes());
                sender.send(a2LinkLocal, PORT, b2, ("unicast " + i).getBytes());
            }
            assertThat(drops).as("the flood overflowed a1's receive buffer").isPositive();
        } finally {
            busy.countDown();
        }
        for (int i = 0; i < 10; i++) {
            assertThat(await("multicast " + i, true).ifindex()).isEqualTo(a2);
            assertThat(await("unicast " + i, true).ifindex()).isEqualTo(a2);
        }
        Map<String, Long> counters = socket.counters();
        assertThat(counters).containsEntry("kernel_dropped.a2", 0L);
        assertThat(counters.get("kernel_dropped")).isGreaterThanOrEqualTo(drops);

        socket.interfaceDown(a2);
        assertThat(socket.receiveBufferSize(a1)).isEqualTo(2 * BabelSocket.RECEIVE_BUFFERS);
        assertThat(socket.counters().get("kernel_dropped"))
                .as("the drops of a closed socket are kept").isGreaterThanOrEqualTo(drops);
    }

    @Test
    void sendsLeaveThroughTheInterfaceAsked() throws Exception {
        BlockingQueue<Integer> in = new LinkedBlockingQueue<>();
        LinuxNetwork netA = new LinuxNetwork(loop, new IoCounters());
        try {
            UdpSocket listener = a.inside(() -> netA.udp(UdpSocket.Options.any(PORT + 1), d -> in.add(d.ifindex())));
            listener.join(GROUP, ifindex(a, "a1"));
            listener.join(GROUP, ifindex(a, "a2"));
            BabelSocket s = b.inside(() -> BabelSocket.open(loop, GROUP, PORT + 1, (i, x, d, data) -> { }));
            socket = s;
            b.inside(() -> {
                s.interfaceUp(b1, "b1");
                s.interfaceUp(b2, "b2");
                return null;
            });
            loop.submit(() -> s.send(b2, GROUP, "hello".getBytes())).get();
            assertThat(in.poll(10, TimeUnit.SECONDS)).isEqualTo(ifindex(a, "a2"));
            loop.submit(() -> s.send(b1, GROUP, "hello".getBytes())).get();
            assertThat(in.poll(10, TimeUnit.SECONDS)).isEqualTo(ifindex(a, "a1"));
            assertThat(s.counters()).containsEntry("send_error", 0L).containsEntry("send_no_socket", 0L)
                    .containsKey("join_failed");
        } finally {
            netA.close();
        }
    }
}
