package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.roaming.l3roamd.Intercom.Ack;
import org.jbabel.roaming.l3roamd.Intercom.Claim;
import org.jbabel.roaming.l3roamd.Intercom.Decoded;
import org.jbabel.roaming.l3roamd.Intercom.Header;
import org.jbabel.roaming.l3roamd.Intercom.Info;
import org.jbabel.roaming.l3roamd.Intercom.Packet;
import org.jbabel.roaming.l3roamd.Intercom.Reason;
import org.jbabel.roaming.l3roamd.Intercom.Seek;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class IntercomTest {

    static final IpAddress SENDER = IpAddress.parse("fd00::1");
    static final MacAddress MAC = MacAddress.parse("00:11:22:33:44:55");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static Packet decoded(byte[] b) {
        Decoded d = Intercom.decode(b);
        assertThat(d).isInstanceOf(Decoded.Ok.class);
        return ((Decoded.Ok) d).packet();
    }

    static Reason rejected(byte[] b) {
        Decoded d = Intercom.decode(b);
        assertThat(d).isInstanceOf(Decoded.Rejected.class);
        return ((Decoded.Rejected) d).reason();
    }

    @Test
    void claimIsTheSpecsIllustrativeBytes() {
        byte[] wire = hex("00 01 01 00 12345678 fd000000000000000000000000000001 0008 001122334455");
        Claim claim = new Claim(new Header(1, 0x12345678, SENDER), MAC);
        assertThat(Intercom.encode(claim)).isEqualTo(wire).hasSize(32);
        assertThat(decoded(wire)).isEqualTo(claim);
    }

    @Test
    void seekIsTheSpecsIllustrativeBytes() {
        byte[] wire = hex("00 ff 00 00 cafebabe fd000000000000000000000000000001 1400 0000"
                .replace("1400", "0014") + "20010db8000000000000000000000042");
        Seek seek = new Seek(new Header(255, 0xcafebabe, SENDER), List.of(IpAddress.parse("2001:db8::42")));
        assertThat(Intercom.encode(seek)).isEqualTo(wire).hasSize(44);
        assertThat(decoded(wire)).isEqualTo(seek);
    }

    @Test
    void infoIsPlatThenOneBasic() {
        List<IpAddress> addresses = new ArrayList<>();
        for (int i = 0; i < Intercom.INFO_MAX; i++) {
            addresses.add(IpAddress.v6(0x2001_0db8_0000_0000L, i + 1));
        }
        Info info = new Info(new Header(1, -7, SENDER), 0, IpAddress.V6_UNSPECIFIED, MAC, addresses);
        byte[] wire = Intercom.encode(info);
        assertThat(wire).hasSize(52 + 16 * 15).hasSize(292);
        assertThat(Arrays.copyOfRange(wire, 24, 28)).isEqualTo(hex("0014 0000"));
        assertThat(wire[44]).isEqualTo((byte) 1);
        assertThat(wire[45] & 0xff).isEqualTo(8 + 16 * 15);
        assertThat(decoded(wire)).isEqualTo(info);
        Info empty = new Info(new Header(1, 3, SENDER), 0, IpAddress.V6_UNSPECIFIED, MAC, List.of());
        assertThat(Intercom.encode(empty)).hasSize(52);
        assertThat(decoded(Intercom.encode(empty))).isEqualTo(empty);
    }

    @Test
    void anInfoCarriesAtMostFifteenAddresses() {
        List<IpAddress> sixteen = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sixteen.add(IpAddress.v6(1, i));
        }
        assertThatThrownBy(() -> Intercom.encode(new Info(new Header(1, 0, SENDER), 0, IpAddress.V6_UNSPECIFIED, MAC,
                sixteen))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ackRoundTrips() {
        Ack ack = new Ack(new Header(1, Integer.MIN_VALUE, SENDER), MacAddress.BROADCAST);
        assertThat(decoded(Intercom.encode(ack))).isEqualTo(ack);
    }

    @Test
    void infoWithoutPlatIsAccepted() {
        byte[] wire = hex("00 01 02 00 00000001 fd000000000000000000000000000001 01 18 001122334455"
                + "20010db8000000000000000000000001");
        Info info = (Info) decoded(wire);
        assertThat(info.platLease()).isEqualTo(-1);
        assertThat(info.addresses()).containsExactly(IpAddress.parse("2001:db8::1"));
    }

    @Test
    void unknownTlvTypesAreSkippedByLength() {
        byte[] wire = hex("00 01 01 00 12345678 fd000000000000000000000000000001 07 05 aabbcc 0008 001122334455"
                + " 09 02");
        assertThat(decoded(wire)).isEqualTo(new Claim(new Header(1, 0x12345678, SENDER), MAC));
        byte[] seek = hex("00 ff 00 00 00000001 fd000000000000000000000000000001 03 04 0000 0014 0000"
                + "20010db8000000000000000000000042");
        assertThat(((Seek) decoded(seek)).addresses()).containsExactly(IpAddress.parse("2001:db8::42"));
    }

    static final String H = "fd000000000000000000000000000001";

    @Test
    void malformedDatagramsAreRejectedWithTheirReason() {
        byte[] claim = Intercom.encode(new Claim(new Header(1, 1, SENDER), MAC));
        assertThat(rejected(new byte[0])).isEqualTo(Reason.SHORT_HEADER);
        assertThat(rejected(Arrays.copyOf(claim, 23))).isEqualTo(Reason.SHORT_HEADER);
        byte[] v1 = claim.clone();
        v1[0] = 1;
        assertThat(rejected(v1)).isEqualTo(Reason.VERSION);
        byte[] t4 = claim.clone();
        t4[2] = 4;
        assertThat(rejected(t4)).isEqualTo(Reason.TYPE);
        assertThat(rejected(hex("00 01 01 00 00000001" + H + "0000"))).isEqualTo(Reason.TLV_TOO_SHORT);
        assertThat(rejected(hex("00 01 01 00 00000001" + H + "0001"))).isEqualTo(Reason.TLV_TOO_SHORT);
        assertThat(rejected(hex("00 01 01 00 00000001" + H + "0008001122334455 00"))).isEqualTo(Reason.TLV_TOO_SHORT);
        assertThat(rejected(Arrays.copyOf(claim, 31))).isEqualTo(Reason.TLV_PAST_END);
        assertThat(rejected(hex("00 01 01 00 00000001" + H + "05ff00"))).isEqualTo(Reason.TLV_PAST_END);
        assertThat(rejected(hex("00 01 01 00 00000001" + H + "0007 0011223344"))).isEqualTo(Reason.TLV_LENGTH);
        assertThat(rejected(hex("00 01 03 00 00000001" + H + "0009 001122334455 00"))).isEqualTo(Reason.TLV_LENGTH);
        assertThat(rejected(hex("00 ff 00 00 00000001" + H + "0013 0000 20010db80000000000000000000000")))
                .isEqualTo(Reason.TLV_LENGTH);
        assertThat(rejected(hex("00 01 02 00 00000001" + H + "0013 0000 00000000000000000000000000000000")))
                .isEqualTo(Reason.TLV_LENGTH);
        assertThat(rejected(hex("00 01 02 00 00000001" + H + "0107 0011223344 55".replace(" 55", ""))))
                .isEqualTo(Reason.TLV_LENGTH);
        assertThat(rejected(hex("00 01 02 00 00000001" + H + "0109 001122334455 00"))).isEqualTo(Reason.TLV_LENGTH);
        assertThat(rejected(hex("00 01 01 00 00000001" + H))).isEqualTo(Reason.MISSING_TLV);
        assertThat(rejected(hex("00 01 03 00 00000001" + H + "0502"))).isEqualTo(Reason.MISSING_TLV);
        assertThat(rejected(hex("00 ff 00 00 00000001" + H))).isEqualTo(Reason.MISSING_TLV);
        assertThat(rejected(hex("00 01 02 00 00000001" + H + "0014 0000 00000000000000000000000000000000")))
                .isEqualTo(Reason.MISSING_TLV);
        assertThat(rejected(hex("00 01 01 00 00000001" + H + "0008001122334455 0008001122334456")))
                .isEqualTo(Reason.INCONSISTENT);
        assertThat(rejected(hex("00 01 02 00 00000001" + H + "0108001122334455 0108001122334456")))
                .isEqualTo(Reason.INCONSISTENT);
        assertThat(Reason.TLV_PAST_END.counter()).isEqualTo("malformed_tlv_past_end");
    }

    @Property(tries = 500)
    void everyPacketRoundTrips(@ForAll("packets") byte[] wire) {
        Packet p = decoded(wire);
        assertThat(Intercom.encode(p)).isEqualTo(wire);
    }

    @Provide
    Arbitrary<byte[]> packets() {
        Arbitrary<Header> headers = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers(), Arbitraries.longs(), Arbitraries.longs())
                .as((ttl, nonce, hi, lo) -> new Header(ttl, nonce, IpAddress.v6(hi, lo)));
        Arbitrary<IpAddress> addresses = net.jqwik.api.Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                .as(IpAddress::v6);
        Arbitrary<MacAddress> macs = Arbitraries.longs().between(0, 0xffff_ffff_ffffL).map(MacAddress::new);
        Arbitrary<Packet> seeks = net.jqwik.api.Combinators.combine(headers, addresses.list().ofMinSize(1).ofMaxSize(4))
                .as(Seek::new);
        Arbitrary<Packet> claims = net.jqwik.api.Combinators.combine(headers, macs).as(Claim::new);
        Arbitrary<Packet> acks = net.jqwik.api.Combinators.combine(headers, macs).as(Ack::new);
        Arbitrary<Packet> infos = net.jqwik.api.Combinators.combine(headers, Arbitraries.integers().between(0, 65535),
                addresses, macs, addresses.list().ofMaxSize(15)).as(Info::new);
        return Arbitraries.oneOf(seeks, claims, acks, infos).map(Intercom::encode);
    }
}
