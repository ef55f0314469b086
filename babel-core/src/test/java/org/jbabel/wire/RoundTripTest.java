package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random valid TLV lists go through {@link PacketWriter} and back through {@link PacketReader} and come out the
 * same, compared semantically: the Router-Id and Next Hop TLVs the writer added and the flags it chose are not
 * compared; a retraction given without router-id or next hop may come back with the one in force; Route and Seqno
 * Requests for IPv4 come back as AE 1.
 */
class RoundTripTest {

    @Provide
    Arbitrary<List<Tlv>> tlvLists() {
        return Arbitraries.randomValue(RandomTlvs::list);
    }

    @Property(tries = 500)
    void randomTlvsSurviveWriteAndRead(@ForAll("tlvLists") List<Tlv> tlvs) {
        assertRoundTrip(tlvs, 1452);
    }

    @Property(tries = 500)
    void randomTlvsSurviveSplittingIntoSmallPackets(
            @ForAll("tlvLists") List<Tlv> tlvs, @ForAll @IntRange(min = 110, max = 300) int maxPacketSize) {
        assertRoundTrip(tlvs, maxPacketSize);
    }

    /** As the engine announces: IPv6 next hop always "the sender", IPv4 next hops explicit. */
    @Property(tries = 200)
    void manyUpdatesFillPacketsToTheMtu(@ForAll @IntRange(min = 0, max = 1000) int seed) {
        Random r = new Random(seed);
        List<Tlv> updates = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Tlv.Update u = RandomTlvs.update(r);
            updates.add(u.ae() == AddressEncoding.IPV4 ? u : new Tlv.Update(u.ae(), 0, u.prefix(), u.sourcePrefix(),
                    u.interval(), u.seqno(), u.metric(), u.routerId(), null, u.subTlvs()));
        }
        List<byte[]> packets = assertRoundTrip(updates, PacketWriter.maxPacketSizeForMtu(1500));
        for (int i = 0; i < packets.size() - 1; i++) {
            // A packet is only closed when the next update (at most 12 + 20 + 2 + 10 + 16 + 3 + 17 bytes) did not fit.
            assertThat(packets.get(i).length).isGreaterThan(PacketWriter.maxPacketSizeForMtu(1500) - 82);
        }
    }

    static List<byte[]> assertRoundTrip(List<Tlv> tlvs, int maxPacketSize) {
        List<byte[]> packets = new PacketWriter(maxPacketSize).write(tlvs);
        List<Tlv> back = new ArrayList<>();
        for (byte[] p : packets) {
            assertThat(p.length).isLessThanOrEqualTo(maxPacketSize);
            ReadResult result = PacketReader.read(p);
            assertThat(result.problems()).allSatisfy(pr -> assertThat(pr.kind()).isEqualTo(Problem.Kind.UNKNOWN_TLV));
            for (Tlv t : result.packet().body()) {
                if (!(t instanceof Tlv.RouterIdTlv) && !(t instanceof Tlv.NextHop)) {
                    back.add(t);
                }
            }
        }
        assertThat(back).hasSameSizeAs(tlvs);
        for (int i = 0; i < tlvs.size(); i++) {
            assertThat(comparable(back.get(i), tlvs.get(i))).as("TLV %d", i).isEqualTo(comparable(tlvs.get(i), tlvs.get(i)));
        }
        return packets;
    }

    /** The fields of {@code tlv} that must survive, judged against what was written ({@code written}). */
    private static Object comparable(Tlv tlv, Tlv written) {
        return switch (tlv) {
            case Tlv.Update u -> {
                Tlv.Update w = (Tlv.Update) written;
                boolean lenient = w.retraction();
                yield List.of(u.ae(), u.prefix(), u.sourcePrefix(), u.interval(), u.seqno(), u.metric(),
                        String.valueOf(lenient && w.routerId() == null ? null : u.routerId()),
                        String.valueOf(lenient && w.nextHop() == null ? null : u.nextHop()), u.subTlvs());
            }
            case Tlv.RouteRequest q -> List.of(familyAe(q.ae()), q.prefix(), q.sourcePrefix(), q.subTlvs());
            case Tlv.SeqnoRequest q -> List.of(familyAe(q.ae()), q.seqno(), q.hopCount(), q.routerId(), q.prefix(),
                    q.sourcePrefix(), q.subTlvs());
            default -> tlv;
        };
    }

    private static AddressEncoding familyAe(AddressEncoding ae) {
        return ae == AddressEncoding.IPV4_VIA_IPV6 ? AddressEncoding.IPV4 : ae;
    }
}
