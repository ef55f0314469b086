package org.jbabel.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.auth.AuthVectors.bytes;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.KeyValidity;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.engine.Time;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuthenticatorTest {

    private static final String HMAC_KEY = "000102030405060708090a0b0c0d0e0f";
    private static final String BLAKE_KEY = "b81160e78ecb4b762ad5375ab0420f68";
    private static final IpAddress GROUP = IpAddress.BABEL_GROUP;

    private static KeyConfig keyFor(MacAlgorithm algorithm) {
        return Peer.key("k", algorithm, algorithm == MacAlgorithm.HMAC_SHA256 ? HMAC_KEY : BLAKE_KEY);
    }

    private static Peer a(KeyConfig key) {
        return new Peer("fe80::a", key, 1);
    }

    private static Peer b(KeyConfig key) {
        return new Peer("fe80::b", key, 2);
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void theChallengeExchangeAuthenticatesBothSidesInOneRoundTripAndThenPacketsFlow(MacAlgorithm algorithm) {
        Peer a = a(keyFor(algorithm));
        Peer b = b(keyFor(algorithm));
        long now = Peer.handshake(a, b, 0);
        assertThat(b.receive(a.hello(2), a, GROUP, now).outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(a.receive(b.hello(7), b, GROUP, now).outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(b.auth.counters().get(AuthCounter.CHALLENGE_SENT)).isEqualTo(1);
        assertThat(b.auth.counters().get(AuthCounter.CHALLENGE_ANSWERED)).isEqualTo(1);
        assertThat(a.auth.counters().get(AuthCounter.CHALLENGE_REPLY_SENT)).isEqualTo(1);
    }

    @Test
    void signAppendsAPcTlvToTheBodyAndOneMacPerKeyAfterIt() {
        Peer a = new Peer("fe80::a", List.of(keyFor(MacAlgorithm.HMAC_SHA256), Peer.key("k2",
                MacAlgorithm.BLAKE2S128, BLAKE_KEY)), false, 1);
        byte[] first = a.hello(1);
        byte[] second = a.hello(2);
        ReadResult r = PacketReader.read(first);
        assertThat(r.problems()).isEmpty();
        Tlv.Pc pc = (Tlv.Pc) r.packet().body().getLast();
        assertThat(pc.pc()).isZero();
        assertThat(pc.index().length()).isEqualTo(8);
        assertThat(r.packet().trailer()).extracting(t -> ((Tlv.Mac) t).mac().length()).containsExactly(32, 16);
        int unsigned = 4 + 8;
        assertThat(first.length - unsigned).isEqualTo(a.auth.maxOverhead());
        assertThat(((first[2] & 0xff) << 8) | (first[3] & 0xff)).isEqualTo(8 + AuthConstants.PC_TLV_LENGTH);
        Tlv.Pc next = (Tlv.Pc) PacketReader.read(second).packet().body().getLast();
        assertThat(next.pc()).isEqualTo(1);
        assertThat(next.index()).isEqualTo(pc.index());
    }

    @Test
    void aCapturedPacketReplayedLaterIsDroppedAndCounted() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        byte[] captured = a.hello(2);
        assertThat(b.receive(captured, a, GROUP, now).outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(b.receive(a.hello(3), a, GROUP, now + Time.seconds(4)).outcome())
                .isEqualTo(Verdict.Outcome.AUTHENTIC);
        Verdict replay = b.receive(captured, a, GROUP, now + Time.seconds(60));
        assertThat(replay.outcome()).isEqualTo(Verdict.Outcome.REPLAYED_PC);
        assertThat(replay.accepted()).isFalse();
        assertThat(b.auth.counters().get(AuthCounter.REPLAYED_PC)).isEqualTo(1);
        assertThat(b.auth.counters().snapshot()).containsEntry("replayed_pc", 1L);
    }

    @Test
    void aReplayedPacketDoesNotGetItsChallengeAnswered() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        byte[] challenge = a.send(b.address, List.of(new Tlv.ChallengeRequest(Bytes.fromHex("0102030405060708"))));
        assertThat(b.receive(challenge, a, b.address, now).reply()).hasSize(1);
        Verdict replay = b.receive(challenge, a, b.address, now + Time.seconds(5));
        assertThat(replay.outcome()).isEqualTo(Verdict.Outcome.REPLAYED_PC);
        assertThat(replay.reply()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void aPacketSignedWithAnotherKeyIsDroppedAsBadMac(MacAlgorithm algorithm) {
        Peer a = a(keyFor(algorithm));
        Peer b = b(Peer.key("k", algorithm, "ff".repeat(16)));
        Verdict v = b.receive(a.hello(1), a, GROUP, 0);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.BAD_MAC);
        assertThat(v.reply()).as("no challenge for a stranger").isEmpty();
        assertThat(b.auth.counters().get(AuthCounter.BAD_MAC)).isEqualTo(1);
    }

    @Test
    void aNeighbourIsAuthenticOnlyOnceItsIndexWasAcceptedAfterAValidMac() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer stranger = b(keyFor(MacAlgorithm.BLAKE2S128));
        assertThat(b.auth.authentic(a.address)).as("never heard").isFalse();
        Peer c = b(keyFor(MacAlgorithm.HMAC_SHA256));
        c.receive(a.hello(1), a, GROUP, 0); // a valid MAC, an unknown index: challenged, not yet authentic
        assertThat(c.auth.authentic(a.address)).isFalse();
        assertThat(a.auth.authentic(stranger.address)).isFalse();
        a.receive(stranger.hello(1), stranger, GROUP, 0); // another key: a bad MAC
        assertThat(a.auth.authentic(stranger.address)).isFalse();
        long now = Peer.handshake(a, b, 1);
        assertThat(b.auth.authentic(a.address)).isTrue();
        assertThat(a.auth.authentic(b.address)).isTrue();
        b.auth.forget(a.address);
        assertThat(b.auth.authentic(a.address)).as("forgotten, as when the neighbour is flushed").isFalse();
        assertThat(now).isPositive();
    }

    @Test
    void aPacketWithoutMacIsDroppedAsUnsigned() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        byte[] plain = bytes("2a020008" + "0406000000010190");
        assertThat(a.receive(plain, b(keyFor(MacAlgorithm.HMAC_SHA256)), GROUP, 0).outcome())
                .isEqualTo(Verdict.Outcome.UNSIGNED);
        assertThat(a.auth.counters().get(AuthCounter.UNSIGNED)).isEqualTo(1);
    }

    @Test
    void aTruncatedMacIsDroppedAsBadMac() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        byte[] signed = a.hello(1);
        byte[] cut = Arrays.copyOf(signed, signed.length - 1);
        cut[cut.length - 32] = 31;
        assertThat(b.receive(cut, a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.BAD_MAC);
        byte[] chopped = Arrays.copyOf(signed, signed.length - 1);
        assertThat(b.receive(chopped, a, GROUP, 0).outcome()).as("MAC TLV runs past the datagram")
                .isEqualTo(Verdict.Outcome.UNSIGNED);
    }

    @Test
    void aPacketWhoseBodyWasAlteredIsDroppedAsBadMac() {
        Peer a = a(keyFor(MacAlgorithm.BLAKE2S128));
        Peer b = b(keyFor(MacAlgorithm.BLAKE2S128));
        byte[] signed = a.hello(1);
        signed[8] ^= 1;
        assertThat(b.receive(signed, a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.BAD_MAC);
    }

    @Test
    void aPacketFromAnotherSourceAddressThanItWasSignedForIsDroppedAsBadMac() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer c = new Peer("fe80::c", keyFor(MacAlgorithm.HMAC_SHA256), 3);
        assertThat(b.receive(a.hello(1), c, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.BAD_MAC);
    }

    @Test
    void aUnicastPacketWithALowerPcThanTheLastMulticastOneIsAccepted() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        byte[] unicast = a.send(b.address, List.of(new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, 5, 0, List.of())));
        byte[] multicast = a.hello(6);
        assertThat(b.receive(multicast, a, GROUP, now).outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(b.receive(unicast, a, b.address, now).outcome()).as("RFC 9467: PCs kept per kind")
                .isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(b.receive(unicast, a, b.address, now + 1).outcome()).isEqualTo(Verdict.Outcome.REPLAYED_PC);
        assertThat(b.receive(multicast, a, GROUP, now + 1).outcome()).isEqualTo(Verdict.Outcome.REPLAYED_PC);
    }

    @Test
    void aNewIndexAfterARestartTriggersAChallengeAndIsLearntFromTheReply() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        a.auth = new Authenticator(List.of(keyFor(MacAlgorithm.HMAC_SHA256)), false, Packet.UDP_PORT,
                new java.util.Random(99));
        Verdict v = b.receive(a.hello(1), a, GROUP, now);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(v.reply()).singleElement().isInstanceOf(Tlv.ChallengeRequest.class);
        Verdict atA = a.receive(b.send(a.address, v.reply()), b, a.address, now + 1);
        Verdict atB = b.receive(a.send(b.address, atA.reply()), a, b.address, now + 2);
        assertThat(atB.outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(b.receive(a.hello(2), a, GROUP, now + 3).outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
    }

    @Test
    void challengeRequestsGoToANeighbourAtMostOncePer300Milliseconds() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        assertThat(b.receive(a.hello(1), a, GROUP, 0).reply()).hasSize(1);
        assertThat(b.receive(a.hello(2), a, GROUP, Time.millis(299)).reply()).isEmpty();
        assertThat(b.auth.counters().get(AuthCounter.CHALLENGE_RATE_LIMITED)).isEqualTo(1);
        assertThat(b.receive(a.hello(3), a, GROUP, Time.millis(300)).reply()).hasSize(1);
        assertThat(b.auth.counters().get(AuthCounter.CHALLENGE_SENT)).isEqualTo(2);
    }

    @Test
    void challengeRepliesToANeighbourAreRateLimitedTo300Milliseconds() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        List<Tlv> challenge = List.of(new Tlv.ChallengeRequest(Bytes.fromHex("01")));
        assertThat(b.receive(a.send(b.address, challenge), a, b.address, now).reply()).hasSize(1);
        assertThat(b.receive(a.send(b.address, challenge), a, b.address, now + Time.millis(100)).reply()).isEmpty();
        assertThat(b.receive(a.send(b.address, challenge), a, b.address, now + Time.millis(400)).reply())
                .hasSize(1);
        assertThat(b.auth.counters().get(AuthCounter.CHALLENGE_REPLY_RATE_LIMITED)).isEqualTo(1);
    }

    @Test
    void aChallengeRequestInAMulticastPacketIsNotAnswered() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        byte[] multicast = a.send(GROUP, List.of(new Tlv.ChallengeRequest(Bytes.fromHex("01"))));
        Verdict v = b.receive(multicast, a, GROUP, now);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(v.reply()).isEmpty();
    }

    @Test
    void aChallengeReplyLaterThan30SecondsIsIgnored() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        Verdict first = b.receive(a.hello(1), a, GROUP, 0);
        Tlv.ChallengeRequest request = (Tlv.ChallengeRequest) first.reply().getFirst();
        byte[] late = a.send(b.address, List.of(new Tlv.ChallengeReply(request.nonce())));
        Verdict v = b.receive(late, a, b.address, Time.seconds(30));
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(b.auth.counters().get(AuthCounter.CHALLENGE_REPLY_IGNORED)).isEqualTo(1);
    }

    @Test
    void aChallengeReplyWithAnotherNonceDoesNotEstablishTheIndex() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        b.receive(a.hello(1), a, GROUP, 0);
        byte[] forged = a.send(b.address, List.of(new Tlv.ChallengeReply(Bytes.fromHex("0000000000000000"))));
        assertThat(b.receive(forged, a, b.address, Time.seconds(1)).outcome())
                .isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
    }

    @Test
    void anAuthenticPacketWithoutPcIsDropped() {
        KeyConfig key = keyFor(MacAlgorithm.HMAC_SHA256);
        Peer a = a(key);
        Peer b = b(key);
        byte[] packet = bytes("2a020008" + "0406000000010190");
        PseudoHeader ph = new PseudoHeader(a.address, Packet.UDP_PORT, GROUP, Packet.UDP_PORT);
        byte[] mac = MacComputer.of(key.algorithm(), key.value()).compute(ph, packet, packet.length);
        byte[] signed = org.jbabel.wire.PacketWriter.withTrailer(packet, List.of(new Tlv.Mac(Bytes.of(mac))));
        assertThat(b.receive(signed, a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.NO_PC);
    }

    @Test
    void babeldsCapturedChallengeExchangeIsReplayedExactly() {
        KeyConfig key = Peer.key("k", MacAlgorithm.HMAC_SHA256, AuthVectors.TV3_KEY);
        Peer babeldA = new Peer(AuthVectors.TV3_A, key, 0);
        Peer us = new Peer(AuthVectors.TV3_B, List.of(key), false, 0);
        us.auth = new Authenticator(List.of(key), false, Packet.UDP_PORT, fixedBytes("a7ba25b9c048886d"));
        Verdict hello = us.receive(bytes(AuthVectors.TV3_MULTICAST), babeldA, GROUP, 0);
        assertThat(hello.outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(hello.reply()).containsExactly(new Tlv.ChallengeRequest(Bytes.fromHex("a7ba25b9c048886d")));
        Verdict reply = us.receive(bytes(AuthVectors.TV3_REPLY), babeldA, us.address, Time.millis(2));
        assertThat(reply.outcome()).isEqualTo(Verdict.Outcome.AUTHENTIC);
        assertThat(reply.reply()).containsExactly(new Tlv.ChallengeReply(Bytes.fromHex("f2d5cd830d354a82")));
    }

    /** A generator whose every {@code nextBytes} yields the same bytes (the nonce babeld drew in TV-3). */
    private static RandomGenerator fixedBytes(String hex) {
        byte[] b = bytes(hex);
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(b, 0, out, 0, out.length);
            }
        };
    }

    @Test
    void aKeyIsUsedOnlyInsideItsWindowsSoKeysCanBeRotatedOnAFixedDate() {
        Instant switchAt = Peer.T0.plusSeconds(3600);
        KeyConfig old = Peer.key("old", MacAlgorithm.HMAC_SHA256, HMAC_KEY,
                new KeyValidity(null, switchAt, null, switchAt.plusSeconds(3600)));
        KeyConfig fresh = Peer.key("new", MacAlgorithm.BLAKE2S128, BLAKE_KEY,
                new KeyValidity(switchAt, null, null, null));
        Peer a = new Peer("fe80::a", List.of(old, fresh), false, 1);
        Peer oldOnly = new Peer("fe80::b", List.of(Peer.key("old", MacAlgorithm.HMAC_SHA256, HMAC_KEY)), false, 2);
        Peer newOnly = new Peer("fe80::c", List.of(Peer.key("new", MacAlgorithm.BLAKE2S128, BLAKE_KEY)), false, 3);

        byte[] before = a.send(GROUP, List.of(new Tlv.Hello(0, 1, 400, List.of())), Peer.T0);
        assertThat(PacketReader.read(before).packet().trailer()).hasSize(1);
        assertThat(oldOnly.receive(before, a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(newOnly.receive(before, a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.BAD_MAC);

        byte[] after = a.send(GROUP, List.of(new Tlv.Hello(0, 2, 400, List.of())), switchAt);
        assertThat(oldOnly.receive(after, a, GROUP, 1).outcome()).isEqualTo(Verdict.Outcome.BAD_MAC);
        assertThat(newOnly.receive(after, a, GROUP, 1).outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);

        Peer sender = new Peer("fe80::d", List.of(Peer.key("old", MacAlgorithm.HMAC_SHA256, HMAC_KEY)), false, 4);
        byte[] oldSigned = sender.send(GROUP, List.of(new Tlv.Hello(0, 1, 400, List.of())));
        assertThat(a.receive(oldSigned, sender, GROUP, 2, switchAt.plusSeconds(10)).outcome())
                .as("old key still accepted after the switch").isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        assertThat(a.receive(oldSigned, sender, GROUP, 3, switchAt.plusSeconds(3600)).outcome())
                .as("old key no longer accepted").isEqualTo(Verdict.Outcome.BAD_MAC);
    }

    @Test
    void twoKeysValidForSendingGiveTwoMacsAndEitherKeyAloneAcceptsThePacket() {
        KeyConfig old = Peer.key("old", MacAlgorithm.HMAC_SHA256, HMAC_KEY);
        KeyConfig fresh = Peer.key("new", MacAlgorithm.HMAC_SHA256, "aa".repeat(32));
        Peer a = new Peer("fe80::a", List.of(old, fresh), false, 1);
        byte[] signed = a.hello(1);
        assertThat(PacketReader.read(signed).packet().trailer()).hasSize(2);
        for (KeyConfig k : List.of(old, fresh)) {
            Peer receiver = new Peer("fe80::b", k, 2);
            assertThat(receiver.receive(signed, a, GROUP, 0).outcome()).as(k.id())
                    .isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
        }
    }

    @Test
    void withNoKeyValidForSendingThePacketGoesOutWithoutMacAndIsCounted() {
        KeyConfig expired = Peer.key("k", MacAlgorithm.HMAC_SHA256, HMAC_KEY,
                new KeyValidity(null, Peer.T0, null, null));
        Peer a = new Peer("fe80::a", List.of(expired), false, 1);
        byte[] signed = a.hello(1);
        assertThat(PacketReader.read(signed).packet().trailer()).isEmpty();
        assertThat(a.auth.counters().get(AuthCounter.NO_SEND_KEY)).isEqualTo(1);
    }

    @Test
    void acceptBadSignaturesLetsUnsignedAndBadlySignedPacketsThroughButNotMalformedOnes() {
        Peer a = a(Peer.key("k", MacAlgorithm.HMAC_SHA256, "ff"));
        Peer b = new Peer("fe80::b", List.of(keyFor(MacAlgorithm.HMAC_SHA256)), true, 2);
        assertThat(b.receive(a.hello(1), a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.ACCEPTED_BAD_SIGNATURE);
        assertThat(b.receive(bytes("2a020008" + "0406000000010190"), a, GROUP, 0).accepted()).isTrue();
        assertThat(b.receive(bytes("2b020000"), a, GROUP, 0).outcome()).isEqualTo(Verdict.Outcome.MALFORMED);
        assertThat(b.auth.counters().get(AuthCounter.ACCEPTED_BAD_SIGNATURE)).isEqualTo(2);
    }

    @Test
    void theStateOfANeighbourSilentForFiveMinutesIsForgottenSoItIsChallengedAgain() {
        Peer a = a(keyFor(MacAlgorithm.HMAC_SHA256));
        Peer b = b(keyFor(MacAlgorithm.HMAC_SHA256));
        long now = Peer.handshake(a, b, 0);
        Verdict v = b.receive(a.hello(2), a, GROUP, now + Time.seconds(301));
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_INDEX);
    }
}
