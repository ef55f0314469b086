package org.jbabel.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.SubTlv;
import org.jbabel.wire.Tlv;

/**
 * Every field of a TLV or sub-TLV as an ordered map whose first entry is {@code type} (the TLV kind's name); the
 * one model behind both the text and the JSON output of {@code jbabel decode}. Intervals are in centiseconds, as on
 * the wire; addresses, prefixes and router-ids are strings; opaque bytes are hex.
 */
final class TlvFields {
    private TlvFields() {}

    static Map<String, Object> of(Tlv tlv) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (tlv) {
            case Tlv.Pad1 p -> m.put("type", "pad1");
            case Tlv.PadN p -> {
                m.put("type", "padN");
                m.put("length", p.length());
            }
            case Tlv.AckRequest a -> {
                m.put("type", "ackRequest");
                m.put("opaque", a.opaque());
                m.put("interval", a.interval());
            }
            case Tlv.Ack a -> {
                m.put("type", "ack");
                m.put("opaque", a.opaque());
            }
            case Tlv.Hello h -> {
                m.put("type", "hello");
                m.put("flags", h.flags());
                m.put("unicast", h.unicast());
                m.put("seqno", h.seqno());
                m.put("interval", h.interval());
                m.put("subTlvs", subTlvs(h.subTlvs()));
            }
            case Tlv.Ihu i -> {
                m.put("type", "ihu");
                m.put("ae", i.ae().code());
                if (i.address() != null) {
                    m.put("address", i.address().toString());
                }
                m.put("rxcost", i.rxcost());
                m.put("interval", i.interval());
                m.put("subTlvs", subTlvs(i.subTlvs()));
            }
            case Tlv.RouterIdTlv r -> {
                m.put("type", "routerId");
                m.put("routerId", r.routerId().toString());
                m.put("subTlvs", subTlvs(r.subTlvs()));
            }
            case Tlv.NextHop n -> {
                m.put("type", "nextHop");
                m.put("ae", n.ae().code());
                m.put("nextHop", n.address().toString());
                m.put("subTlvs", subTlvs(n.subTlvs()));
            }
            case Tlv.Update u -> {
                m.put("type", "update");
                m.put("ae", u.ae().code());
                m.put("flags", u.flags());
                prefix(m, u.ae(), u.prefix(), u.sourcePrefix());
                m.put("interval", u.interval());
                m.put("seqno", u.seqno());
                m.put("metric", u.metric());
                if (u.routerId() != null) {
                    m.put("routerId", u.routerId().toString());
                }
                if (u.nextHop() != null) {
                    m.put("nextHop", u.nextHop().toString());
                }
                m.put("subTlvs", subTlvs(u.subTlvs()));
            }
            case Tlv.RouteRequest r -> {
                m.put("type", "routeRequest");
                m.put("ae", r.ae().code());
                prefix(m, r.ae(), r.prefix(), r.sourcePrefix());
                m.put("subTlvs", subTlvs(r.subTlvs()));
            }
            case Tlv.SeqnoRequest s -> {
                m.put("type", "seqnoRequest");
                m.put("ae", s.ae().code());
                prefix(m, s.ae(), s.prefix(), s.sourcePrefix());
                m.put("seqno", s.seqno());
                m.put("hopCount", s.hopCount());
                m.put("routerId", s.routerId().toString());
                m.put("subTlvs", subTlvs(s.subTlvs()));
            }
            case Tlv.Mac x -> {
                m.put("type", "mac");
                m.put("length", x.mac().length());
                m.put("mac", x.mac().hex());
            }
            case Tlv.Pc p -> {
                m.put("type", "pc");
                m.put("pc", p.pc());
                m.put("index", p.index().hex());
            }
            case Tlv.ChallengeRequest c -> {
                m.put("type", "challengeRequest");
                m.put("nonce", c.nonce().hex());
            }
            case Tlv.ChallengeReply c -> {
                m.put("type", "challengeReply");
                m.put("nonce", c.nonce().hex());
            }
            case Tlv.Unknown x -> unknown(m, x);
        }
        return m;
    }

    /** RFC 7298's TS/PC and HMAC TLVs (obsoleted by RFC 8967), named as tcpdump names them. */
    static final int LEGACY_TS_PC = 11;
    static final int LEGACY_HMAC = 12;

    /**
     * A TLV this implementation does not know. The legacy RFC 7298 TS/PC (PacketCounter, then Timestamp) and HMAC
     * (KeyID, then the digest) get tcpdump's names and their fields when their body is long enough; anything else is
     * {@code unknown} with its type and body.
     */
    private static void unknown(Map<String, Object> m, Tlv.Unknown x) {
        byte[] b = x.body().toArray();
        if (x.type() == LEGACY_TS_PC && b.length >= 6) {
            m.put("type", "TS/PC");
            m.put("packetCounter", u16(b, 0));
            m.put("timestamp", ((long) u16(b, 2) << 16) | u16(b, 4));
            return;
        }
        if (x.type() == LEGACY_HMAC && b.length >= 2) {
            m.put("type", "HMAC");
            m.put("keyId", u16(b, 0));
            m.put("digest", x.body().hex().substring(4));
            return;
        }
        m.put("type", "unknown");
        m.put("tlvType", x.type());
        m.put("body", x.body().hex());
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static Map<String, Object> of(SubTlv sub) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (sub) {
            case SubTlv.Pad1 p -> m.put("type", "pad1");
            case SubTlv.PadN p -> {
                m.put("type", "padN");
                m.put("length", p.length());
            }
            case SubTlv.HelloTimestamp t -> {
                m.put("type", "timestamp");
                m.put("transmit", t.transmit());
            }
            case SubTlv.IhuTimestamp t -> {
                m.put("type", "timestamp");
                m.put("origin", t.origin());
                m.put("receive", t.receive());
            }
            case SubTlv.Unknown x -> {
                m.put("type", x.type() == SubTlv.DIVERSITY ? "diversity" : "unknown");
                m.put("subTlvType", x.type());
                m.put("body", x.body().hex());
            }
        }
        return m;
    }

    /** One line of text: the type name, then each field as {@code name value}; sub-TLVs in brackets. */
    static String text(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getKey().equals("type")) {
                sb.append(e.getValue());
                continue;
            }
            if (e.getValue() instanceof List<?> list) {
                if (list.isEmpty()) {
                    continue;
                }
                List<String> parts = new ArrayList<>();
                for (Object o : list) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> sub = (Map<String, Object>) o;
                    parts.add(text(sub));
                }
                sb.append(' ').append(e.getKey()).append(" [").append(String.join(", ", parts)).append(']');
                continue;
            }
            sb.append(' ').append(e.getKey()).append(' ').append(e.getValue());
        }
        return sb.toString();
    }

    private static void prefix(Map<String, Object> m, AddressEncoding ae, Prefix prefix, Prefix source) {
        if (ae == AddressEncoding.WILDCARD) {
            return;
        }
        m.put("prefix", prefix.address().toString());
        m.put("plen", prefix.length());
        if (source != null && !source.isZeroLength()) {
            m.put("sourcePrefix", source.address().toString());
            m.put("sourcePlen", source.length());
        }
    }

    private static List<Map<String, Object>> subTlvs(List<SubTlv> subs) {
        List<Map<String, Object>> list = new ArrayList<>();
        subs.forEach(s -> list.add(of(s)));
        return list;
    }
}
