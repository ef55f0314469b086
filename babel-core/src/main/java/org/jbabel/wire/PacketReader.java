package org.jbabel.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a UDP payload into a {@link Packet} and a list of {@link Problem}s; never throws for bad input.
 *
 * <p>The parser state of RFC 8966 §4.5 (default prefix per AE, router-id, IPv4 and IPv6 next hop) lives for one
 * packet. It is changed by Router-Id and Next Hop TLVs and by the 0x80 / 0x40 flags of Updates, also when the TLV
 * carrying them is otherwise ignored because of an unknown mandatory sub-TLV (RFC 8966 §4.4). A malformed TLV that
 * would have changed it leaves that part undefined: a bad Router-Id TLV clears the router-id, a bad Next Hop TLV
 * both next hops, a bad Update with flag 0x80 every default prefix. The datagram is assumed to have come over
 * IPv6, so the IPv4 next hop starts undefined and the IPv6 one starts as "the sender" (null).
 */
public final class PacketReader {
    private PacketReader() {}

    public static ReadResult read(byte[] datagram) {
        return read(datagram, 0, datagram.length);
    }

    public static ReadResult read(byte[] datagram, int offset, int length) {
        return new Parse(datagram, offset, length).run();
    }

    /** Where a sub-TLV list sits: decides which sub-TLVs are known. */
    private enum Context {
        HELLO,
        IHU,
        PREFIXED,
        OTHER
    }

    /** The sub-TLVs of one TLV, or the verdict that the TLV must be dropped. */
    private record SubTlvs(List<SubTlv> list, Prefix sourcePrefix) {}

    private static final class Parse {
        private final byte[] b;
        private final int base;
        private final int length;
        private final List<Problem> problems = new ArrayList<>();

        private final IpAddress[] defaultPrefix = new IpAddress[5];
        private RouterId routerId;
        private IpAddress v4NextHop;
        private IpAddress v6NextHop;

        Parse(byte[] b, int offset, int length) {
            this.b = b;
            this.base = offset;
            this.length = length;
        }

        ReadResult run() {
            if (length < Packet.HEADER_LENGTH) {
                problem(Problem.Kind.SHORT_PACKET, 0, "datagram of " + length + " bytes");
                return new ReadResult(null, problems);
            }
            if (u8(0) != Packet.MAGIC) {
                problem(Problem.Kind.BAD_MAGIC, 0, "magic " + u8(0));
                return new ReadResult(null, problems);
            }
            if (u8(1) != Packet.VERSION) {
                problem(Problem.Kind.BAD_VERSION, 1, "version " + u8(1));
                return new ReadResult(null, problems);
            }
            int bodyLength = u16(2);
            int bodyEnd = Packet.HEADER_LENGTH + bodyLength;
            if (bodyEnd > length) {
                problem(Problem.Kind.BODY_LENGTH_CLAMPED, 2,
                        "body length " + bodyLength + ", only " + (length - Packet.HEADER_LENGTH) + " bytes");
                bodyEnd = length;
            }
            List<Tlv> body = parseBody(Packet.HEADER_LENGTH, bodyEnd);
            List<Tlv> trailer = parseTrailer(bodyEnd, length);
            return new ReadResult(new Packet(body, trailer), problems);
        }

        private List<Tlv> parseBody(int pos, int end) {
            List<Tlv> tlvs = new ArrayList<>();
            while (pos < end) {
                int type = u8(pos);
                if (type == Tlv.PAD1) {
                    tlvs.add(new Tlv.Pad1());
                    pos++;
                    continue;
                }
                if (pos + 2 > end || pos + 2 + u8(pos + 1) > end) {
                    problem(Problem.Kind.TRUNCATED_TLV, pos, "TLV type " + type + " runs past the body end");
                    break;
                }
                int len = u8(pos + 1);
                Tlv tlv = parseTlv(type, pos, pos + 2, pos + 2 + len);
                if (tlv != null) {
                    tlvs.add(tlv);
                }
                pos += 2 + len;
            }
            return tlvs;
        }

