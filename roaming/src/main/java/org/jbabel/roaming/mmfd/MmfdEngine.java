package org.jbabel.roaming.mmfd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jbabel.wire.IpAddress;

/**
 * The sans-IO core of mmfd: the neighbour table, the duplicate cache and the flooding rules (spec roaming.md §2.4-2.7),
 * wire-compatible with the C mmfd. It does no I/O and reads no clock: the caller gives the time (nanoseconds of any
 * monotonic clock) and receives what to send and what to write into the TUN device through an {@link Output}.
 * Single-threaded.
 *
 * <p>Wire format: every datagram (UDP port {@value #PORT}) starts with an 8-byte nonce, treated as opaque bytes. A
 * HELLO is the nonce alone, sent to {@code [ff02::6a8b]} on each mmfd interface every 10 s; DATA is the nonce followed
 * by a whole IPv6 packet, sent by unicast to a neighbour's link-local address. The two are told apart only by the
 * destination address the datagram was sent to (the group: HELLO).
 *
 * <p>Differences from the C mmfd, none visible on the wire: the neighbour table is keyed by (address, ifindex), and a
 * HELLO is not entered into the duplicate cache, so a neighbour reachable over two links is a neighbour on both
 * (the C mmfd keeps whichever link delivered the first copy, which can flap); a DATA whose inner packet is not a
 * well-formed IPv6 multicast packet is dropped and counted (the C mmfd writes it into its TUN device as it is); a
 * datagram arriving on an interface that is not an mmfd interface is dropped.
 */
public final class MmfdEngine {

    /** The UDP port of HELLO and DATA. */
    public static final int PORT = 27275;
    /** The HELLO group, link-local scope. */
    public static final IpAddress GROUP = IpAddress.v6(0xff02_0000_0000_0000L, 0x6a8bL);
    /** The HELLO interval. */
    public static final long HELLO_INTERVAL = 10_000_000_000L;
    /** A neighbour not heard for this long (5 HELLO intervals) is forgotten. */
    public static final long NEIGHBOUR_TIMEOUT = 5 * HELLO_INTERVAL;
    /** How many nonces are remembered (the C mmfd's 2000). */
    public static final int CACHE_SIZE = 2000;
    /**
     * How many neighbours are kept at most, over all interfaces (the C mmfd has no bound). A HELLO from a new
     * neighbour beyond it is refused and counted ({@code neighbour_refused}); the neighbours known stay. A Gluon node
     * has tens; each neighbour gets a copy of every flooded packet.
     */
    public static final int MAX_NEIGHBOURS = 256;
    /** The TUN device's MTU, also the largest packet read from it. */
    public static final int MTU = 1280;
    /** The nonce in front of every datagram. */
    public static final int NONCE_LENGTH = 8;
    /** The IPv6 header. */
    public static final int IPV6_HEADER = 40;

    /**
     * What the engine does to the world. {@link #count} names a counter (the names are listed on
     * {@link MmfdEngine}'s methods and in docs/CONFIGURATION.md).
     */
    public interface Output {
        /** Sends {@code datagram} to {@code [destination]:27275} out of interface {@code ifindex}. */
        void send(IpAddress destination, int ifindex, byte[] datagram);

        /** Writes one IPv6 packet into the TUN device. */
        void deliver(byte[] packet);

        /** Increments a counter. */
        void count(String counter);
    }

    /**
     * A neighbour: an mmfd node whose HELLO arrived on one of our mmfd interfaces.
     *
     * @param id stable while the neighbour is known, unique for the engine's life
     * @param address its link-local address (the HELLO's source)
     * @param ifindex the interface the HELLO came in on
     * @param ifname that interface's name
     * @param expires the time it is forgotten unless another HELLO comes
     */
    public record Neighbour(long id, IpAddress address, int ifindex, String ifname, long expires) {}

    private record Key(IpAddress address, int ifindex) {}

    private final RandomGenerator random;
    private final DuplicateCache seen;
    private final int maxNeighbours;
    private final Map<Key, Neighbour> neighbours = new LinkedHashMap<>();
    private final Map<Integer, String> interfaces = new LinkedHashMap<>();
    private long nextId = 1;

