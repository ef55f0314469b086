package org.jbabel.engine;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.SubTlv;
import org.jbabel.wire.Tlv;

/**
 * RFC 9616 timestamps, on interfaces that enable them: our Hellos stamped and our neighbours' Hello timestamps
 * echoed in our IHUs as packets leave ({@link #stamp}), and RTT samples taken from the echoes of ours in the packets
 * that arrive ({@link #measure}). The arithmetic is {@link RoundTripTime}'s; the smoothed RTT is the
 * {@link Neighbour}'s.
 */
final class Timestamps {
    private final EngineClock clock;
    private final Neighbours neighbours;
    private final EngineCounters counters;

    Timestamps(EngineClock clock, Neighbours neighbours, EngineCounters counters) {
        this.clock = clock;
        this.neighbours = neighbours;
        this.counters = counters;
    }

    /**
     * RFC 9616 on a received packet, once all its TLVs are handled (the order of Hello and IHU in the packet does not
     * matter): a timestamped Hello is remembered, to be echoed in our IHUs, and when the packet also carries an IHU
     * for us echoing one of our Hellos, the four timestamps give an RTT sample. The packet's arrival is now. Returns
     * the neighbour whose RTT took a sample (its cost is to be recomputed), or null.
     */
    Neighbour measure(Interfaces.Iface i, IpAddress source, Packet packet) {
        long now = clock.now();
        Neighbour n = neighbours.get(i.name(), source);
        if (n == null) {
            return null;
        }
        SubTlv.HelloTimestamp hello = null;
        SubTlv.IhuTimestamp echo = null;
        for (Tlv tlv : packet.body()) {
            switch (tlv) {
                case Tlv.Hello h -> hello = first(h.subTlvs(), SubTlv.HelloTimestamp.class, hello);
                case Tlv.Ihu ihu when ihu.address() == null || ihu.address().equals(i.config().linkLocal()) ->
                        echo = first(ihu.subTlvs(), SubTlv.IhuTimestamp.class, echo);
                default -> { }
            }
        }
        if (hello == null) {
            return null;
        }
        n.helloTimestampReceived(hello.transmit(), now);
        if (echo == null) {
            return null;
        }
        long sample = RoundTripTime.sample(echo.origin(), echo.receive(), hello.transmit(),
                RoundTripTime.wireMicros(now));
        if (sample < 0) {
            counters.increment(Counter.RTT_SAMPLE_DISCARDED);
            return null;
        }
        n.rttSample(now, sample);
        return n;
    }

    /** The first sub-TLV of a kind in a list, or {@code otherwise} when there is none. */
    private static <T extends SubTlv> T first(List<SubTlv> subTlvs, Class<T> kind, T otherwise) {
        for (SubTlv s : subTlvs) {
            if (kind.isInstance(s)) {
                return kind.cast(s);
            }
        }
        return otherwise;
    }

    /**
     * The last step before a packet leaves, now (the flush): on an interface with timestamps, every Hello gets a
     * Timestamp sub-TLV with the time of the flush, and every IHU the neighbour's last Hello timestamp with the time
     * we received it, if that Hello is recent. RTT data in an IHU is only of use next to a Hello of ours in the same
     * packet, so a packet with such an IHU and no Hello gets an unscheduled one (interval 0), as babeld's.
     */
    List<Tlv> stamp(Interfaces.Iface i, IpAddress destination, List<Tlv> tlvs) {
        if (!i.config().enableTimestamps()) {
            return tlvs;
        }
        long transmit = RoundTripTime.wireMicros(clock.now());
        boolean hello = false;
        boolean echoes = false;
        List<Tlv> result = new ArrayList<>(tlvs.size() + 1);
        for (Tlv tlv : tlvs) {
            switch (tlv) {
                case Tlv.Hello h -> {
                    hello = true;
                    result.add(timestamped(h, transmit));
                }
                case Tlv.Ihu ihu -> {
                    Tlv.Ihu echoed = echo(i, ihu);
                    echoes |= echoed != ihu;
                    result.add(echoed);
                }
                default -> result.add(tlv);
            }
        }
        if (echoes && !hello) {
            result.addFirst(timestamped(unscheduledHello(i, destination), transmit));
        }
        return result;
    }

    /** A Hello with interval 0 that takes the next seqno of its sequence (multicast, or the destination's own). */
    private static Tlv.Hello unscheduledHello(Interfaces.Iface i, IpAddress destination) {
        if (destination.isMulticast()) {
            return new Tlv.Hello(0, i.nextHelloSeqno(), 0, List.of());
        }
        return new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, i.nextUnicastHelloSeqno(destination), 0, List.of());
    }

    private static Tlv.Hello timestamped(Tlv.Hello h, long transmit) {
        List<SubTlv> subs = new ArrayList<>(h.subTlvs());
        subs.add(new SubTlv.HelloTimestamp(transmit));
        return new Tlv.Hello(h.flags(), h.seqno(), h.interval(), subs);
    }

    /** The IHU with the addressed neighbour's last Hello timestamp echoed, or unchanged when there is none recent. */
    private Tlv.Ihu echo(Interfaces.Iface i, Tlv.Ihu ihu) {
        Neighbour n = ihu.address() == null ? null : neighbours.get(i.name(), ihu.address());
        if (n == null || n.helloTimestamp() < 0
                || clock.now() - n.helloTimestampAt() >= BabelConstants.RTT_ECHO_MAX_AGE) {
            return ihu;
        }
        List<SubTlv> subs = new ArrayList<>(ihu.subTlvs());
        subs.add(new SubTlv.IhuTimestamp(n.helloTimestamp(), RoundTripTime.wireMicros(n.helloTimestampAt())));
        return new Tlv.Ihu(ihu.ae(), ihu.rxcost(), ihu.interval(), ihu.address(), subs);
    }
}