        private List<Tlv> parseTrailer(int pos, int end) {
            List<Tlv> tlvs = new ArrayList<>();
            while (pos < end) {
                int type = u8(pos);
                if (type == Tlv.PAD1) {
                    tlvs.add(new Tlv.Pad1());
                    pos++;
                    continue;
                }
                if (pos + 2 > end || pos + 2 + u8(pos + 1) > end) {
                    problem(Problem.Kind.BAD_TRAILER, pos, "truncated TLV in the trailer");
                    break;
                }
                int len = u8(pos + 1);
                switch (type) {
                    case Tlv.MAC -> tlvs.add(new Tlv.Mac(Bytes.of(b, base + pos + 2, len)));
                    case Tlv.PADN -> tlvs.add(new Tlv.PadN(len));
                    default -> problem(Problem.Kind.BAD_TRAILER, pos, "TLV type " + type + " in the trailer");
                }
                pos += 2 + len;
            }
            return tlvs;
        }

        /** Parses the TLV whose body is [from, to); null when it is dropped (the problem is already recorded). */
        private Tlv parseTlv(int type, int at, int from, int to) {
            int len = to - from;
            return switch (type) {
                case Tlv.PADN -> {
                    for (int i = from; i < to; i++) {
                        if (u8(i) != 0) {
                            problem(Problem.Kind.NONZERO_RESERVED, i, "PadN with nonzero content");
                            break;
                        }
                    }
                    yield new Tlv.PadN(len);
                }
                case Tlv.ACK_REQUEST -> {
                    if (!atLeast(len, 6, at, "Ack Request")) {
                        yield null;
                    }
                    reserved16(from, "Ack Request");
                    yield subTlvs(Context.OTHER, null, from + 6, to, at) == null
                            ? null
                            : new Tlv.AckRequest(u16(from + 2), u16(from + 4));
                }
                case Tlv.ACK -> {
                    if (!atLeast(len, 2, at, "Ack")) {
                        yield null;
                    }
                    yield subTlvs(Context.OTHER, null, from + 2, to, at) == null ? null : new Tlv.Ack(u16(from));
                }
                case Tlv.HELLO -> parseHello(at, from, to);
                case Tlv.IHU -> parseIhu(at, from, to);
                case Tlv.ROUTER_ID -> parseRouterId(at, from, to);
                case Tlv.NEXT_HOP -> parseNextHop(at, from, to);
                case Tlv.UPDATE -> parseUpdate(at, from, to);
                case Tlv.ROUTE_REQUEST -> parseRouteRequest(at, from, to);
                case Tlv.SEQNO_REQUEST -> parseSeqnoRequest(at, from, to);
                case Tlv.MAC -> new Tlv.Mac(Bytes.of(b, base + from, len));
                case Tlv.PC -> {
                    if (len < 4 || len > 36) {
                        problem(Problem.Kind.MALFORMED_TLV, at, "PC of length " + len + " (4 to 36 expected)");
                        yield null;
                    }
                    yield new Tlv.Pc(u32(from), Bytes.of(b, base + from + 4, len - 4));
                }
                case Tlv.CHALLENGE_REQUEST, Tlv.CHALLENGE_REPLY -> {
                    if (len > 192) {
                        problem(Problem.Kind.MALFORMED_TLV, at, "challenge nonce of " + len + " bytes (192 max)");
                        yield null;
                    }
                    Bytes nonce = Bytes.of(b, base + from, len);
                    yield type == Tlv.CHALLENGE_REQUEST ? new Tlv.ChallengeRequest(nonce) : new Tlv.ChallengeReply(nonce);
                }
                default -> {
                    problem(Problem.Kind.UNKNOWN_TLV, at, "TLV type " + type);
                    yield new Tlv.Unknown(type, Bytes.of(b, base + from, len));
                }
            };
        }

        private Tlv parseHello(int at, int from, int to) {
            if (!atLeast(to - from, 6, at, "Hello")) {
                return null;
            }
            int flags = u16(from);
            if ((flags & ~Tlv.Hello.FLAG_UNICAST) != 0) {
                problem(Problem.Kind.NONZERO_RESERVED, from, "Hello flags 0x" + Integer.toHexString(flags));
            }
            SubTlvs subs = subTlvs(Context.HELLO, null, from + 6, to, at);
            return subs == null ? null : new Tlv.Hello(flags, u16(from + 2), u16(from + 4), subs.list());
        }