    /** An engine with the C mmfd's cache size and {@link #MAX_NEIGHBOURS}. */
    public MmfdEngine(RandomGenerator random) {
        this(random, CACHE_SIZE, MAX_NEIGHBOURS);
    }

    public MmfdEngine(RandomGenerator random, int cacheSize, int maxNeighbours) {
        if (maxNeighbours < 1) {
            throw new IllegalArgumentException("at least one neighbour, not " + maxNeighbours);
        }
        this.random = random;
        this.seen = new DuplicateCache(cacheSize);
        this.maxNeighbours = maxNeighbours;
    }

    /** Makes {@code ifindex} an mmfd interface (again, possibly under a new name); its neighbours are kept. */
    public void addInterface(int ifindex, String name) {
        interfaces.put(ifindex, name);
    }

    /** Stops using an interface and forgets the neighbours on it (counter {@code neighbour_lost}). */
    public void removeInterface(int ifindex, Output out) {
        if (interfaces.remove(ifindex) == null) {
            return;
        }
        for (Iterator<Neighbour> it = neighbours.values().iterator(); it.hasNext(); ) {
            if (it.next().ifindex() == ifindex) {
                it.remove();
                out.count("neighbour_lost");
            }
        }
    }

    /** The mmfd interfaces: ifindex to name, in the order they were added. */
    public Map<Integer, String> interfaces() {
        return Collections.unmodifiableMap(interfaces);
    }

    /** The neighbours, oldest first. */
    public List<Neighbour> neighbours() {
        return List.copyOf(neighbours.values());
    }

    /** How many nonces the duplicate cache holds now. */
    public int cached() {
        return seen.size();
    }

    /** Sends a HELLO on every mmfd interface (counter {@code hello_sent}); call every {@link #HELLO_INTERVAL}. */
    public void hello(Output out) {
        if (interfaces.isEmpty()) {
            return;
        }
        byte[] hello = nonce();
        for (int ifindex : interfaces.keySet()) {
            out.send(GROUP, ifindex, hello.clone());
            out.count("hello_sent");
        }
    }

    /** Sends a HELLO on one mmfd interface, e.g. one that just came up. */
    public void hello(int ifindex, Output out) {
        if (interfaces.containsKey(ifindex)) {
            out.send(GROUP, ifindex, nonce());
            out.count("hello_sent");
        }
    }

    /**
     * Takes a datagram received on port 27275. Counters: {@code drop_short} (under 8 bytes),
     * {@code drop_interface} (not an mmfd interface), {@code drop_source} (a multicast or unspecified source),
     * {@code hello_received}, {@code hello_own} (our own HELLO looped back), {@code neighbour_added},
     * {@code neighbour_refused} (a new neighbour beyond {@link #MAX_NEIGHBOURS}),
     * {@code drop_invalid} (DATA whose inner packet is not an IPv6 multicast packet of consistent length),
     * {@code duplicate}, {@code data_received}, {@code forwarded} (one per copy sent), {@code delivered}.
     *
     * @param destination the address the datagram was sent to (IPV6_PKTINFO): the group for a HELLO
     * @param ifindex the interface it came in on (IPV6_PKTINFO)
     */
    public void receive(long now, IpAddress source, IpAddress destination, int ifindex, byte[] data, Output out) {
        if (data.length < NONCE_LENGTH) {
            out.count("drop_short");
            return;
        }
        String ifname = interfaces.get(ifindex);
        if (ifname == null) {
            out.count("drop_interface");
            return;
        }
        if (source.isMulticast() || source.equals(IpAddress.V6_UNSPECIFIED)) {
            out.count("drop_source");
            return;
        }
        long nonce = readNonce(data);
        if (destination.equals(GROUP)) {
            if (seen.contains(nonce)) {
                out.count("hello_own");
                return;
            }
            out.count("hello_received");
            heard(now, source, ifindex, ifname, out);
            return;
        }
        if (!validInner(data, NONCE_LENGTH)) {
            out.count("drop_invalid");
            return;
        }
        if (!seen.add(nonce)) {
            out.count("duplicate");
            return;
        }
        out.count("data_received");
        flood(data, source, ifindex, out);
        out.count("delivered");
        out.deliver(Arrays.copyOfRange(data, NONCE_LENGTH, data.length));
    }

