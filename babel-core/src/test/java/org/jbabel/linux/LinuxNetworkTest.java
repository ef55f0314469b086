package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jbabel.extension.Network;
import org.jbabel.extension.Network.Datagram;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LinuxNetwork} against the real kernel: two namespaces, A and B, joined by two veth pairs a1–b1
 * (2001:db8:1::/64) and a2–b2 (2001:db8:2::/64), DAD off. Receivers run on a single "loop" thread.
 */
class LinuxNetworkTest {

    private static final IpAddress A1 = IpAddress.parse("2001:db8:1::1");
    private static final IpAddress GROUP = IpAddress.parse("ff02::1:6");
    private static final int PORT = 6697;
    private static final String LOOP = "test-loop";

    private NetworkNamespace a;
    private NetworkNamespace b;
    private ExecutorService loop;
    private LinuxNetwork netA;
    private LinuxNetwork netB;
    private int a1;
    private int a2;
    private int b1;
    private int b2;

    private record Got<T>(T item, String thread) {}

    private final BlockingQueue<Got<Datagram>> datagrams = new LinkedBlockingQueue<>();

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
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, LOOP));
        netA = new LinuxNetwork(loop, new IoCounters());
        netB = new LinuxNetwork(loop, new IoCounters());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (netA != null) {
                netA.close();
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

    private static int ifindex(NetworkNamespace ns, String name) throws Exception {
        return Integer.parseInt(ns.ip("-o", "link", "show", name).split(":")[0].trim());
    }

    private static String linkLocal(NetworkNamespace ns, String dev) throws Exception {
        String out = ns.ip("-6", "-o", "addr", "show", "dev", dev, "scope", "link");
        return out.substring(out.indexOf("inet6 ") + 6, out.indexOf('/', out.indexOf("inet6 ")));
    }

    private UdpSocket listenOnA(LinuxNetwork net) throws Exception {
        UdpSocket s = a.inside(() -> net.udp(UdpSocket.Options.any(PORT),
                d -> datagrams.add(new Got<>(d, Thread.currentThread().getName()))));
        s.join(GROUP, a1);
        s.join(GROUP, a2);
        return s;
    }

    private UdpSocket senderInB() throws Exception {
        return b.inside(() -> netB.udp(UdpSocket.Options.any(0), d -> { }));
    }

    private static <T> T await(BlockingQueue<Got<T>> queue, Predicate<T> wanted, String what) throws Exception {
        List<T> seen = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Got<T> g = queue.poll(100, TimeUnit.MILLISECONDS);
            if (g == null) {
                continue;
            }
            assertThat(g.thread()).as("receivers run on the executor").isEqualTo(LOOP);
            seen.add(g.item());
            if (wanted.test(g.item())) {
                return g.item();
            }
        }
        throw new AssertionError("nothing " + what + " among " + seen);
    }

    private static Predicate<Datagram> payload(String text) {
        return d -> new String(d.data()).equals(text);
    }

    @Test
    void multicastAndUnicastToOnePortAreToldApartByTheDestinationAndCarryTheirInterface() throws Exception {
        listenOnA(netA);
        UdpSocket sender = senderInB();
        IpAddress a1LinkLocal = IpAddress.parse(linkLocal(a, "a1"));
        IpAddress b2LinkLocal = IpAddress.parse(linkLocal(b, "b2"));

        assertThat(sender.send(GROUP, PORT, b2, "to the group via b2".getBytes())).isTrue();
        Datagram group = await(datagrams, payload("to the group via b2"), "multicast");
        assertThat(group.destination()).isEqualTo(GROUP);
        assertThat(group.ifindex()).isEqualTo(a2);
        assertThat(group.source()).isEqualTo(b2LinkLocal);
        assertThat(group.sourcePort()).isEqualTo(sender.localPort()).isNotZero();

        assertThat(sender.send(a1LinkLocal, PORT, b1, "to a1's link-local".getBytes())).isTrue();
        Datagram linkLocal = await(datagrams, payload("to a1's link-local"), "link-local unicast");
        assertThat(linkLocal.destination()).isEqualTo(a1LinkLocal);
        assertThat(linkLocal.ifindex()).isEqualTo(a1);

        assertThat(sender.send(A1, PORT, 0, "to a1's global address".getBytes())).isTrue();
        Datagram global = await(datagrams, payload("to a1's global address"), "global unicast");
        assertThat(global.destination()).as("a datagram to a global address of ours is not multicast")
                .isEqualTo(A1);
        assertThat(global.ifindex()).isEqualTo(a1);
    }

    @Test
    void aDatagramSentWithAnInterfaceLeavesThroughIt() throws Exception {
        listenOnA(netA);
        UdpSocket sender = senderInB();

        sender.send(GROUP, PORT, b1, "out of b1".getBytes());
        sender.send(GROUP, PORT, b2, "out of b2".getBytes());

        assertThat(await(datagrams, payload("out of b1"), "via b1").ifindex()).isEqualTo(a1);
        assertThat(await(datagrams, payload("out of b2"), "via b2").ifindex()).isEqualTo(a2);
    }

    @Test
    void aDatagramLongerThanTheLimitIsCountedAndDroppedAndTheNextStillArrives() throws Exception {
        LinuxNetwork small = new LinuxNetwork(new FdPoller(loop, new IoCounters()), true, 100);
        try {
            listenOnA(small);
            UdpSocket sender = senderInB();

            sender.send(GROUP, PORT, b1, "x".repeat(200).getBytes());
            sender.send(GROUP, PORT, b1, "short".getBytes());

            await(datagrams, payload("short"), "after the long one");
            assertThat(small.counters().get(IoCounters.Kind.RECEIVE_TRUNCATED)).isEqualTo(1);
            assertThat(datagrams).isEmpty();
        } finally {
            small.close();
        }
    }

    @Test
    void aClosedSocketFreesItsPortAndRefusesToSend() throws Exception {
        UdpSocket s = listenOnA(netA);
        assertThat(netA.poller().size()).isEqualTo(1);

        s.close();
        s.close();

        assertThat(netA.poller().size()).isZero();
        assertThat(s.send(GROUP, PORT, a1, new byte[1])).isFalse();
        assertThat(netA.counters().get(IoCounters.Kind.SEND_ERROR)).isEqualTo(1);
        listenOnA(netA).close(); // the port is free again
    }

    @Test
    void socketsClosedWhileDatagramsPourInNeverDisturbTheOthers() throws Exception {
        UdpSocket sender = senderInB();
        for (int round = 0; round < 20; round++) {
            UdpSocket s = listenOnA(netA);
            for (int i = 0; i < 50; i++) {
                sender.send(GROUP, PORT, b1, ("flood " + i).getBytes());
            }
            Thread closer = Thread.ofPlatform().start(s::close); // races with the poller reading it
            closer.join();
        }
        datagrams.clear();
        listenOnA(netA);
        sender.send(GROUP, PORT, b1, "after the storm".getBytes());

        assertThat(await(datagrams, payload("after the storm"), "on a fresh socket").ifindex()).isEqualTo(a1);
        assertThat(netA.poller().size()).isEqualTo(1);
        assertThat(netA.counters().get(IoCounters.Kind.RECEIVE_ERROR)).isZero();
        assertThat(netA.counters().get(IoCounters.Kind.POLL_HANGUP)).isZero();
    }

    @Test
    void aFloodWaitsInTheKernelWhileTheExecutorIsBehindInsteadOfGrowingItsQueue() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<Runnable> stalled = new java.util.concurrent.ConcurrentLinkedQueue<>();
        LinuxNetwork slow = new LinuxNetwork(new FdPoller(stalled::add, new IoCounters()), true, FdPoller.MAX_ITEM);
        try {
            UdpSocket s = a.inside(() -> slow.udp(UdpSocket.Options.any(PORT), d -> datagrams.add(new Got<>(d, LOOP))));
            s.join(GROUP, a1);
            UdpSocket sender = senderInB();
            for (int batch = 0; batch < 12; batch++) {
                for (int i = 0; i < 100; i++) {
                    sender.send(GROUP, PORT, b1, ("item " + batch + "." + i).getBytes());
                }
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertThat(stalled).as("handed over and not yet run").hasSize(FdPoller.MAX_PENDING);

            Runnable r;
            while ((r = stalled.poll()) != null) {
                r.run();
            }
            sender.send(GROUP, PORT, b1, "after catching up".getBytes());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (datagrams.stream().noneMatch(g -> payload("after catching up").test(g.item()))
                    && System.nanoTime() < end) {
                while ((r = stalled.poll()) != null) {
                    r.run();
                }
                Thread.sleep(10);
            }
            assertThat(datagrams).as("reading resumed once the executor caught up")
                    .anyMatch(g -> payload("after catching up").test(g.item()));
        } finally {
            slow.close();
        }
    }

    @Test
    void aSocketBoundToADeviceHearsOnlyThatDevice() throws Exception {
        a.inside(() -> netA.udp(new UdpSocket.Options(IpAddress.V6_UNSPECIFIED, PORT, "a2", 1, false),
                d -> datagrams.add(new Got<>(d, Thread.currentThread().getName())))).join(GROUP, a2);
        UdpSocket sender = senderInB();

        sender.send(A1, PORT, 0, "to a1".getBytes());
        sender.send(IpAddress.parse("2001:db8:2::1"), PORT, 0, "to a2".getBytes());

        assertThat(await(datagrams, payload("to a2"), "on a2").ifindex()).isEqualTo(a2);
        assertThat(datagrams).isEmpty();
    }

    @Test
    void anIpv4SocketSendsAndReceivesBroadcastsOnItsDeviceWithTheDestinationAndInterface() throws Exception {
        a.ip("addr", "add", "10.9.1.1/24", "dev", "a1");
        a.ip("addr", "add", "10.9.2.1/24", "dev", "a2");
        b.ip("addr", "add", "10.9.1.2/24", "dev", "b1");
        b.ip("addr", "add", "10.9.2.2/24", "dev", "b2");
        BlockingQueue<Got<Datagram>> atServer = new LinkedBlockingQueue<>();
        UdpSocket server = b.inside(() -> netB.udp(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 6767, "b1", 1,
                false), d -> atServer.add(new Got<>(d, Thread.currentThread().getName()))));
        UdpSocket client = a.inside(() -> netA.udp(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 6868, "a1", 1,
                false), d -> datagrams.add(new Got<>(d, Thread.currentThread().getName()))));
        UdpSocket other = a.inside(() -> netA.udp(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 0, "a2", 1,
                false), d -> { }));
        IpAddress broadcast = IpAddress.parse("255.255.255.255");
        assertThat(server.localPort()).isEqualTo(6767);

        assertThat(other.send(broadcast, 6767, 0, "via a2".getBytes())).isTrue();
        assertThat(client.send(broadcast, 6767, 0, "discover".getBytes())).isTrue();
        Datagram d = await(atServer, payload("discover"), "broadcast at the server");
        assertThat(d.source()).isEqualTo(IpAddress.parse("10.9.1.1"));
        assertThat(d.sourcePort()).isEqualTo(6868);
        assertThat(d.destination()).isEqualTo(broadcast);
        assertThat(d.ifindex()).isEqualTo(b1);
        assertThat(atServer).as("the socket bound to b1 does not hear b2").isEmpty();

        assertThat(server.send(broadcast, 6868, b1, "offer".getBytes())).isTrue();
        Datagram offer = await(datagrams, payload("offer"), "broadcast reply");
        assertThat(offer.destination()).isEqualTo(broadcast);
        assertThat(offer.ifindex()).isEqualTo(a1);
        assertThat(offer.source()).isEqualTo(IpAddress.parse("10.9.1.2"));

        assertThat(server.send(IpAddress.parse("10.9.1.1"), 6868, 0, "ack".getBytes())).isTrue();
        assertThat(await(datagrams, payload("ack"), "unicast reply").destination())
                .isEqualTo(IpAddress.parse("10.9.1.1"));

        assertThat(server.send(A1, 6868, 0, "v6".getBytes())).as("an IPv6 destination on an IPv4 socket")
                .isFalse();
    }

    // ---- TUN ----

    @Test
    void aMulticastDatagramRoutedIntoATunIsReadAndAPacketWrittenIntoItIsReceived() throws Exception {
        BlockingQueue<Got<byte[]>> packets = new LinkedBlockingQueue<>();
        Network.PacketDevice tun = a.inside(() -> netA.tun("tun-test", 1280,
                p -> packets.add(new Got<>(p, Thread.currentThread().getName()))));
        assertThat(tun.ifindex()).isEqualTo(ifindex(a, "tun-test"));
        assertThat(a.ip("link", "show", "tun-test")).contains("mtu 1280").contains("UP");
        a.ip("addr", "add", "2001:db8:9::1/64", "dev", "tun-test", "nodad");
        a.ip("-6", "route", "replace", "multicast", "ff05::/16", "dev", "tun-test", "table", "local");
        UdpSocket local = a.inside(() -> netA.udp(UdpSocket.Options.any(PORT),
                d -> datagrams.add(new Got<>(d, Thread.currentThread().getName()))));

        IpAddress ff05 = IpAddress.parse("ff05::2:1001");
        assertThat(local.send(ff05, 1001, tun.ifindex(), "into the tun".getBytes())).isTrue();
        byte[] out = await(packets, p -> p.length > 40 && p[6] == 17, "UDP packet from the tun");
        assertThat((out[0] & 0xF0) >> 4).isEqualTo(6);
        assertThat(IpAddress.of(java.util.Arrays.copyOfRange(out, 24, 40))).isEqualTo(ff05);
        assertThat(new String(out, 48, out.length - 48)).isEqualTo("into the tun");

        IpAddress from = IpAddress.parse("2001:db8:9::2");
        IpAddress to = IpAddress.parse("2001:db8:9::1");
        assertThat(tun.write(udpPacket(from, to, 4242, PORT, "out of the tun".getBytes()))).isTrue();
        Datagram in = await(datagrams, payload("out of the tun"), "from the tun");
        assertThat(in.ifindex()).isEqualTo(tun.ifindex());
        assertThat(in.destination()).isEqualTo(to);
        assertThat(in.source()).isEqualTo(from);
        assertThat(in.sourcePort()).isEqualTo(4242);

        // a packet in the middle of a bigger buffer, as a translator's output is
        byte[] packet = udpPacket(from, to, 4243, PORT, "from an offset".getBytes());
        byte[] buffer = new byte[packet.length + 20];
        System.arraycopy(packet, 0, buffer, 7, packet.length);
        assertThat(tun.write(buffer, 7, packet.length)).isTrue();
        assertThat(await(datagrams, payload("from an offset"), "from the tun at an offset").sourcePort())
                .isEqualTo(4243);
    }

    @Test
    void aClosedTunDeviceIsGone() throws Exception {
        Network.PacketDevice tun = a.inside(() -> netA.tun("tun-test", 1400, p -> { }));
        int fd = ((LinuxPacketDevice) tun).fd;
        assertThat(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString())
                .isEqualTo("/dev/net/tun");

        tun.close();

        assertThat(netA.poller().size()).isZero();
        assertThatThrownBy(() -> a.ip("link", "show", "tun-test")).hasMessageContaining("does not exist");
        assertThat(tun.write(new byte[40])).isFalse();
    }

    // ---- bulk device (a veth pair read and written in batches) ----

    @Test
    void aBulkDeviceCarriesIpv6BothWaysWithCompleteChecksumsAndAnswersWrittenWhileABatchIsDelivered()
            throws Exception {
        a.ip("link", "add", "bulk-test", "type", "veth", "peer", "name", "bulk-test-io"); // as a crashed run leaves it
        BlockingQueue<Got<byte[]>> packets = new LinkedBlockingQueue<>();
        Network.PacketDevice[] device = new Network.PacketDevice[1];
        IpAddress peer = IpAddress.parse("2001:db8:9::2");
        IpAddress local = IpAddress.parse("2001:db8:9::1");
        device[0] = a.inside(() -> netA.bulkTun("bulk-test", 1400, p -> {
            packets.add(new Got<>(p, Thread.currentThread().getName()));
            if ((p[0] & 0xF0) == 0x60 && p[6] == 17) { // answered at once, while its batch is being delivered
                assertThat(device[0].write(udpPacket(peer, local, 4242, PORT, java.util.Arrays.copyOfRange(p, 48,
                        p.length)))).isTrue();
            }
        }));
        Network.PacketDevice bulk = device[0];
        assertThat(bulk.ifindex()).isEqualTo(ifindex(a, "bulk-test"));
        assertThat(a.ip("link", "show", "bulk-test")).contains("NOARP").contains("mtu 1400").contains("UP");
        assertThat(a.ip("link", "show", "bulk-test-io")).contains("UP");
        a.ip("addr", "add", local + "/64", "dev", "bulk-test", "nodad");
        a.ip("-6", "route", "add", "2001:db8:77::/64", "dev", "bulk-test");
        UdpSocket socket = a.inside(() -> netA.udp(UdpSocket.Options.any(PORT),
                d -> datagrams.add(new Got<>(d, Thread.currentThread().getName()))));

        // 300 packets in waves of 60, so that the answers in flight fit the test socket's default receive buffer
        // (all 300 at once overflowed it now and then: the kernel delivered every answer, the socket dropped two)
        int count = 300;
        int wave = 60;
        Set<String> seen = new java.util.HashSet<>();
        Set<String> answers = new java.util.HashSet<>();
        for (int sent = 0; sent < count; sent += wave) {
            for (int i = sent; i < sent + wave; i++) {
                assertThat(socket.send(IpAddress.parse("2001:db8:77::5"), 9, 0, ("n" + i).getBytes())).isTrue();
            }
            while (seen.size() < sent + wave) {
                byte[] p = await(packets, x -> (x[0] & 0xF0) == 0x60 && x[6] == 17, "UDP packet from the device");
                assertThat(udpChecksumOk(p)).as("the kernel completed the checksum before the packet left")
                        .isTrue();
                seen.add(new String(p, 48, p.length - 48));
            }
            while (answers.size() < sent + wave) {
                Datagram d = await(datagrams, x -> x.sourcePort() == 4242, "an answer written into the device");
                assertThat(d.ifindex()).isEqualTo(bulk.ifindex());
                assertThat(d.source()).isEqualTo(peer);
                answers.add(new String(d.data()));
            }
        }
        assertThat(answers).isEqualTo(seen);
    }

    @Test
    void aBulkDeviceCarriesIpv4BothWays() throws Exception {
        BlockingQueue<Got<byte[]>> packets = new LinkedBlockingQueue<>();
        Network.PacketDevice bulk = a.inside(() -> netA.bulkTun("bulk-test", 1500,
                p -> packets.add(new Got<>(p, Thread.currentThread().getName()))));
        a.ip("addr", "add", "10.9.0.1/24", "dev", "bulk-test");

        // an echo request from 10.9.0.2 written into the device; the kernel's reply is routed back into it
        assertThat(bulk.write(echoRequest(new byte[] {10, 9, 0, 2}, new byte[] {10, 9, 0, 1}, 77))).isTrue();
        byte[] reply = await(packets, x -> (x[0] & 0xF0) == 0x40 && x[9] == 1 && x[20] == 0, "echo reply");
        assertThat(java.util.Arrays.copyOfRange(reply, 16, 20)).containsExactly(10, 9, 0, 2);
        assertThat(((reply[24] & 0xFF) << 8) | (reply[25] & 0xFF)).as("identifier").isEqualTo(77);
    }

    @Test
    void aClosedBulkDeviceIsGoneWithItsPeer() throws Exception {
        Network.PacketDevice bulk = a.inside(() -> netA.bulkTun("bulk-test", 1500, p -> { }));
        bulk.close();

        assertThat(netA.poller().size()).isZero();
        assertThatThrownBy(() -> a.ip("link", "show", "bulk-test")).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> a.ip("link", "show", "bulk-test-io")).hasMessageContaining("does not exist");
        assertThat(bulk.write(new byte[] {0x60, 0, 0, 0})).isFalse();
        assertThatThrownBy(() -> a.inside(() -> netA.bulkTun("much-too-long-name", 1280, p -> { })))
                .hasMessageContaining("not an interface name");
    }

    /** Whether an IPv6 packet's UDP checksum is right. */
    private static boolean udpChecksumOk(byte[] p) {
        byte[] copy = p.clone();
        copy[46] = 0;
        copy[47] = 0;
        byte[] again = udpPacket(IpAddress.of(java.util.Arrays.copyOfRange(p, 8, 24)),
                IpAddress.of(java.util.Arrays.copyOfRange(p, 24, 40)),
                ((p[40] & 0xFF) << 8) | (p[41] & 0xFF), ((p[42] & 0xFF) << 8) | (p[43] & 0xFF),
                java.util.Arrays.copyOfRange(p, 48, p.length));
        return again[46] == p[46] && again[47] == p[47];
    }

    /** An IPv4 ICMP echo request with correct checksums. */
    private static byte[] echoRequest(byte[] from, byte[] to, int id) {
        byte[] b = new byte[28];
        b[0] = 0x45;
        b[3] = 28;
        b[8] = 64;
        b[9] = 1;
        System.arraycopy(from, 0, b, 12, 4);
        System.arraycopy(to, 0, b, 16, 4);
        b[20] = 8;
        b[24] = (byte) (id >> 8);
        b[25] = (byte) id;
        checksum(b, 0, 20, 10);
        checksum(b, 20, 8, 22);
        return b;
    }

    private static void checksum(byte[] b, int offset, int length, int at) {
        long sum = 0;
        for (int i = offset; i < offset + length; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        b[at] = (byte) (~sum >> 8);
        b[at + 1] = (byte) ~sum;
    }

    @Test
    void tapDevicesCarryFrames() throws Exception {
        Network.PacketDevice tap = a.inside(() -> netA.tap("tap-test", 1500, p -> { }));
        assertThat(a.ip("-d", "link", "show", "tap-test")).contains("link/ether").contains("tun type tap");
        tap.close();
    }

    /** An IPv6 UDP packet with a correct checksum. */
    static byte[] udpPacket(IpAddress from, IpAddress to, int sourcePort, int port, byte[] payload) {
        int udpLength = 8 + payload.length;
        ByteBuffer p = ByteBuffer.allocate(40 + udpLength).order(ByteOrder.BIG_ENDIAN);
        p.putInt(0x6000_0000).putShort((short) udpLength).put((byte) 17).put((byte) 64);
        p.put(from.toBytes16()).put(to.toBytes16());
        p.putShort((short) sourcePort).putShort((short) port).putShort((short) udpLength).putShort((short) 0);
        p.put(payload);
        byte[] b = p.array();
        long sum = 0;
        for (int i = 8; i < 40; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        sum += udpLength + 17;
        for (int i = 40; i < b.length; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (i + 1 < b.length ? b[i + 1] & 0xFF : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        int checksum = (int) (~sum & 0xFFFF);
        b[46] = (byte) (checksum >> 8);
        b[47] = (byte) checksum;
        return b;
    }

    // ---- ICMPv6 and AF_PACKET ----

    @Test
    void aRawIcmpv6SocketReceivesOnlyItsTypesWithTheInterface() throws Exception {
        a.inside(() -> netA.icmp6("a1", Set.of(135), d -> datagrams.add(new Got<>(d, Thread.currentThread().getName()))));

        // B knows no link-layer address for a1: the datagram makes it send a Neighbour Solicitation first
        senderInB().send(A1, PORT, 0, "resolve me".getBytes());
        b.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8:1::1");

        Datagram ns = await(datagrams, d -> true, "neighbour solicitation");
        assertThat(ns.data()[0] & 0xFF).isEqualTo(135);
        assertThat(IpAddress.of(java.util.Arrays.copyOfRange(ns.data(), 8, 24))).isEqualTo(A1);
        assertThat(ns.ifindex()).isEqualTo(a1);
        assertThat(ns.sourcePort()).isZero();
        Thread.sleep(200);
        assertThat(datagrams).as("echo requests are filtered out").allMatch(g -> (g.item().data()[0] & 0xFF) == 135);
    }

    /** ip6 and icmp6 type 135, as classic BPF on the network-layer packet. */
    private static final byte[] NEIGHBOUR_SOLICITATIONS = program(
            0x30, 0, 0, 6, // ldb [6]: next header
            0x15, 0, 3, 58, // jeq 58 (ICMPv6), else drop
            0x30, 0, 0, 40, // ldb [40]: ICMPv6 type
            0x15, 0, 1, 135, // jeq 135, else drop
            0x06, 0, 0, 0xFFFF, // accept
            0x06, 0, 0, 0); // drop

    private static byte[] program(int... fields) {
        ByteBuffer b = ByteBuffer.allocate(fields.length * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < fields.length; i += 4) {
            b.putShort((short) fields[i]).put((byte) fields[i + 1]).put((byte) fields[i + 2]).putInt(fields[i + 3]);
        }
        return b.array();
    }

    @Test
    void aPacketSocketWithAFilterReceivesOnlyWhatItPassesWithTheSendersHardwareAddress() throws Exception {
        BlockingQueue<Got<Network.LinkFrame>> frames = new LinkedBlockingQueue<>();
        Network.LinkSocket s = a.inside(() -> netA.packet("a1", 0x86DD, NEIGHBOUR_SOLICITATIONS,
                f -> frames.add(new Got<>(f, Thread.currentThread().getName()))));
        String mac = b.ip("-o", "link", "show", "b1").replaceAll("(?s).*link/ether ([0-9a-f:]+).*", "$1");

        senderInB().send(A1, PORT, 0, "resolve me".getBytes());
        b.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8:1::1");

        Network.LinkFrame f = await(frames, x -> true, "neighbour solicitation");
        assertThat(f.ifindex()).isEqualTo(a1);
        assertThat(HexFormat.ofDelimiter(":").formatHex(f.senderHardwareAddress())).isEqualTo(mac);
        assertThat(f.payload()[6]).isEqualTo((byte) 58);
        assertThat(f.payload()[40] & 0xFF).isEqualTo(135);
        Thread.sleep(200);
        assertThat(frames).as("everything but solicitations is filtered out")
                .allMatch(g -> g.item().payload()[6] == 58 && (g.item().payload()[40] & 0xFF) == 135);
        s.close();
    }

    @Test
    void badBpfProgramsAndUnknownInterfacesAreClearErrors() throws Exception {
        assertThatThrownBy(() -> a.inside(() -> netA.packet("a1", 0x86DD, new byte[5], f -> { })))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8-byte");
        assertThatThrownBy(() -> a.inside(() -> netA.packet("nope0", 0x86DD, null, f -> { })))
                .hasMessageContaining("no interface nope0");
        assertThatThrownBy(() -> a.inside(() -> netA.tun("much-too-long-name", 1280, p -> { })))
                .hasMessageContaining("not an interface name");
        assertThat(netA.poller().size()).isZero();
    }
}