        private Tlv parseIhu(int at, int from, int to) {
            if (!atLeast(to - from, 6, at, "IHU")) {
                return null;
            }
            AddressEncoding ae = AddressEncoding.fromCode(u8(from));
            if (ae == null || ae == AddressEncoding.IPV4_VIA_IPV6) {
                problem(Problem.Kind.UNKNOWN_AE, from, "AE " + u8(from) + " in IHU");
                return null;
            }
            reserved8(from + 1, "IHU");
            int addrLen = addressLength(ae);
            if (to - from - 6 < addrLen) {
                problem(Problem.Kind.MALFORMED_TLV, at, "IHU address shorter than AE " + ae.code() + " needs");
                return null;
            }
            IpAddress address = address(ae, from + 6);
            SubTlvs subs = subTlvs(Context.IHU, null, from + 6 + addrLen, to, at);
            return subs == null ? null : new Tlv.Ihu(ae, u16(from + 2), u16(from + 4), address, subs.list());
        }

        private Tlv parseRouterId(int at, int from, int to) {
            if (to - from < 10) {
                routerId = null;
                problem(Problem.Kind.MALFORMED_TLV, at, "Router-Id of length " + (to - from));
                return null;
            }
            reserved16(from, "Router-Id");
            RouterId id = RouterId.of(b, base + from + 2);
            if (!id.isValid()) {
                routerId = null;
                problem(Problem.Kind.MALFORMED_TLV, at, "invalid router-id " + id);
                return null;
            }
            routerId = id;
            SubTlvs subs = subTlvs(Context.OTHER, null, from + 10, to, at);
            return subs == null ? null : new Tlv.RouterIdTlv(id, subs.list());
        }

        private Tlv parseNextHop(int at, int from, int to) {
            if (to - from < 2) {
                v4NextHop = null;
                v6NextHop = null;
                problem(Problem.Kind.MALFORMED_TLV, at, "Next Hop of length " + (to - from));
                return null;
            }
            AddressEncoding ae = AddressEncoding.fromCode(u8(from));
            if (ae == null || ae == AddressEncoding.WILDCARD || ae == AddressEncoding.IPV4_VIA_IPV6) {
                problem(Problem.Kind.UNKNOWN_AE, from, "AE " + u8(from) + " in Next Hop");
                return null;
            }
            reserved8(from + 1, "Next Hop");
            int addrLen = addressLength(ae);
            if (to - from - 2 < addrLen) {
                v4NextHop = null;
                v6NextHop = null;
                problem(Problem.Kind.MALFORMED_TLV, at, "Next Hop address shorter than AE " + ae.code() + " needs");
                return null;
            }
            IpAddress address = address(ae, from + 2);
            if (ae == AddressEncoding.IPV4) {
                v4NextHop = address;
            } else {
                v6NextHop = address;
            }
            SubTlvs subs = subTlvs(Context.OTHER, null, from + 2 + addrLen, to, at);
            return subs == null ? null : new Tlv.NextHop(ae, address, subs.list());
        }