    /**
     * Takes a packet read from the TUN device and floods it to every neighbour under a new nonce. Counters:
     * {@code tun_drop_short} (under 40 bytes), {@code tun_drop_version} (not IPv6), {@code tun_drop_unicast}
     * (destination not multicast), {@code originated}, {@code no_neighbour} (nobody to send it to), {@code forwarded}.
     */
    public void originate(byte[] packet, Output out) {
        if (packet.length < IPV6_HEADER) {
            out.count("tun_drop_short");
            return;
        }
        if ((packet[0] & 0xf0) != 0x60) {
            out.count("tun_drop_version");
            return;
        }
        if ((packet[24] & 0xff) != 0xff) {
            out.count("tun_drop_unicast");
            return;
        }
        byte[] datagram = new byte[NONCE_LENGTH + packet.length];
        byte[] nonce = nonce();
        System.arraycopy(nonce, 0, datagram, 0, NONCE_LENGTH);
        System.arraycopy(packet, 0, datagram, NONCE_LENGTH, packet.length);
        out.count("originated");
        if (neighbours.isEmpty()) {
            out.count("no_neighbour");
            return;
        }
        flood(datagram, null, 0, out);
    }

    /** Forgets the neighbours whose time is up (counter {@code neighbour_expired}). */
    public void expire(long now, Output out) {
        for (Iterator<Neighbour> it = neighbours.values().iterator(); it.hasNext(); ) {
            if (it.next().expires() - now <= 0) {
                it.remove();
                out.count("neighbour_expired");
            }
        }
    }

    /** When the next neighbour expires, or {@link Long#MAX_VALUE} with none. */
    public long nextExpiry() {
        long next = Long.MAX_VALUE;
        for (Neighbour n : neighbours.values()) {
            next = Math.min(next, n.expires());
        }
        return next;
    }

    private void heard(long now, IpAddress source, int ifindex, String ifname, Output out) {
        Key key = new Key(source, ifindex);
        Neighbour old = neighbours.get(key);
        if (old == null) {
            if (neighbours.size() >= maxNeighbours) {
                out.count("neighbour_refused");
                return;
            }
            out.count("neighbour_added");
            neighbours.put(key, new Neighbour(nextId++, source, ifindex, ifname, now + NEIGHBOUR_TIMEOUT));
        } else {
            neighbours.put(key, new Neighbour(old.id(), source, ifindex, ifname, now + NEIGHBOUR_TIMEOUT));
        }
    }

    /** Sends the datagram as it is to every neighbour but the one it came from. */
    private void flood(byte[] datagram, IpAddress from, int fromIfindex, Output out) {
        List<Neighbour> targets = new ArrayList<>(neighbours.size());
        for (Neighbour n : neighbours.values()) {
            if (!(n.ifindex() == fromIfindex && n.address().equals(from))) {
                targets.add(n);
            }
        }
        for (Neighbour n : targets) {
            out.send(n.address(), n.ifindex(), datagram.clone());
            out.count("forwarded");
        }
    }

    /** A new random nonce, remembered so that copies of our own datagrams are recognised. */
    private byte[] nonce() {
        long nonce;
        do {
            nonce = random.nextLong();
        } while (!seen.add(nonce));
        byte[] b = new byte[NONCE_LENGTH];
        for (int i = 0; i < NONCE_LENGTH; i++) {
            b[i] = (byte) (nonce >>> (56 - 8 * i));
        }
        return b;
    }

    /** The nonce as a long, big-endian: any fixed order will do, it is only compared. */
    static long readNonce(byte[] data) {
        long n = 0;
        for (int i = 0; i < NONCE_LENGTH; i++) {
            n = (n << 8) | (data[i] & 0xff);
        }
        return n;
    }

    /**
     * Whether {@code data[offset..]} is an IPv6 packet mmfd may carry: a whole header, version 6, a multicast
     * destination, and a payload length that matches what follows the header.
     */
    static boolean validInner(byte[] data, int offset) {
        int length = data.length - offset;
        if (length < IPV6_HEADER || (data[offset] & 0xf0) != 0x60 || (data[offset + 24] & 0xff) != 0xff) {
            return false;
        }
        int payload = ((data[offset + 4] & 0xff) << 8) | (data[offset + 5] & 0xff);
        return payload == length - IPV6_HEADER;
    }
}
