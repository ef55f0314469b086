package org.jbabel.runtime;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.jbabel.auth.Authenticator;
import org.jbabel.auth.Verdict;
import org.jbabel.engine.Action;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.jbabel.wire.WireCounters;

/**
 * Babel's packets between the transport and the engine: received datagrams parsed and, on an interface with keys,
 * verified (RFC 8967) before the engine sees them; the engine's TLVs encoded into packets sized for the interface's
 * MTU, signed, and sent. Holds each running interface's packet writer and authenticator. On the event loop.
 */
final class PacketPath {

    /** Where a parsed and accepted packet goes. */
    interface Delivery {
        void deliver(long now, String ifname, IpAddress source, IpAddress destination, Packet packet);
    }

    /** The MAC authentication of an interface in one place: its settings and the authenticator made from them. */
    private record InterfaceAuth(InterfaceTracker.Auth settings, Authenticator authenticator) {}

    private final InterfaceTracker tracker;
    private final RandomGenerator random;
    private final DaemonLog log;
    private final Map<String, Long> counters;
    private final Delivery delivery;
    private final WireCounters wireCounters = new WireCounters();
    private final Map<Integer, PacketWriter> writers = new HashMap<>();
    /** The MAC authentication of each interface that has keys, by ifindex. */
    private final Map<Integer, InterfaceAuth> auths = new HashMap<>();
    /** The counters of authenticators that were replaced or whose interface went down. */
    private final Map<String, Long> retiredAuthCounters = new TreeMap<>();
    /** The interfaces whose link-local address is still tentative: nothing is sent there. */
    private final Set<Integer> tentative = new HashSet<>();
    private Transport transport;

    /**
     * @param counters the daemon's own counters, where this path counts its drops
     * @param delivery what gets the packets that were read and accepted
     */
    PacketPath(InterfaceTracker tracker, RandomGenerator random, DaemonLog log, Map<String, Long> counters,
            Delivery delivery) {
        this.tracker = tracker;
        this.random = random;
        this.log = log;
        this.counters = counters;
        this.delivery = delivery;
    }

    /** The transport packets leave by, once it is open. */
    void attach(Transport t) {
        this.transport = t;
    }

    /** A datagram from the transport. */
    void received(int ifindex, IpAddress source, IpAddress destination, byte[] data) {
        InterfaceConfig ic = ifindex == 0 ? null : runningInterface(ifindex);
        if (ic == null) {
            count("packet_unknown_interface");
            return;
        }
        ReadResult r = PacketReader.read(data);
        wireCounters.countAll(r.problems());
        long now = System.nanoTime();
        InterfaceAuth auth = auths.get(ifindex);
        if (auth != null) {
            Authenticator a = auth.authenticator();
            Verdict v = a.verify(data, r, source, destination, now, Instant.now());
            if (!v.reply().isEmpty()) {
                sendSigned(ic, a, source, v.reply());
            }
            if (!v.accepted()) {
                return;
            }
        }
        if (!r.dropped()) {
            delivery.deliver(now, ic.name(), source, destination, r.packet());
        }
    }

    /**
     * Babel starts running on an interface (or its settings changed): the transport receives there, the packet size
     * is set, and the authenticator made or kept. While {@code tentative} (the link-local address is in duplicate address
     * detection) packets are received there but none is sent: each is dropped and counted
     * ({@code daemon.send_tentative}). Returns the authenticator, or null when the interface has no keys.
     */
    Authenticator interfaceUp(InterfaceConfig ic, InterfaceTracker.Auth settings, boolean tentative) {
        if (tentative) {
            this.tentative.add(ic.ifindex());
        } else {
            this.tentative.remove(ic.ifindex());
        }
        try {
            transport.interfaceUp(ic.ifindex(), ic.name());
        } catch (IOException e) {
            count("socket_open_failed");
            log.info("interface " + ic.name() + ": no socket, nothing received or sent there: " + e.getMessage());
        }
        Authenticator auth = authenticatorFor(ic.ifindex(), settings);
        int overhead = auth == null ? 0 : auth.maxOverhead();
        writers.put(ic.ifindex(), new PacketWriter(PacketWriter.maxPacketSizeForMtu(ic.mtu()) - overhead));
        return auth;
    }