        private Tlv parseUpdate(int at, int from, int to) {
            int len = to - from;
            int flags = len >= 2 ? u8(from + 1) : 0;
            boolean setsDefault = (flags & Tlv.Update.FLAG_DEFAULT_PREFIX) != 0;
            if (len < 10) {
                return malformedUpdate(setsDefault, at, "Update of length " + len);
            }
            AddressEncoding ae = AddressEncoding.fromCode(u8(from));
            if (ae == null || ae == AddressEncoding.IPV6_LINK_LOCAL) {
                problem(Problem.Kind.UNKNOWN_AE, from, "AE " + u8(from) + " in Update");
                return null;
            }
            int plen = u8(from + 2);
            int omitted = u8(from + 3);
            int interval = u16(from + 4);
            int seqno = u16(from + 6);
            int metric = u16(from + 8);
            Prefix prefix;
            int prefixEnd;
            if (ae == AddressEncoding.WILDCARD) {
                if (plen != 0 || omitted != 0) {
                    return malformedUpdate(setsDefault, at, "wildcard Update with plen " + plen + ", omitted " + omitted);
                }
                if (metric != Tlv.INFINITY) {
                    problem(Problem.Kind.MALFORMED_TLV, at, "wildcard Update with finite metric " + metric);
                    return null;
                }
                prefix = Prefix.V6_DEFAULT;
                prefixEnd = from + 10;
            } else {
                int bits = ae.family().bits();
                int bytes = (plen + 7) / 8;
                if (plen > bits || omitted > bytes) {
                    return malformedUpdate(setsDefault, at, "Update plen " + plen + ", omitted " + omitted);
                }
                IpAddress def = defaultPrefix[ae.code()];
                if (omitted > 0 && def == null) {
                    if (setsDefault) {
                        clearDefaultPrefixes();
                    }
                    problem(Problem.Kind.NO_DEFAULT_PREFIX, at, "omitted " + omitted + " with no AE " + ae.code() + " default");
                    return null;
                }
                if (omitted > 0 && def.isV4Mapped()) {
                    // babeld refuses to expand a prefix from a v4-mapped IPv6 default ("Couldn't parse packet").
                    if (setsDefault) {
                        clearDefaultPrefixes();
                    }
                    problem(Problem.Kind.V4_MAPPED_PREFIX, at, "omitted " + omitted + " against the v4-mapped default "
                            + def);
                    return null;
                }
                if (len - 10 < bytes - omitted) {
                    return malformedUpdate(setsDefault, at, "Update prefix runs past the TLV");
                }
                prefix = prefix(ae.family(), plen, omitted, def, from + 10);
                prefixEnd = from + 10 + bytes - omitted;
                if (setsDefault) {
                    defaultPrefix[ae.code()] = prefix.address();
                }
                if ((flags & Tlv.Update.FLAG_ROUTER_ID) != 0) {
                    IpAddress a = prefix.address();
                    RouterId id = new RouterId(ae.family() == Family.V4 ? a.v4Bits() & 0xffff_ffffL : a.lo());
                    if (!id.isValid()) {
                        // as a bad Router-Id TLV: nobody may use it (RFC 8966 §4.6.7), and it leaves none in force
                        routerId = null;
                        return malformedUpdate(setsDefault, at, "flag 0x40 gives the router-id " + id);
                    }
                    routerId = id;
                }
            }
            SubTlvs subs = subTlvs(Context.PREFIXED, ae, prefixEnd, to, at);
            if (subs == null) {
                return null;
            }
            if (ae == AddressEncoding.IPV6 && prefix.length() >= 96 && prefix.address().isV4Mapped()) {
                problem(Problem.Kind.V4_MAPPED_PREFIX, at, "IPv6 Update for the v4-mapped prefix " + prefix);
                return null;
            }
            if (ae == AddressEncoding.WILDCARD) {
                return new Tlv.Update(ae, flags, prefix, subs.sourcePrefix(), interval, seqno, metric, null, null, subs.list());
            }
            if (metric != Tlv.INFINITY && routerId == null) {
                problem(Problem.Kind.NO_ROUTER_ID, at, "Update for " + prefix + " with no router-id");
                return null;
            }
            IpAddress nextHop = ae == AddressEncoding.IPV4 ? v4NextHop : v6NextHop;
            if (ae == AddressEncoding.IPV4 && nextHop == null && metric != Tlv.INFINITY) {
                problem(Problem.Kind.NO_NEXT_HOP, at, "IPv4 Update for " + prefix + " with no IPv4 next hop");
                return null;
            }
            return new Tlv.Update(ae, flags, prefix, subs.sourcePrefix(), interval, seqno, metric, routerId, nextHop,
                    subs.list());
        }

        private Tlv malformedUpdate(boolean setsDefault, int at, String detail) {
            if (setsDefault) {
                clearDefaultPrefixes();
            }
            problem(Problem.Kind.MALFORMED_TLV, at, detail);
            return null;
        }

        private void clearDefaultPrefixes() {
            java.util.Arrays.fill(defaultPrefix, null);
        }

        private Tlv parseRouteRequest(int at, int from, int to) {
            if (!atLeast(to - from, 2, at, "Route Request")) {
                return null;
            }
            AddressEncoding ae = AddressEncoding.fromCode(u8(from));
            if (ae == null || ae == AddressEncoding.IPV6_LINK_LOCAL) {
                problem(Problem.Kind.UNKNOWN_AE, from, "AE " + u8(from) + " in Route Request");
                return null;
            }
            int plen = u8(from + 1);
            Prefix prefix = requestPrefix(ae, plen, from + 2, to, at, "Route Request");
            if (prefix == null) {
                return null;
            }
            SubTlvs subs = subTlvs(Context.PREFIXED, ae, from + 2 + (plen + 7) / 8, to, at);
            return subs == null ? null : new Tlv.RouteRequest(ae, prefix, subs.sourcePrefix(), subs.list());
        }

