package org.jbabel.conformance;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * A hostile neighbour's raw Babel sender, for the tests of {@link HostileNeighbourTest} and the flood of
 * {@code bench/hostile-flood.sh}: one UDP socket per source address, each bound to {@code [fe80::X%IF]:6696} inside
 * the attacker's namespace (opened on a thread that entered it with setns(2), so the sockets stay there), sending
 * whatever bytes it is given to ff02::1:6 or to a unicast link-local address. It has no state machine of its own:
 * Hellos, IHUs and Updates are made with our {@link PacketWriter} (MTU 1500, compression on), and malformed or
 * forbidden encodings are written by hand by the caller. The addresses must already be on the interface
 * ({@code nodad}).
 */
final class RawBabel implements AutoCloseable {
    static final int PORT = Packet.UDP_PORT;
    /** The largest Babel packet for an MTU of 1500, as a neighbour on Ethernet would send. */
    static final PacketWriter WRITER = new PacketWriter(PacketWriter.maxPacketSizeForMtu(1500));

    private final int scope;
    private final List<DatagramChannel> sockets = new ArrayList<>();
    private final List<IpAddress> sources;
    private long sent;

    /**
     * Opens one socket per source address on interface {@code ifname} of namespace {@code ns}. The interface index
     * comes from {@code ip} (the JDK's interface lookup sees the process's namespace, not the thread's).
     */
    RawBabel(String ns, String ifname, List<IpAddress> sources) throws Exception {
        this.sources = List.copyOf(sources);
        String link = Lab.run("ip", "-n", ns, "-o", "link", "show", "dev", ifname);
        int index = Integer.parseInt(link.substring(0, link.indexOf(':')).trim());
        this.scope = Lab.inside(ns, () -> {
            try {
                for (IpAddress a : this.sources) {
                    DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
                    sockets.add(ch);
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                    ch.bind(new InetSocketAddress(Inet6Address.getByAddress(null, a.toBytes(), index), PORT));
                }
            } catch (IOException e) {
                close();
                throw e;
            }
            return index;
        });
    }

    IpAddress source(int i) {
        return sources.get(i);
    }

    int sources() {
        return sources.size();
    }

    /** Datagrams sent so far (all sources). */
    long sent() {
        return sent;
    }

    /** Sends one datagram from source {@code from} to {@code to} (the Babel group or a link-local unicast address). */
    void send(int from, byte[] datagram, IpAddress to) throws IOException {
        var target = new InetSocketAddress(Inet6Address.getByAddress(null, to.toBytes(), scope), PORT);
        DatagramChannel ch = sockets.get(from);
        // A full send buffer blocks (the channels are blocking), so nothing is lost on our side.
        ch.send(ByteBuffer.wrap(datagram), target);
        sent++;
    }

    /** Encodes {@code tlvs} with {@link #WRITER} and multicasts every packet from source {@code from}. */
    int multicast(int from, List<Tlv> tlvs) throws IOException {
        List<byte[]> packets = WRITER.write(tlvs);
        for (byte[] p : packets) {
            send(from, p, IpAddress.BABEL_GROUP);
        }
        return packets.size();
    }

    /** The TLVs of {@code tlvs} as one packet body without its header, to append to another packet. */
    static byte[] tlvs(List<Tlv> tlvs) {
        List<byte[]> packets = WRITER.write(tlvs);
        if (packets.size() != 1) {
            throw new IllegalArgumentException("not one packet: " + tlvs.size() + " TLVs");
        }
        return java.util.Arrays.copyOfRange(packets.getFirst(), Packet.HEADER_LENGTH, packets.getFirst().length);
    }

    /** A multicast Hello with the given seqno and interval (centiseconds). */
    static Tlv.Hello hello(int seqno, int intervalCs) {
        return new Tlv.Hello(0, seqno & 0xFFFF, intervalCs, List.of());
    }

    /** An IHU naming {@code whom} (a link-local address, AE 3) with rxcost 96. */
    static Tlv.Ihu ihu(IpAddress whom, int intervalCs) {
        return new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, intervalCs, whom, List.of());
    }

    /** A finite IPv6 update from {@code id} with the sender as next hop. */
    static Tlv.Update update(Prefix prefix, RouterId id, int seqno, int metric, int intervalCs) {
        return new Tlv.Update(AddressEncoding.IPV6, 0, prefix, Prefix.zero(prefix.family()), intervalCs, seqno,
                metric, id, null, List.of());
    }

    /** A finite update with an explicit next hop (AE 1 for IPv4 prefixes, AE 2 for IPv6 ones). */
    static Tlv.Update update(Prefix prefix, RouterId id, IpAddress nextHop, int seqno, int metric, int intervalCs) {
        AddressEncoding ae = prefix.family() == org.jbabel.wire.Family.V4 ? AddressEncoding.IPV4 : AddressEncoding.IPV6;
        return new Tlv.Update(ae, 0, prefix, Prefix.zero(prefix.family()), intervalCs, seqno, metric, id, nextHop,
                List.of());
    }

    /**
     * The packets of a flood of {@code count} IPv6 /128s from one router-id: {@code base} plus 0 ..
     * {@code count - 1} in the low 32 bits, encoded once (about 95 updates per 1,452-byte packet).
     */
    static List<byte[]> flood(IpAddress base, int count, RouterId id, int seqno, int metric, int intervalCs) {
        List<Tlv> tlvs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            IpAddress a = IpAddress.v6(base.hi(), base.lo() + i);
            tlvs.add(update(new Prefix(a, 128), id, seqno, metric, intervalCs));
        }
        return WRITER.write(tlvs);
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel ch : sockets) {
            ch.close();
        }
    }
}
