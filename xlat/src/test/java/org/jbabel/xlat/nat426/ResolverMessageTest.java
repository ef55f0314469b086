package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.jbabel.xlat.nat426.ResolverMessage.Reason;
import org.junit.jupiter.api.Test;

/** The resolver's wire format (docs/XLAT.md "Resolver wire format"): bytes, round trips, every refusal. */
class ResolverMessageTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static Reason refused(byte[] b) {
        ResolverMessage.Result r = ResolverMessage.decode(b, 0, b.length);
        assertThat(r.message()).isNull();
        return r.reason();
    }

    static ResolverMessage decoded(byte[] b) {
        ResolverMessage.Result r = ResolverMessage.decode(b, 0, b.length);
        assertThat(r.reason()).isNull();
        return r.message();
    }

    static final byte[] QUERY_IPV4 = hex("01 01 0000 cafebabe 0a140005");
    static final byte[] QUERY_MAC = hex("01 02 0000 cafebabe 525400123456 0000");
    static final byte[] ANSWER = hex("01 03 0000 cafebabe 525400123456 0000 0a140005 00000000");

    @Test
    void theThreeMessagesAreTheirDocumentedBytes() {
        assertThat(ResolverMessage.queryIpv4(0xcafebabe, 0x0a140005).encode()).isEqualTo(QUERY_IPV4);
        assertThat(ResolverMessage.queryMac(0xcafebabe, 0x5254_0012_3456L).encode()).isEqualTo(QUERY_MAC);
        assertThat(ResolverMessage.answer(0xcafebabe, 0x5254_0012_3456L, 0x0a140005).encode()).isEqualTo(ANSWER);
        assertThat(decoded(QUERY_IPV4)).isEqualTo(ResolverMessage.queryIpv4(0xcafebabe, 0x0a140005));
        assertThat(decoded(QUERY_MAC)).isEqualTo(ResolverMessage.queryMac(0xcafebabe, 0x5254_0012_3456L));
        assertThat(decoded(ANSWER)).isEqualTo(ResolverMessage.answer(0xcafebabe, 0x5254_0012_3456L, 0x0a140005));
        assertThat(decoded(ANSWER)).hasToString("answer 52:54:00:12:34:56 10.20.0.5 nonce cafebabe");
    }

    @Test
    void decodingHonoursOffsetAndLength() {
        byte[] framed = new byte[ANSWER.length + 7];
        System.arraycopy(ANSWER, 0, framed, 3, ANSWER.length);
        assertThat(ResolverMessage.decode(framed, 3, ANSWER.length).message()).isEqualTo(decoded(ANSWER));
        assertThat(ResolverMessage.decode(framed, 3, ANSWER.length + 4).reason()).isEqualTo(Reason.LENGTH);
        assertThat(ResolverMessage.decode(framed, framed.length - 4, 8).reason()).isEqualTo(Reason.SHORT);
        assertThat(ResolverMessage.decode(framed, -1, 8).reason()).isEqualTo(Reason.SHORT);
    }

    @Test
    void everyMalformedDatagramHasItsReason() {
        assertThat(refused(Arrays.copyOf(QUERY_IPV4, 7))).isEqualTo(Reason.SHORT);
        assertThat(refused(patch(QUERY_IPV4, 0, 2))).isEqualTo(Reason.VERSION);
        assertThat(refused(patch(QUERY_IPV4, 1, 0))).isEqualTo(Reason.TYPE);
        assertThat(refused(patch(QUERY_IPV4, 1, 4))).isEqualTo(Reason.TYPE);
        assertThat(refused(Arrays.copyOf(QUERY_IPV4, 13))).isEqualTo(Reason.LENGTH);
        assertThat(refused(Arrays.copyOf(ANSWER, 23))).isEqualTo(Reason.LENGTH);
        assertThat(refused(patch(QUERY_IPV4, 3, 1))).isEqualTo(Reason.RESERVED);
        assertThat(refused(patch(QUERY_MAC, 15, 1))).isEqualTo(Reason.RESERVED);
        assertThat(refused(patch(ANSWER, 14, 1))).isEqualTo(Reason.RESERVED);
        assertThat(refused(patch(QUERY_MAC, 8, 0x01))).isEqualTo(Reason.MAC);
        byte[] zeroMac = ANSWER.clone();
        Arrays.fill(zeroMac, 8, 14, (byte) 0);
        assertThat(refused(zeroMac)).isEqualTo(Reason.MAC);
        assertThat(refused(hex("01 01 0000 cafebabe 00000000"))).isEqualTo(Reason.ADDRESS);
        assertThat(refused(hex("01 01 0000 cafebabe ffffffff"))).isEqualTo(Reason.ADDRESS);
        assertThat(refused(hex("01 01 0000 cafebabe 7f000001"))).isEqualTo(Reason.ADDRESS);
        assertThat(refused(patch(ANSWER, 16, 0xe0))).isEqualTo(Reason.ADDRESS);
        assertThat(Reason.RESERVED.counter()).isEqualTo("resolver_malformed_reserved");
    }

    private static byte[] patch(byte[] b, int offset, int value) {
        byte[] c = b.clone();
        c[offset] = (byte) value;
        return c;
    }

    @Property
    void randomBytesNeverThrow(@ForAll @Size(max = 40) byte[] bytes, @ForAll @IntRange(min = -2, max = 42) int offset,
            @ForAll @IntRange(min = -2, max = 42) int length) {
        ResolverMessage.Result r = ResolverMessage.decode(bytes, offset, length);
        assertThat(r.message() == null).isNotEqualTo(r.reason() == null);
    }

    @Property
    void answersRoundTrip(@ForAll int nonce, @ForAll @LongRange(min = 1, max = 0xfeff_ffff_ffffL) long mac,
            @ForAll @IntRange(min = 0x0100_0000, max = 0x7eff_ffff) int ip) {
        long unicast = mac & ~0x0100_0000_0000L;
        if (unicast == 0) {
            return;
        }
        ResolverMessage m = ResolverMessage.answer(nonce, unicast, ip);
        assertThat(decoded(m.encode())).isEqualTo(m);
    }
}
