package org.jbabel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PacketReader;

class AuthFuzzTest {

    private static Peer peer(String address, long seed) {
        return new Peer(address, List.of(Peer.key("h", MacAlgorithm.HMAC_SHA256, "0102"),
                Peer.key("b", MacAlgorithm.BLAKE2S128, "0304")), false, seed);
    }

    @Property(tries = 500)
    void garbageNeverThrowsAndIsNeverAccepted(@ForAll @Size(max = 600) byte[] datagram, @ForAll boolean unicast) {
        Peer a = peer("fe80::a", 1);
        Peer b = peer("fe80::b", 2);
        IpAddress dst = unicast ? b.address : IpAddress.BABEL_GROUP;
        Verdict v = b.auth.verify(datagram, PacketReader.read(datagram), a.address, dst, 0, Peer.T0);
        assertThat(v.accepted()).isFalse();
    }

    @Property(tries = 500)
    void aSignedPacketWithAnyByteFlippedOrCutIsNeverAccepted(
            @ForAll @IntRange(min = 0, max = 200) int position, @ForAll @IntRange(min = 1, max = 255) int flip,
            @ForAll boolean cut) {
        Peer a = new Peer("fe80::a", Peer.key("h", MacAlgorithm.HMAC_SHA256, "0102"), 1);
        Peer b = new Peer("fe80::b", Peer.key("h", MacAlgorithm.HMAC_SHA256, "0102"), 2);
        long now = Peer.handshake(a, b, 0);
        byte[] datagram = a.hello(2);
        int at = position % datagram.length;
        byte[] bad;
        if (cut) {
            bad = Arrays.copyOf(datagram, at);
        } else {
            bad = datagram.clone();
            bad[at] ^= (byte) flip;
        }
        Verdict v = b.receive(bad, a, IpAddress.BABEL_GROUP, now);
        assertThat(v.outcome()).isNotEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(b.receive(datagram, a, IpAddress.BABEL_GROUP, now).outcome()).as("the original still passes")
                .isEqualTo(Verdict.Outcome.AUTHENTIC);
    }
}
