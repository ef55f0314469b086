package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jbabel.wire.IpAddress;

/**
 * The l3roamd intercom wire format (spec roaming.md §1.8.2-1.8.4), byte-compatible with the C l3roamd ("packet
 * format version 0"): a 24-byte header (version, ttl, type, reserved, nonce, sender) followed by TLVs whose length
 * byte counts the whole TLV. Addresses are carried as 16 bytes; IPv4 addresses in their mapped form
 * ({@link Ipv4Mapping}), which the engine applies, not this codec.
 *
 * <p>{@link #decode} never throws on outside input: it returns the packet or the {@link Reason} it was rejected for.
 * Unlike the C code (§1.12-C) every TLV is skipped by its length, a length below 2 or past the end rejects the
 * datagram, and so does a header shorter than 24 bytes.
 */
public final class Intercom {

    /** The intercom UDP port. */
    public static final int PORT = 5523;
    /** The link-local group SEEKs are flooded to. */
    public static final IpAddress GROUP = IpAddress.v6(0xff02_0000_0000_0000L, 0x5523L);
    /** The only version on the wire. */
    public static final int VERSION = 0;
    /** The header's length. */
    public static final int HEADER = 24;
    /** The most addresses one INFO BASIC TLV carries (the C l3roamd's {@code INFO_MAX}). */
    public static final int INFO_MAX = 15;
    /** The ttl of a SEEK when it is originated. */
    public static final int FLOOD_TTL = 255;

    static final int SEEK = 0;
    static final int CLAIM = 1;
    static final int INFO = 2;
    static final int ACK = 3;

    static final int TLV_ADDRESS = 0;
    static final int TLV_MAC = 0;
    static final int TLV_PLAT = 0;
    static final int TLV_BASIC = 1;

    static final int ADDRESS_LENGTH = 20;
    static final int MAC_LENGTH = 8;
    static final int PLAT_LENGTH = 20;
    static final int BASIC_MIN = 8;

    private Intercom() {}

    /**
     * The common header. {@code ttl} 0..255, {@code nonce} any 32 bits (opaque; retransmissions reuse it).
     *
     * @param sender the originating node's address; replies go there
     */
    public record Header(int ttl, int nonce, IpAddress sender) {
        public Header {
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("ttl must be 0..255, not " + ttl);
            }
        }