    /**
     * Whether a datagram for an extension from {@code source} on {@code ifindex} is admitted: always on an interface
     * without keys and for a routed (non-link-local) source; otherwise only from a neighbour that proved a key.
     */
    boolean admits(int ifindex, IpAddress source) {
        InterfaceAuth auth = auths.get(ifindex);
        return auth == null || !source.isLinkLocal() || auth.settings().acceptBadSignatures()
                || auth.authenticator().authentic(source);
    }

    /** Whether Babel runs on the interface. */
    boolean running(int ifindex) {
        return writers.containsKey(ifindex);
    }

    /** Whether the interface runs with a tentative link-local address (receiving, not sending). */
    boolean tentative(int ifindex) {
        return tentative.contains(ifindex);
    }

    /** Babel stops running on an interface. */
    void interfaceDown(int ifindex) {
        tentative.remove(ifindex);
        transport.interfaceDown(ifindex);
        writers.remove(ifindex);
        retire(auths.remove(ifindex));
    }

    /** Sends the engine's TLVs. */
    void send(Action.Send s) {
        InterfaceConfig ic = tracker.running().get(s.ifname());
        if (ic == null || !writers.containsKey(ic.ifindex())) {
            count("send_interface_down");
            return;
        }
        InterfaceAuth auth = auths.get(ic.ifindex());
        sendSigned(ic, auth == null ? null : auth.authenticator(), s.destination(), s.tlvs());
    }

    /** The counters of the wire format ({@code wire.}), the transport ({@code socket.}) and MACs ({@code auth.}). */
    void addCounters(Map<String, Long> all) {
        wireCounters.snapshot().forEach((k, v) -> all.put("wire." + k, v));
        transport.counters().forEach((k, v) -> all.put("socket." + k, v));
        Map<String, Long> auth = new TreeMap<>(retiredAuthCounters);
        auths.values().forEach(a -> a.authenticator().counters().snapshot().forEach((k, v) -> auth.merge(k, v,
                Long::sum)));
        auth.forEach((k, v) -> all.put("auth." + k, v));
    }

    /**
     * The authenticator of an interface that comes up or changed, or null when it has no keys. An interface whose
     * keys and {@code accept-bad-signatures} did not change keeps its authenticator (its packet counter, index and
     * neighbours); otherwise a new one replaces it.
     */
    private Authenticator authenticatorFor(int ifindex, InterfaceTracker.Auth settings) {
        InterfaceAuth current = auths.get(ifindex);
        if (current != null && current.settings().equals(settings)) {
            return current.authenticator();
        }
        retire(auths.remove(ifindex));
        if (!settings.enabled()) {
            return null;
        }
        Authenticator a = new Authenticator(settings.keys(), settings.acceptBadSignatures(),
                tracker.config().globals().protocolPort(), random);
        auths.put(ifindex, new InterfaceAuth(settings, a));
        return a;
    }

    private void retire(InterfaceAuth old) {
        if (old != null) {
            old.authenticator().counters().snapshot().forEach((k, v) -> retiredAuthCounters.merge(k, v, Long::sum));
        }
    }

    /**
     * Encodes TLVs into packets for {@code destination} on a running interface and sends them, each signed with the
     * interface's link-local address as source when the interface has an authenticator.
     */
    private void sendSigned(InterfaceConfig ic, Authenticator auth, IpAddress destination, List<Tlv> tlvs) {
        if (tentative.contains(ic.ifindex())) {
            count("send_tentative");
            return;
        }
        List<byte[]> packets;
        PacketWriter writer = writers.get(ic.ifindex());
        long martians = writer.martianUpdatesRefused();
        try {
            packets = writer.write(tlvs);
            if (writer.martianUpdatesRefused() != martians) {
                counters.merge("send_martian_refused", writer.martianUpdatesRefused() - martians, Long::sum);
            }
        } catch (IllegalArgumentException e) {
            count("send_unencodable");
            log.debug("cannot encode " + tlvs + " for " + destination + ": " + e.getMessage());
            return;
        }
        Instant wallClock = auth == null ? null : Instant.now();
        for (byte[] p : packets) {
            transport.send(ic.ifindex(), destination, auth == null ? p : auth.sign(p, ic.linkLocal(), destination,
                    wallClock));
        }
    }

    private InterfaceConfig runningInterface(int ifindex) {
        for (InterfaceConfig ic : tracker.running().values()) {
            if (ic.ifindex() == ifindex) {
                return ic;
            }
        }
        return null;
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }
}
