package org.jbabel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.KeyValidity;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.engine.Time;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.Tlv;

/** One end of a test link: an address and the authenticator of its interface. */
final class Peer {
    static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");

    final IpAddress address;
    Authenticator auth;

    Peer(String address, List<KeyConfig> keys, boolean acceptBadSignatures, long seed) {
        this.address = IpAddress.parse(address);
        this.auth = new Authenticator(keys, acceptBadSignatures, Packet.UDP_PORT, new Random(seed));
    }

    Peer(String address, KeyConfig key, long seed) {
        this(address, List.of(key), false, seed);
    }

    static KeyConfig key(String id, MacAlgorithm algorithm, String hex) {
        return new KeyConfig(id, algorithm, Bytes.fromHex(hex), null);
    }

    static KeyConfig key(String id, MacAlgorithm algorithm, String hex, KeyValidity validity) {
        return new KeyConfig(id, algorithm, Bytes.fromHex(hex), validity, null);
    }

    /** A signed datagram with {@code tlvs} for {@code destination}, at wall-clock T0. */
    byte[] send(IpAddress destination, List<Tlv> tlvs) {
        return send(destination, tlvs, T0);
    }

    byte[] send(IpAddress destination, List<Tlv> tlvs, Instant wallClock) {
        byte[] packet = new PacketWriter(1400).write(tlvs).getFirst();
        return auth.sign(packet, address, destination, wallClock);
    }

    /** A signed multicast datagram carrying a Hello with seqno {@code seqno}. */
    byte[] hello(int seqno) {
        return send(IpAddress.BABEL_GROUP, List.of(new Tlv.Hello(0, seqno, 400, List.of())));
    }

    Verdict receive(byte[] datagram, Peer from, IpAddress destination, long now) {
        return receive(datagram, from, destination, now, T0);
    }

    Verdict receive(byte[] datagram, Peer from, IpAddress destination, long now, Instant wallClock) {
        return auth.verify(datagram, PacketReader.read(datagram), from.address, destination, now, wallClock);
    }

    /**
     * A's multicast Hello reaches B, who does not know A's index yet; the challenges go back and forth once. Returns
     * a time 1 s after the exchange, past its rate limits.
     */
    static long handshake(Peer a, Peer b, long now) {
        Verdict first = b.receive(a.hello(1), a, IpAddress.BABEL_GROUP, now);
        assertThat(first.outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(first.reply()).singleElement().isInstanceOf(Tlv.ChallengeRequest.class);

        Verdict atA = a.receive(b.send(a.address, first.reply()), b, a.address, now + 1);
        assertThat(atA.outcome()).as("A does not know B's index either").isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(atA.reply()).hasSize(2);
        assertThat(atA.reply().get(0)).isInstanceOf(Tlv.ChallengeRequest.class);
        assertThat(atA.reply().get(1)).isEqualTo(
                new Tlv.ChallengeReply(((Tlv.ChallengeRequest) first.reply().getFirst()).nonce()));

        Verdict atB = b.receive(a.send(b.address, atA.reply()), a, b.address, now + 2);
        assertThat(atB.outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(atB.reply()).singleElement().isEqualTo(
                new Tlv.ChallengeReply(((Tlv.ChallengeRequest) atA.reply().getFirst()).nonce()));

        Verdict back = a.receive(b.send(a.address, atB.reply()), b, a.address, now + 3);
        assertThat(back.outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(back.reply()).isEmpty();
        return now + Time.seconds(1);
    }
}