        private Tlv parseSeqnoRequest(int at, int from, int to) {
            if (!atLeast(to - from, 14, at, "Seqno Request")) {
                return null;
            }
            AddressEncoding ae = AddressEncoding.fromCode(u8(from));
            if (ae == null || ae == AddressEncoding.WILDCARD || ae == AddressEncoding.IPV6_LINK_LOCAL) {
                problem(Problem.Kind.UNKNOWN_AE, from, "AE " + u8(from) + " in Seqno Request");
                return null;
            }
            int plen = u8(from + 1);
            // The byte after the hop count is reserved; babeld writes the source prefix length there, so it is
            // ignored without being counted.
            Prefix prefix = requestPrefix(ae, plen, from + 14, to, at, "Seqno Request");
            if (prefix == null) {
                return null;
            }
            RouterId id = RouterId.of(b, base + from + 6);
            SubTlvs subs = subTlvs(Context.PREFIXED, ae, from + 14 + (plen + 7) / 8, to, at);
            return subs == null
                    ? null
                    : new Tlv.SeqnoRequest(ae, u16(from + 2), u8(from + 4), id, prefix, subs.sourcePrefix(), subs.list());
        }

        /** An uncompressed request prefix at {@code pos}; null (problem recorded) when it does not fit. */
        private Prefix requestPrefix(AddressEncoding ae, int plen, int pos, int to, int at, String what) {
            if (ae == AddressEncoding.WILDCARD) {
                if (plen != 0) {
                    problem(Problem.Kind.MALFORMED_TLV, at, "wildcard " + what + " with plen " + plen);
                    return null;
                }
                return Prefix.V6_DEFAULT;
            }
            if (plen > ae.family().bits() || (plen + 7) / 8 > to - pos) {
                problem(Problem.Kind.MALFORMED_TLV, at, what + " plen " + plen + " does not fit");
                return null;
            }
            return prefix(ae.family(), plen, 0, null, pos);
        }

        /**
         * Parses the sub-TLVs in [pos, end) of the TLV at {@code at}. Returns null when the TLV must be dropped: a
         * malformed sub-TLV (MALFORMED_SUBTLV) or an unknown mandatory one (UNKNOWN_MANDATORY_SUBTLV).
         */
        private SubTlvs subTlvs(Context context, AddressEncoding ae, int pos, int end, int at) {
            List<SubTlv> list = new ArrayList<>();
            boolean wildcard = ae == null || ae == AddressEncoding.WILDCARD;
            Prefix source = wildcard ? Prefix.V6_DEFAULT : Prefix.zero(ae.family());
            boolean sawSource = false;
            while (pos < end) {
                int type = u8(pos);
                if (type == SubTlv.PAD1) {
                    list.add(new SubTlv.Pad1());
                    pos++;
                    continue;
                }
                if (pos + 2 > end || pos + 2 + u8(pos + 1) > end) {
                    problem(Problem.Kind.MALFORMED_SUBTLV, pos, "sub-TLV type " + type + " runs past its TLV");
                    return null;
                }
                int len = u8(pos + 1);
                int body = pos + 2;
                if (type == SubTlv.PADN) {
                    list.add(new SubTlv.PadN(len));
                } else if (type == SubTlv.TIMESTAMP && context == Context.HELLO) {
                    if (len >= 4) {
                        list.add(new SubTlv.HelloTimestamp(u32(body)));
                    } else {
                        problem(Problem.Kind.IGNORED_SUBTLV, pos, "Hello timestamp of " + len + " bytes");
                    }
                } else if (type == SubTlv.TIMESTAMP && context == Context.IHU) {
                    if (len >= 8) {
                        list.add(new SubTlv.IhuTimestamp(u32(body), u32(body + 4)));
                    } else {
                        problem(Problem.Kind.IGNORED_SUBTLV, pos, "IHU timestamp of " + len + " bytes");
                    }
                } else if (type == SubTlv.SOURCE_PREFIX && context == Context.PREFIXED) {
                    String bad = sawSource ? "a second Source Prefix" : null;
                    if (bad == null && wildcard) {
                        bad = "Source Prefix on a wildcard";
                    }
                    int splen = len >= 1 ? u8(body) : -1;
                    if (bad == null && (len < 1 || splen == 0 || splen > source.family().bits()
                            || (splen + 7) / 8 > len - 1)) {
                        bad = "Source Prefix of length " + len + " with plen " + splen;
                    }
                    if (bad != null) {
                        problem(Problem.Kind.MALFORMED_SUBTLV, pos, bad);
                        return null;
                    }
                    source = prefix(source.family(), splen, 0, null, body + 1);
                    sawSource = true;
                } else if (SubTlv.isMandatory(type)) {
                    problem(Problem.Kind.UNKNOWN_MANDATORY_SUBTLV, pos, "mandatory sub-TLV type " + type + " in TLV at " + at);
                    return null;
                } else {
                    list.add(new SubTlv.Unknown(type, Bytes.of(b, base + body, len)));
                }
                pos = body + len;
            }
            return new SubTlvs(list, source);
        }

