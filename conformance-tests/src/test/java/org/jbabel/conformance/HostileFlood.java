package org.jbabel.conformance;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/**
 * The route flood of {@link HostileNeighbourTest} as a program, for {@code bench/hostile-flood.sh}, run inside the
 * attacker's namespace ({@code ip netns exec}): {@code HostileFlood IFNAME IFINDEX SOURCE VICTIM COUNT SECONDS}
 * binds {@code [SOURCE%IFINDEX]:6696}, multicasts a Hello and an IHU naming {@code VICTIM} every 0.5 s and the
 * {@code COUNT} /128s under 2001:db8:ff00::/40 (one router-id, update interval 3 s) every 2.5 s, for
 * {@code SECONDS}, then falls silent. Prints the datagrams and updates it sent. An optional seventh argument K
 * (0 to 255) makes it another attacker: prefixes under 2001:db8:ffKK::/48 (K in hex) and router-id K + 0x66.
 */
public final class HostileFlood {

    private HostileFlood() {}

    public static void main(String[] args) throws Exception {
        int scope = Integer.parseInt(args[1]);
        IpAddress source = IpAddress.parse(args[2]);
        IpAddress victim = IpAddress.parse(args[3]);
        int count = Integer.parseInt(args[4]);
        long end = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        int k = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        List<byte[]> flood = RawBabel.flood(IpAddress.parse("2001:db8:ff" + String.format("%02x", k) + "::"), count,
                new RouterId(0x0266_0000_0000_0066L + k), 1, 0, 300);
        var group = new InetSocketAddress(Inet6Address.getByAddress(null, IpAddress.BABEL_GROUP.toBytes(), scope),
                RawBabel.PORT);
        long datagrams = 0;
        long rounds = 0;
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.bind(new InetSocketAddress(Inet6Address.getByAddress(null, source.toBytes(), scope), RawBabel.PORT));
            long nextFlood = 0;
            for (int seqno = 1; System.nanoTime() < end; seqno++) {
                byte[] hello = RawBabel.WRITER.write(List.of(RawBabel.hello(seqno, 50), RawBabel.ihu(victim, 50)))
                        .getFirst();
                ch.send(ByteBuffer.wrap(hello), group);
                datagrams++;
                if (System.nanoTime() >= nextFlood) {
                    for (byte[] p : flood) {
                        ch.send(ByteBuffer.wrap(p), group);
                    }
                    datagrams += flood.size();
                    rounds++;
                    nextFlood = System.nanoTime() + 2_500_000_000L;
                }
                Thread.sleep(500);
            }
        }
        System.out.printf("sent %d datagrams, %d updates (%d rounds of %d in %d datagrams)%n", datagrams,
                rounds * count, rounds, count, flood.size());
    }
}
