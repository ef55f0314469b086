package org.jbabel.ddhcp.dhcp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Option codes (RFC 2132, RFC 3442) and the encodings of the options the server sends. */
public final class DhcpOptions {

    public static final int PAD = 0;
    public static final int SUBNET_MASK = 1;
    public static final int TIME_OFFSET = 2;
    public static final int ROUTER = 3;
    public static final int DNS = 6;
    public static final int HOST_NAME = 12;
    public static final int DOMAIN_NAME = 15;
    public static final int INTERFACE_MTU = 26;
    public static final int BROADCAST_ADDRESS = 28;
    public static final int REQUESTED_ADDRESS = 50;
    public static final int LEASE_TIME = 51;
    public static final int OVERLOAD = 52;
    public static final int MESSAGE_TYPE = 53;
    public static final int SERVER_IDENTIFIER = 54;
    public static final int PARAMETER_REQUEST_LIST = 55;
    public static final int MESSAGE = 56;
    public static final int MAX_MESSAGE_SIZE = 57;
    public static final int RENEWAL_TIME = 58;
    public static final int REBINDING_TIME = 59;
    public static final int CLIENT_IDENTIFIER = 61;
    public static final int CLASSLESS_STATIC_ROUTES = 121;
    public static final int END = 255;

    /** A route of option 121 (RFC 3442): destination prefix and the router to reach it (0.0.0.0: on-link). */
    public record ClasslessRoute(int destination, int length, int router) {
        public ClasslessRoute {
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("prefix length must be 0..32, not " + length);
            }
            destination &= mask(length);
        }
    }

    private DhcpOptions() {}

    /** The netmask of a prefix length (24 → 255.255.255.0). */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The 4 bytes of an address at {@code offset} as an int. */
    public static int address(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
                | (b[offset + 3] & 0xff);
    }

    /** Dotted-quad text of an address. */
    public static String format(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** An option carrying one 32-bit number or address. */
    public static DhcpOption int32(int code, int value) {
        return new DhcpOption(code, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                (byte) value});
    }

    /** An option carrying a list of addresses (router, DNS). */
    public static DhcpOption addresses(int code, List<Integer> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("option " + code + " needs at least one address");
        }
        byte[] v = new byte[4 * addresses.size()];
        for (int i = 0; i < addresses.size(); i++) {
            int a = addresses.get(i);
            v[4 * i] = (byte) (a >>> 24);
            v[4 * i + 1] = (byte) (a >>> 16);
            v[4 * i + 2] = (byte) (a >>> 8);
            v[4 * i + 3] = (byte) a;
        }
        return new DhcpOption(code, v);
    }

    /** Option 26, the interface MTU (68 at least, RFC 2132 §5.1). */
    public static DhcpOption mtu(int mtu) {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, not " + mtu);
        }
        return new DhcpOption(INTERFACE_MTU, new byte[] {(byte) (mtu >>> 8), (byte) mtu});
    }

    /** Option 15, the domain name, as ASCII. */
    public static DhcpOption domain(String name) {
        if (name.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("not an ASCII domain name: '" + name + "'");
        }
        return new DhcpOption(DOMAIN_NAME, name.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Option 121 (RFC 3442): per route the prefix length, the significant octets of the destination, the router.
     * A client that gets it ignores option 3 (RFC 3442 §3), so a default route belongs in the list too.
     */
    public static DhcpOption classlessRoutes(List<ClasslessRoute> routes) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("option 121 needs at least one route");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ClasslessRoute r : routes) {
            out.write(r.length());
            for (int i = 0; i < (r.length() + 7) / 8; i++) {
                out.write(r.destination() >>> (24 - 8 * i));
            }
            for (int i = 0; i < 4; i++) {
                out.write(r.router() >>> (24 - 8 * i));
            }
        }
        return new DhcpOption(CLASSLESS_STATIC_ROUTES, out.toByteArray());
    }
}