        /** A prefix of {@code plen} bits: {@code omitted} bytes from {@code def}, the rest from the wire. */
        private Prefix prefix(Family family, int plen, int omitted, IpAddress def, int pos) {
            // The address bytes, the first omitted ones from the default prefix, assembled without arrays.
            int length = family.bits() / 8;
            int bytes = (plen + 7) / 8;
            long hi = 0;
            long lo = 0;
            for (int k = 0; k < length; k++) {
                int v = k < omitted ? byteOf(def, k) : k < bytes ? b[base + pos + k - omitted] & 0xFF : 0;
                if (k < 8) {
                    hi = (hi << 8) | v;
                } else {
                    lo = (lo << 8) | v;
                }
            }
            IpAddress a = family == Family.V4 ? IpAddress.v4((int) hi) : IpAddress.v6(hi, lo);
            return new Prefix(a, plen);
        }

        /** Byte {@code k} of an address as {@link IpAddress#toBytes()} has it. */
        private static int byteOf(IpAddress a, int k) {
            if (a.family() == Family.V4) {
                return (a.v4Bits() >>> (24 - 8 * k)) & 0xFF;
            }
            long word = k < 8 ? a.hi() : a.lo();
            return (int) (word >>> (56 - 8 * (k & 7))) & 0xFF;
        }

        private static int addressLength(AddressEncoding ae) {
            return switch (ae) {
                case WILDCARD -> 0;
                case IPV4, IPV4_VIA_IPV6 -> 4;
                case IPV6 -> 16;
                case IPV6_LINK_LOCAL -> 8;
            };
        }

        /** A full (uncompressed) address of an IHU or Next Hop; null for the wildcard. */
        private IpAddress address(AddressEncoding ae, int pos) {
            return switch (ae) {
                case WILDCARD -> null;
                case IPV4, IPV4_VIA_IPV6 -> IpAddress.of(java.util.Arrays.copyOfRange(b, base + pos, base + pos + 4));
                case IPV6 -> IpAddress.of(java.util.Arrays.copyOfRange(b, base + pos, base + pos + 16));
                case IPV6_LINK_LOCAL -> IpAddress.v6(0xfe80_0000_0000_0000L, IpAddress.readLong(b, base + pos));
            };
        }

        private boolean atLeast(int len, int min, int at, String what) {
            if (len < min) {
                problem(Problem.Kind.MALFORMED_TLV, at, what + " of length " + len + " (" + min + " at least)");
                return false;
            }
            return true;
        }

        private void reserved8(int pos, String what) {
            if (u8(pos) != 0) {
                problem(Problem.Kind.NONZERO_RESERVED, pos, what + " reserved byte " + u8(pos));
            }
        }

        private void reserved16(int pos, String what) {
            if (u16(pos) != 0) {
                problem(Problem.Kind.NONZERO_RESERVED, pos, what + " reserved field " + u16(pos));
            }
        }

        private void problem(Problem.Kind kind, int offset, String detail) {
            problems.add(new Problem(kind, offset, detail));
        }

        private int u8(int pos) {
            return b[base + pos] & 0xff;
        }

        private int u16(int pos) {
            return (u8(pos) << 8) | u8(pos + 1);
        }

        private long u32(int pos) {
            return ((long) u16(pos) << 16) | u16(pos + 2);
        }
    }
}
