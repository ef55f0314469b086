package org.jbabel.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns TLVs into packets of at most {@code maxPacketSize} bytes (UDP payload, header included), applying prefix
 * compression and emitting the Router-Id and Next Hop TLVs that self-contained {@link Tlv.Update}s need.
 *
 * <p>Choices (docs/WIRE.md): TLVs keep their order and are never split; when the next one does not fit, the packet
 * is closed and a new one starts with fresh parser state, so a later Update re-establishes its router-id and next
 * hop. IPv6 (AE 2) prefixes are compressed against the AE-2 default prefix, and flag 0x80 makes an Update the new
 * default when there is none yet in the packet or its prefix is at least 48 bits long (babeld's rule). IPv4 prefixes
 * (AE 1 and 4) are never compressed, as babeld never does. Flag 0x40 replaces a Router-Id TLV when an AE 2 prefix's
 * low 64 bits equal the router-id; otherwise a Router-Id TLV precedes the first Update of each router-id in a
 * packet. An AE 1 Update with a next hop gets a Next Hop TLV (AE 1) when it differs from the packet's current one;
 * an AE 2 or 4 Update with an IPv6 next hop likewise (AE 3 for fe80::/64 addresses, else AE 2). An Update whose
 * next hop is null ("the sender") that follows an explicit IPv6 next hop starts a new packet, unless it is a
 * retraction. Route and Seqno Requests for IPv4 prefixes use AE 1. Fields out of range, an Update with a finite
 * metric but no router-id (or, for AE 1, no next hop), a Source Prefix on a wildcard and an AE not allowed in a TLV
 * are programming errors: {@link IllegalArgumentException}. An Update for a martian prefix is left out and counted
 * ({@link #martianUpdatesRefused()}), the rest of the TLVs are written.
 */
public final class PacketWriter {
    private final int maxPacketSize;
    private long martianUpdatesRefused;

    public PacketWriter(int maxPacketSize) {
        if (maxPacketSize < Packet.HEADER_LENGTH + 1 || maxPacketSize > Packet.HEADER_LENGTH + 0xFFFF) {
            throw new IllegalArgumentException("max packet size " + maxPacketSize + " out of range");
        }
        this.maxPacketSize = maxPacketSize;
    }

    /** The UDP payload size for an interface MTU: MTU − 48 (IPv6 + UDP headers), MTU below 512 taken as 512. */
    public static int maxPacketSizeForMtu(int mtu) {
        return Math.max(mtu, 512) - 48;
    }

    public int maxPacketSize() {
        return maxPacketSize;
    }

    /**
     * How many Updates this writer left out because their prefix or source prefix is martian ({@link
     * Prefix#isMartian()}, v4-mapped IPv6 prefixes included): no Babel speaker accepts them, babeld cannot even parse
     * a v4-mapped one, and prefixes compressed against it would be lost with it.
     */
    public long martianUpdatesRefused() {
        return martianUpdatesRefused;
    }

    /** Whether an Update must never be written: a martian prefix or source prefix (not the wildcard). */
    public static boolean isMartian(Tlv.Update u) {
        return u.ae() != AddressEncoding.WILDCARD && (u.prefix().isMartian()
                || (u.sourcePrefix() != null && !u.sourcePrefix().isZeroLength() && u.sourcePrefix().isMartian()));
    }

    /**
     * Encodes the TLVs in order into one or more packets (body only; no trailer).
     *
     * @throws IllegalArgumentException for a TLV that cannot be encoded (see the class comment) or that does not
     *     fit even an empty packet
     */
    public List<byte[]> write(List<Tlv> tlvs) {
        List<byte[]> packets = new ArrayList<>(1);
        // One buffer for the packet being filled (its header written when it is closed), one for the TLV being tried:
        // both are reused, so a packet costs one array of its own size.
        Out packet = new Out(Math.min(maxPacketSize, 2048));
        packet.zeros(Packet.HEADER_LENGTH);
        Out encoded = new Out(64);
        State state = new State();
        State next = new State();
        int room = maxPacketSize - Packet.HEADER_LENGTH;
        for (Tlv tlv : tlvs) {
            if (tlv instanceof Tlv.Update u && isMartian(u)) {
                martianUpdatesRefused++;
                continue;
            }
            next.copyFrom(state);
            encoded.clear();
            boolean ok = encode(tlv, next, encoded);
            if (ok && packet.size() - Packet.HEADER_LENGTH + encoded.size() <= room) {
                packet.append(encoded);
                State was = state;
                state = next;
                next = was;
                continue;
            }
            if (packet.size() > Packet.HEADER_LENGTH) {
                packets.add(close(packet));
            }
            state.clear();
            encoded.clear();
            if (!encode(tlv, state, encoded)) {
                throw new AssertionError("a TLV must be encodable with fresh parser state: " + tlv);
            }
            if (encoded.size() > room) {
                throw new IllegalArgumentException(
                        "TLV of " + encoded.size() + " bytes does not fit a packet of " + maxPacketSize + ": " + tlv);
            }
            packet.append(encoded);
        }
        if (packet.size() > Packet.HEADER_LENGTH) {
            packets.add(close(packet));
        }
        return packets;
    }

    /** Appends trailer TLVs (MAC, or Pad1/PadN) to a packet; the body length in its header stays as it is. */
    public static byte[] withTrailer(byte[] packet, List<Tlv> trailer) {
        Out out = new Out();
        out.bytes(packet);
        for (Tlv tlv : trailer) {
            switch (tlv) {
                case Tlv.Mac m -> tlv(out, Tlv.MAC, o -> o.bytes(m.mac().toArray()));
                case Tlv.Pad1 p -> out.u8(Tlv.PAD1);
                case Tlv.PadN p -> tlv(out, Tlv.PADN, o -> o.zeros(p.length()));
                default -> throw new IllegalArgumentException("only MAC and padding TLVs go in a trailer: " + tlv);
            }
        }
        return out.toArray();
    }

    /** The packet in {@code p} (body after room for the header) with its header; {@code p} is emptied for the next. */
    private static byte[] close(Out p) {
        int body = p.size() - Packet.HEADER_LENGTH;
        p.set(0, Packet.MAGIC);
        p.set(1, Packet.VERSION);
        p.set(2, body >>> 8);
        p.set(3, body & 0xFF);
        byte[] packet = p.toArray();
        p.truncate(Packet.HEADER_LENGTH);
        return packet;
    }

    /** The parser state a receiver will have after the TLVs written so far in the current packet. */
    private static final class State {
        IpAddress v6Default;
        RouterId routerId;
        IpAddress v4NextHop;
        IpAddress v6NextHop;

        void copyFrom(State s) {
            v6Default = s.v6Default;
            routerId = s.routerId;
            v4NextHop = s.v4NextHop;
            v6NextHop = s.v6NextHop;
        }

        void clear() {
            v6Default = null;
            routerId = null;
            v4NextHop = null;
            v6NextHop = null;
        }
    }

    /** Encodes one TLV (and the TLVs it needs) into {@code out}; false when it cannot follow {@code state}. */
    private static boolean encode(Tlv tlv, State state, Out out) {
        switch (tlv) {
            case Tlv.Pad1 p -> out.u8(Tlv.PAD1);
            case Tlv.PadN p -> tlv(out, Tlv.PADN, o -> o.zeros(p.length()));
            case Tlv.AckRequest a -> tlv(out, Tlv.ACK_REQUEST, o -> {
                o.u16(0, "reserved");
                o.u16(a.opaque(), "opaque");
                o.u16(a.interval(), "interval");
            });
            case Tlv.Ack a -> tlv(out, Tlv.ACK, o -> o.u16(a.opaque(), "opaque"));
            case Tlv.Hello h -> tlv(out, Tlv.HELLO, o -> {
                o.u16(h.flags(), "flags");
                o.u16(h.seqno(), "seqno");
                o.u16(h.interval(), "interval");
                subTlvs(o, h.subTlvs());
            });
            case Tlv.Ihu i -> tlv(out, Tlv.IHU, o -> {
                o.u8(i.ae().code());
                o.u8(0);
                o.u16(i.rxcost(), "rxcost");
                o.u16(i.interval(), "interval");
                address(o, i.ae(), i.address());
                subTlvs(o, i.subTlvs());
            });
            case Tlv.RouterIdTlv r -> {
                routerId(out, r.routerId(), r.subTlvs());
                state.routerId = r.routerId();
            }
            case Tlv.NextHop n -> {
                if (n.ae() != AddressEncoding.IPV4 && n.ae() != AddressEncoding.IPV6
                        && n.ae() != AddressEncoding.IPV6_LINK_LOCAL) {
                    throw new IllegalArgumentException("AE " + n.ae() + " is not allowed in Next Hop");
                }
                nextHop(out, n.ae(), n.address(), n.subTlvs());
                if (n.ae() == AddressEncoding.IPV4) {
                    state.v4NextHop = n.address();
                } else {
                    state.v6NextHop = n.address();
                }
            }
            case Tlv.Update u -> {
                return update(u, state, out);
            }
            case Tlv.RouteRequest r -> tlv(out, Tlv.ROUTE_REQUEST, o -> {
                AddressEncoding ae = requestAe(r.ae(), r.prefix(), r.sourcePrefix(), "Route Request");
                o.u8(ae.code());
                o.u8(r.prefix().length());
                prefixBytes(o, r.prefix(), 0);
                subTlvs(o, r.subTlvs());
                sourcePrefix(o, r.sourcePrefix());
            });
            case Tlv.SeqnoRequest s -> tlv(out, Tlv.SEQNO_REQUEST, o -> {
                if (s.ae() == AddressEncoding.WILDCARD) {
                    throw new IllegalArgumentException("a Seqno Request cannot be a wildcard");
                }
                AddressEncoding ae = requestAe(s.ae(), s.prefix(), s.sourcePrefix(), "Seqno Request");
                o.u8(ae.code());
                o.u8(s.prefix().length());
                o.u16(s.seqno(), "seqno");
                o.u8(s.hopCount(), "hop count");
                o.u8(0);
                o.routerId(s.routerId());
                prefixBytes(o, s.prefix(), 0);
                subTlvs(o, s.subTlvs());
                sourcePrefix(o, s.sourcePrefix());
            });
            case Tlv.Mac m -> tlv(out, Tlv.MAC, o -> o.bytes(m.mac().toArray()));
            case Tlv.Pc p -> tlv(out, Tlv.PC, o -> {
                if (p.pc() < 0 || p.pc() > 0xFFFF_FFFFL) {
                    throw new IllegalArgumentException("PC " + p.pc() + " out of range");
                }
                o.u32(p.pc());
                o.bytes(p.index().toArray());
            });
            case Tlv.ChallengeRequest c -> tlv(out, Tlv.CHALLENGE_REQUEST, o -> o.bytes(c.nonce().toArray()));
            case Tlv.ChallengeReply c -> tlv(out, Tlv.CHALLENGE_REPLY, o -> o.bytes(c.nonce().toArray()));
            case Tlv.Unknown x -> tlv(out, x.type(), o -> o.bytes(x.body().toArray()));
        }
        return true;
    }

    private static boolean update(Tlv.Update u, State state, Out out) {
        AddressEncoding ae = u.ae();
        boolean finite = u.metric() != Tlv.INFINITY;
        if (ae == AddressEncoding.WILDCARD) {
            if (u.prefix().length() != 0 || (u.sourcePrefix() != null && !u.sourcePrefix().isZeroLength())) {
                throw new IllegalArgumentException("a wildcard Update has plen 0 and no source prefix: " + u);
            }
            tlv(out, Tlv.UPDATE, o -> {
                o.u8(0);
                o.u8(0);
                o.u8(0);
                o.u8(0);
                o.u16(u.interval(), "interval");
                o.u16(u.seqno(), "seqno");
                o.u16(u.metric(), "metric");
                subTlvs(o, u.subTlvs());
            });
            return true;
        }
        if (ae == AddressEncoding.IPV6_LINK_LOCAL) {
            throw new IllegalArgumentException("AE 3 is not allowed in Update");
        }
        requireFamily(ae, u.prefix(), u.sourcePrefix(), "Update");
        RouterId id = u.routerId();
        if (finite && id == null) {
            throw new IllegalArgumentException("an Update with a finite metric needs a router-id: " + u);
        }
        IpAddress nh = u.nextHop();
        if (ae == AddressEncoding.IPV4) {
            if (nh != null) {
                if (nh.family() != Family.V4) {
                    throw new IllegalArgumentException("an AE 1 Update needs an IPv4 next hop: " + u);
                }
                if (!nh.equals(state.v4NextHop)) {
                    nextHop(out, AddressEncoding.IPV4, nh, List.of());
                    state.v4NextHop = nh;
                }
            } else if (finite) {
                throw new IllegalArgumentException("an AE 1 Update with a finite metric needs a next hop: " + u);
            }
        } else if (nh != null) {
            if (nh.family() != Family.V6) {
                throw new IllegalArgumentException("an AE " + ae.code() + " Update needs an IPv6 next hop: " + u);
            }
            if (!nh.equals(state.v6NextHop)) {
                nextHop(out, isLinkLocal64(nh) ? AddressEncoding.IPV6_LINK_LOCAL : AddressEncoding.IPV6, nh, List.of());
                state.v6NextHop = nh;
            }
        } else if (finite && state.v6NextHop != null) {
            return false;
        }
        int flags = 0;
        if (id != null && !id.equals(state.routerId)) {
            if (ae == AddressEncoding.IPV6 && u.prefix().address().lo() == id.value()) {
                flags |= Tlv.Update.FLAG_ROUTER_ID;
            } else {
                routerId(out, id, List.of());
            }
            state.routerId = id;
        }
        Prefix prefix = u.prefix();
        int omitted = 0;
        if (ae == AddressEncoding.IPV6) {
            int bytes = (prefix.length() + 7) / 8;
            if (state.v6Default != null) {
                IpAddress a = prefix.address();
                IpAddress d = state.v6Default;
                while (omitted < bytes && byteAt(a, omitted) == byteAt(d, omitted)) {
                    omitted++;
                }
            }
            if (state.v6Default == null || prefix.length() >= 48) {
                flags |= Tlv.Update.FLAG_DEFAULT_PREFIX;
                state.v6Default = prefix.address();
            }
        }
        int start = open(out, Tlv.UPDATE);
        out.u8(ae.code());
        out.u8(flags);
        out.u8(prefix.length());
        out.u8(omitted);
        out.u16(u.interval(), "interval");
        out.u16(u.seqno(), "seqno");
        out.u16(u.metric(), "metric");
        prefixBytes(out, prefix, omitted);
        subTlvs(out, u.subTlvs());
        sourcePrefix(out, u.sourcePrefix());
        close(out, Tlv.UPDATE, start);
        return true;
    }

    private static AddressEncoding requestAe(AddressEncoding ae, Prefix prefix, Prefix source, String what) {
        if (ae == AddressEncoding.WILDCARD) {
            if (prefix.length() != 0 || (source != null && !source.isZeroLength())) {
                throw new IllegalArgumentException("a wildcard " + what + " has plen 0 and no source prefix");
            }
            return ae;
        }
        if (ae == AddressEncoding.IPV6_LINK_LOCAL) {
            throw new IllegalArgumentException("AE 3 is not allowed in " + what);
        }
        requireFamily(ae, prefix, source, what);
        return ae.family() == Family.V4 ? AddressEncoding.IPV4 : AddressEncoding.IPV6;
    }

    private static void requireFamily(AddressEncoding ae, Prefix prefix, Prefix source, String what) {
        if (prefix.family() != ae.family() || (source != null && source.family() != ae.family())) {
            throw new IllegalArgumentException(what + " with AE " + ae.code() + " and prefix " + prefix + " from " + source);
        }
    }

    private static boolean isLinkLocal64(IpAddress a) {
        return a.family() == Family.V6 && a.hi() == 0xfe80_0000_0000_0000L;
    }

    private static void routerId(Out out, RouterId id, List<SubTlv> subs) {
        if (!id.isValid()) {
            throw new IllegalArgumentException("invalid router-id " + id);
        }
        int start = open(out, Tlv.ROUTER_ID);
        out.u16(0, "reserved");
        out.routerId(id);
        subTlvs(out, subs);
        close(out, Tlv.ROUTER_ID, start);
    }

    private static void nextHop(Out out, AddressEncoding ae, IpAddress address, List<SubTlv> subs) {
        int start = open(out, Tlv.NEXT_HOP);
        out.u8(ae.code());
        out.u8(0);
        address(out, ae, address);
        subTlvs(out, subs);
        close(out, Tlv.NEXT_HOP, start);
    }

    /** A full address for an IHU or Next Hop. */
    private static void address(Out o, AddressEncoding ae, IpAddress a) {
        switch (ae) {
            case WILDCARD -> {
                if (a != null) {
                    throw new IllegalArgumentException("AE 0 carries no address, not " + a);
                }
            }
            case IPV4, IPV6 -> {
                if (a == null || a.family() != ae.family()) {
                    throw new IllegalArgumentException("AE " + ae.code() + " needs an address of its family, not " + a);
                }
                o.bytes(a.toBytes());
            }
            case IPV6_LINK_LOCAL -> {
                if (a == null || !isLinkLocal64(a)) {
                    throw new IllegalArgumentException("AE 3 needs an fe80::/64 address, not " + a);
                }
                o.bytes(Arrays.copyOfRange(a.toBytes(), 8, 16));
            }
            case IPV4_VIA_IPV6 -> throw new IllegalArgumentException("AE 4 is only for prefixes");
        }
    }

    private static void prefixBytes(Out o, Prefix p, int omitted) {
        IpAddress a = p.address();
        for (int k = omitted, end = (p.length() + 7) / 8; k < end; k++) {
            o.u8(byteAt(a, k));
        }
    }

    /** Byte {@code k} of an address as {@link IpAddress#toBytes()} has it (4 bytes for IPv4, 16 for IPv6). */
    private static int byteAt(IpAddress a, int k) {
        if (a.family() == Family.V4) {
            return (a.v4Bits() >>> (24 - 8 * k)) & 0xFF;
        }
        long word = k < 8 ? a.hi() : a.lo();
        return (int) (word >>> (56 - 8 * (k & 7))) & 0xFF;
    }

    private static void sourcePrefix(Out o, Prefix source) {
        if (source == null || source.isZeroLength()) {
            return;
        }
        o.u8(SubTlv.SOURCE_PREFIX);
        o.u8(1 + (source.length() + 7) / 8);
        o.u8(source.length());
        prefixBytes(o, source, 0);
    }

    private static void subTlvs(Out o, List<SubTlv> subs) {
        if (subs.isEmpty()) {
            return;
        }
        for (SubTlv s : subs) {
            switch (s) {
                case SubTlv.Pad1 p -> o.u8(SubTlv.PAD1);
                case SubTlv.PadN p -> {
                    o.u8(SubTlv.PADN);
                    o.u8(p.length(), "PadN length");
                    o.zeros(p.length());
                }
                case SubTlv.HelloTimestamp t -> {
                    o.u8(SubTlv.TIMESTAMP);
                    o.u8(4);
                    o.u32(t.transmit());
                }
                case SubTlv.IhuTimestamp t -> {
                    o.u8(SubTlv.TIMESTAMP);
                    o.u8(8);
                    o.u32(t.origin());
                    o.u32(t.receive());
                }
                case SubTlv.Unknown x -> {
                    o.u8(x.type(), "sub-TLV type");
                    o.u8(x.body().length(), "sub-TLV length");
                    o.bytes(x.body().toArray());
                }
            }
        }
    }

    /** Writes a TLV header and the body {@code fill} produces, checking that the body fits the length byte. */
    private static void tlv(Out out, int type, java.util.function.Consumer<Out> fill) {
        int start = open(out, type);
        fill.accept(out);
        close(out, type, start);
    }

    /** Writes a TLV's type and a place for its length; returns where its body starts. */
    private static int open(Out out, int type) {
        out.u8(type, "TLV type");
        out.u8(0);
        return out.size();
    }

    /** Fills in the length of the TLV whose body started at {@code start}, checking that it fits the length byte. */
    private static void close(Out out, int type, int start) {
        int length = out.size() - start;
        if (length > 255) {
            throw new IllegalArgumentException("TLV type " + type + " body of " + length + " bytes (255 max)");
        }
        out.set(start - 1, length);
    }

    /** A growable big-endian byte buffer. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out() {
            this(64);
        }

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void clear() {
            size = 0;
        }

        void truncate(int newSize) {
            size = newSize;
        }

        /** Overwrites byte {@code at}, already written. */
        void set(int at, int v) {
            buf[at] = (byte) v;
        }

        int size() {
            return size;
        }

        void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void u8(int v, String what) {
            if (v < 0 || v > 0xFF) {
                throw new IllegalArgumentException(what + " " + v + " out of range");
            }
            u8(v);
        }

        void u16(int v, String what) {
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException(what + " " + v + " out of range");
            }
            u8(v >>> 8);
            u8(v & 0xFF);
        }

        void u32(long v) {
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("32-bit field " + v + " out of range");
            }
            u16((int) (v >>> 16), "high half");
            u16((int) (v & 0xFFFF), "low half");
        }

        void routerId(RouterId id) {
            ensure(8);
            id.writeTo(buf, size);
            size += 8;
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void zeros(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative padding " + n);
            }
            ensure(n);
            Arrays.fill(buf, size, size + n, (byte) 0);
            size += n;
        }

        void append(Out other) {
            ensure(other.size);
            System.arraycopy(other.buf, 0, buf, size, other.size);
            size += other.size;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }
    }
}
