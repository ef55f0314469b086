package org.jbabel.conformance;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jbabel.auth.Authenticator;
import org.jbabel.auth.Verdict;
import org.jbabel.config.KeyConfig;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.Tlv;

/**
 * A Babel neighbour made of our {@link Authenticator} and nothing else: every 500 ms it multicasts a signed Hello
 * (and an IHU for the peer once it has heard it), judges what the peer sends, and answers the challenges in the
 * verdicts with signed unicast packets, as the daemon will. A second authenticator with {@code otherKey} judges the
 * same datagrams, to show what a node with the wrong key would make of them.
 */
final class FakeNeighbour {
    private final AuthLab lab;
    private final Authenticator auth;
    private final Authenticator wrong;
    private final PacketWriter writer = new PacketWriter(1000);
    final Map<Verdict.Outcome, Integer> verdicts = new EnumMap<>(Verdict.Outcome.class);
    final Map<Verdict.Outcome, Integer> wrongKeyVerdicts = new EnumMap<>(Verdict.Outcome.class);
    final List<String> multicastAuthenticVerdicts = new ArrayList<>();
    private IpAddress peer;
    private int seqno = 1;

    FakeNeighbour(AuthLab lab, KeyConfig key, KeyConfig otherKey) {
        this.lab = lab;
        this.auth = new Authenticator(List.of(key), false, Packet.UDP_PORT, new Random(1));
        this.wrong = new Authenticator(List.of(otherKey), false, Packet.UDP_PORT, new Random(2));
    }

    /** Speaks for {@code millis}: Hellos every 500 ms, verdicts on everything received, challenges answered. */
    void run(long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            List<Tlv> tlvs = new ArrayList<>();
            tlvs.add(new Tlv.Hello(0, seqno++ & 0xFFFF, 50, List.of()));
            if (peer != null) {
                tlvs.add(new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 150, peer, List.of()));
            }
            send(tlvs, IpAddress.BABEL_GROUP);
            for (AuthLab.Received r : lab.receive(500)) {
                long now = System.nanoTime();
                var parsed = PacketReader.read(r.data());
                Verdict v = auth.verify(r.data(), parsed, r.source(), r.destination(), now, Instant.now());
                verdicts.merge(v.outcome(), 1, Integer::sum);
                Verdict w = wrong.verify(r.data(), parsed, r.source(), r.destination(), now, Instant.now());
                wrongKeyVerdicts.merge(w.outcome(), 1, Integer::sum);
                if (v.outcome() == Verdict.Outcome.AUTHENTIC && r.destination().isMulticast()) {
                    multicastAuthenticVerdicts.add(r.source().toString());
                }
                if (v.outcome() != Verdict.Outcome.BAD_MAC && v.outcome() != Verdict.Outcome.UNSIGNED) {
                    peer = r.source();
                }
                if (!v.reply().isEmpty()) {
                    send(v.reply(), r.source());
                }
            }
        }
    }

    private void send(List<Tlv> tlvs, IpAddress destination) throws IOException {
        for (byte[] p : writer.write(tlvs)) {
            lab.send(auth.sign(p, AuthLab.OURS, destination, Instant.now()), destination);
        }
    }

    int count(Verdict.Outcome o) {
        return verdicts.getOrDefault(o, 0);
    }
}