        /** The same header with another ttl (a forwarded SEEK). */
        public Header withTtl(int newTtl) {
            return new Header(newTtl, nonce, sender);
        }
    }

    /** A decoded intercom packet. */
    public sealed interface Packet permits Seek, Claim, Info, Ack {
        Header header();

        /** The type byte: 0 SEEK, 1 CLAIM, 2 INFO, 3 ACK. */
        int type();
    }

    /** "Who has these addresses?": flooded; every node probes its client interface for them. */
    public record Seek(Header header, List<IpAddress> addresses) implements Packet {
        public Seek {
            addresses = List.copyOf(addresses);
        }

        @Override
        public int type() {
            return SEEK;
        }
    }

    /** "I have the client with this MAC now": unicast to its node-client address. */
    public record Claim(Header header, MacAddress mac) implements Packet {
        @Override
        public int type() {
            return CLAIM;
        }
    }

    /**
     * "Here are the client's addresses": the answer to a CLAIM, unicast to the claimer.
     *
     * @param platLease the PLAT TLV's lease time (always 0 from the C l3roamd); -1 when there was no PLAT TLV
     * @param plat the PLAT TLV's prefix; {@link IpAddress#V6_UNSPECIFIED} when there was none
     */
    public record Info(Header header, int platLease, IpAddress plat, MacAddress mac, List<IpAddress> addresses)
            implements Packet {
        public Info {
            addresses = List.copyOf(addresses);
        }

        @Override
        public int type() {
            return INFO;
        }
    }

    /** "INFO received for this MAC": stops the INFO retransmissions. */
    public record Ack(Header header, MacAddress mac) implements Packet {
        @Override
        public int type() {
            return ACK;
        }
    }

    /** Why a datagram was rejected; {@link #counter()} is the counter the engine increments. */
    public enum Reason {
        /** Shorter than the 24-byte header. */
        SHORT_HEADER,
        /** A version other than 0. */
        VERSION,
        /** A type other than 0..3. */
        TYPE,
        /** A TLV whose length byte is below 2, or a single byte left where a TLV should start. */
        TLV_TOO_SHORT,
        /** A TLV running past the end of the datagram. */
        TLV_PAST_END,
        /** A known TLV type with the wrong length. */
        TLV_LENGTH,
        /** The TLV the packet type needs is missing (CLAIM/ACK without MAC, INFO without BASIC, SEEK without ADDRESS). */
        MISSING_TLV,
        /** Two MAC or BASIC TLVs naming different clients. */
        INCONSISTENT;

        /** {@code malformed_short_header}, ... */
        public String counter() {
            return "malformed_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What {@link #decode} found. */
    public sealed interface Decoded permits Decoded.Ok, Decoded.Rejected {
        /** A well-formed packet. */
        record Ok(Packet packet) implements Decoded {}

        /** A datagram to drop and count. */
        record Rejected(Reason reason) implements Decoded {}
    }

    /** Encodes a packet as the C l3roamd would (INFO: PLAT then one BASIC). */
    public static byte[] encode(Packet packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        Header h = packet.header();
        out.write(VERSION);
        out.write(h.ttl());
        out.write(packet.type());
        out.write(0);
        out.write(h.nonce() >>> 24);
        out.write(h.nonce() >>> 16);
        out.write(h.nonce() >>> 8);
        out.write(h.nonce());
        out.writeBytes(h.sender().toBytes16());
        switch (packet) {
            case Seek s -> {
                for (IpAddress a : s.addresses()) {
                    out.write(TLV_ADDRESS);
                    out.write(ADDRESS_LENGTH);
                    out.write(0);
                    out.write(0);
                    out.writeBytes(a.toBytes16());
                }
            }
            case Claim c -> mac(out, c.mac());
            case Ack a -> mac(out, a.mac());
            case Info i -> {
                if (i.addresses().size() > INFO_MAX) {
                    throw new IllegalArgumentException("an INFO carries at most " + INFO_MAX + " addresses, not "
                            + i.addresses().size());
                }
                out.write(TLV_PLAT);
                out.write(PLAT_LENGTH);
                int lease = Math.max(0, i.platLease());
                out.write(lease >>> 8);
                out.write(lease);
                out.writeBytes(i.plat().toBytes16());
                out.write(TLV_BASIC);
                out.write(BASIC_MIN + 16 * i.addresses().size());
                out.writeBytes(i.mac().toBytes());
                for (IpAddress a : i.addresses()) {
                    out.writeBytes(a.toBytes16());
                }
            }
        }
        return out.toByteArray();
    }

    private static void mac(ByteArrayOutputStream out, MacAddress mac) {
        out.write(TLV_MAC);
        out.write(MAC_LENGTH);
        out.writeBytes(mac.toBytes());
    }

    /** Decodes a datagram; never throws for any content of {@code data}. */
    public static Decoded decode(byte[] data) {
        if (data.length < HEADER) {
            return new Decoded.Rejected(Reason.SHORT_HEADER);
        }
        if (data[0] != VERSION) {
            return new Decoded.Rejected(Reason.VERSION);
        }
        int type = data[2] & 0xff;
        if (type > ACK) {
            return new Decoded.Rejected(Reason.TYPE);
        }
        int nonce = ((data[4] & 0xff) << 24) | ((data[5] & 0xff) << 16) | ((data[6] & 0xff) << 8) | (data[7] & 0xff);
        Header header = new Header(data[1] & 0xff, nonce, address(data, 8));
        List<IpAddress> addresses = new ArrayList<>();
        MacAddress mac = null;
        int platLease = -1;
        IpAddress plat = IpAddress.V6_UNSPECIFIED;
        int at = HEADER;
        while (at < data.length) {
            if (data.length - at < 2) {
                return new Decoded.Rejected(Reason.TLV_TOO_SHORT);
            }
            int t = data[at] & 0xff;
            int length = data[at + 1] & 0xff;
            if (length < 2) {
                return new Decoded.Rejected(Reason.TLV_TOO_SHORT);
            }
            if (length > data.length - at) {
                return new Decoded.Rejected(Reason.TLV_PAST_END);
            }
            int value = at + 2;
            switch (type) {
                case SEEK -> {
                    if (t == TLV_ADDRESS) {
                        if (length != ADDRESS_LENGTH) {
                            return new Decoded.Rejected(Reason.TLV_LENGTH);
                        }
                        addresses.add(address(data, value + 2));
                    }
                }
                case CLAIM, ACK -> {
                    if (t == TLV_MAC) {
                        if (length != MAC_LENGTH) {
                            return new Decoded.Rejected(Reason.TLV_LENGTH);
                        }
                        MacAddress m = MacAddress.of(data, value);
                        if (mac != null && !mac.equals(m)) {
                            return new Decoded.Rejected(Reason.INCONSISTENT);
                        }
                        mac = m;
                    }
                }
                default -> { // INFO
                    if (t == TLV_PLAT) {
                        if (length != PLAT_LENGTH) {
                            return new Decoded.Rejected(Reason.TLV_LENGTH);
                        }
                        platLease = ((data[value] & 0xff) << 8) | (data[value + 1] & 0xff);
                        plat = address(data, value + 2);
                    } else if (t == TLV_BASIC) {
                        if (length < BASIC_MIN || (length - BASIC_MIN) % 16 != 0) {
                            return new Decoded.Rejected(Reason.TLV_LENGTH);
                        }
                        MacAddress m = MacAddress.of(data, value);
                        if (mac != null && !mac.equals(m)) {
                            return new Decoded.Rejected(Reason.INCONSISTENT);
                        }
                        mac = m;
                        for (int a = value + 6; a < at + length; a += 16) {
                            addresses.add(address(data, a));
                        }
                    }
                }
            }
            at += length;
        }
        Packet packet = switch (type) {
            case SEEK -> addresses.isEmpty() ? null : new Seek(header, addresses);
            case CLAIM -> mac == null ? null : new Claim(header, mac);
            case ACK -> mac == null ? null : new Ack(header, mac);
            default -> mac == null ? null : new Info(header, platLease, plat, mac, addresses);
        };
        return packet == null ? new Decoded.Rejected(Reason.MISSING_TLV) : new Decoded.Ok(packet);
    }

    /** The 16 bytes at {@code offset} as an IPv6 address (IPv4-mapped ones too); the caller checks the bounds. */
    static IpAddress address(byte[] data, int offset) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (data[offset + i] & 0xff);
            lo = (lo << 8) | (data[offset + 8 + i] & 0xff);
        }
        return IpAddress.v6(hi, lo);
    }
}
