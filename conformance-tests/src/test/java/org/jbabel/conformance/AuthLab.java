package org.jbabel.conformance;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jbabel.wire.IpAddress;

/**
 * Two network namespaces joined by a veth pair for the MAC-authentication tests: the peer's end ({@code vp}, where
 * babeld or BIRD runs) and ours ({@code vj}, where a fake neighbour speaks through two UDP sockets opened inside the
 * namespace). Our end has the single link-local address {@link #OURS} (no automatic one, no DAD), so the source
 * address of what we send is known for the MAC pseudo-header. Deleted on {@link #close()}.
 */
final class AuthLab implements AutoCloseable {
    static final IpAddress OURS = IpAddress.parse("fe80::1:2");
    private static final int PORT = 6696;

    final String peerNs;
    final String ourNs;
    private final List<Process> processes = new ArrayList<>();
    private DatagramChannel multicast;
    private DatagramChannel unicast;
    private Selector selector;
    private int scope;

    AuthLab() throws Exception {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        peerNs = "jbauth-p-" + suffix;
        ourNs = "jbauth-j-" + suffix;
        try {
            Lab.run("ip", "netns", "add", peerNs);
            Lab.run("ip", "netns", "add", ourNs);
            Lab.run("ip", "link", "add", "vp", "netns", peerNs, "type", "veth", "peer", "name", "vj", "netns", ourNs);
            Lab.run("ip", "-n", ourNs, "link", "set", "vj", "addrgenmode", "none");
            for (String[] ns : new String[][] {{peerNs, "vp"}, {ourNs, "vj"}}) {
                Lab.run("ip", "-n", ns[0], "link", "set", "lo", "up");
                Lab.run("ip", "-n", ns[0], "link", "set", ns[1], "up");
            }
            Lab.run("ip", "-n", ourNs, "addr", "add", OURS + "/64", "dev", "vj", "nodad");
            // The JDK finds interfaces through SIOCGIFCONF, which lists only those with an IPv4 address, in the
            // calling thread's namespace (its IPv6 view reads /proc/self/net, the process's namespace).
            Lab.run("ip", "-n", ourNs, "addr", "add", "192.0.2.2/24", "dev", "vj");
            Lab.inside(ourNs, () -> {
                openSockets();
                return null;
            });
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts a long-running peer process; it is stopped on {@link #close()}. */
    Process start(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private void openSockets() throws IOException {
        NetworkInterface vj = NetworkInterface.getByName("vj");
        scope = vj.getIndex();
        InetAddress group = Inet6Address.getByAddress(null, IpAddress.BABEL_GROUP.toBytes(), scope);
        multicast = DatagramChannel.open(StandardProtocolFamily.INET6);
        multicast.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        multicast.bind(new InetSocketAddress(group, PORT));
        multicast.join(group, vj);
        unicast = DatagramChannel.open(StandardProtocolFamily.INET6);
        unicast.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        unicast.setOption(StandardSocketOptions.IP_MULTICAST_IF, vj);
        unicast.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
        unicast.bind(new InetSocketAddress(Inet6Address.getByAddress(null, OURS.toBytes(), scope), PORT));
        selector = Selector.open();
        multicast.configureBlocking(false).register(selector, SelectionKey.OP_READ, IpAddress.BABEL_GROUP);
        unicast.configureBlocking(false).register(selector, SelectionKey.OP_READ, OURS);
    }

    /** A datagram the peer sent us, with its source and the destination it was sent to. */
    record Received(byte[] data, IpAddress source, IpAddress destination) {}

    /** The datagrams that arrive within {@code millis}. */
    List<Received> receive(long millis) throws IOException {
        List<Received> out = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        ByteBuffer buf = ByteBuffer.allocate(65536);
        for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
            if (selector.select(left) == 0) {
                continue;
            }
            for (SelectionKey k : selector.selectedKeys()) {
                DatagramChannel ch = (DatagramChannel) k.channel();
                buf.clear();
                for (var from = ch.receive(buf); from != null; from = ch.receive(buf)) {
                    buf.flip();
                    byte[] data = Arrays.copyOf(buf.array(), buf.limit());
                    InetAddress src = ((InetSocketAddress) from).getAddress();
                    out.add(new Received(data, IpAddress.of(src.getAddress()), (IpAddress) k.attachment()));
                    buf.clear();
                }
            }
            selector.selectedKeys().clear();
        }
        return out;
    }

    /** Sends a datagram from {@link #OURS} port 6696 to {@code destination} (ff02::1:6 or the peer) on vj. */
    void send(byte[] datagram, IpAddress destination) throws IOException {
        InetAddress to = Inet6Address.getByAddress(null, destination.toBytes(), scope);
        unicast.send(ByteBuffer.wrap(datagram), new InetSocketAddress(to, PORT));
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {selector, multicast, unicast}) {
            if (c != null) {
                c.close();
            }
        }
        for (String ns : List.of(peerNs, ourNs)) {
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor();
        }
    }
}
