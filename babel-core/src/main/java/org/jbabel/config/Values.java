package org.jbabel.config;

import java.util.HexFormat;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/**
 * babeld's value syntaxes. Each parser returns null (or -1 for numbers) when the text is not of its kind, so
 * that the caller can say which word is wrong.
 */
final class Values {

    private Values() {}

    /**
     * An integer as C's {@code strtol(text, &end, 0)} reads it when the whole word must be consumed: optional sign,
     * {@code 0x} hexadecimal, leading {@code 0} octal, otherwise decimal. Null when malformed or beyond 32 bits.
     */
    static Long integer(String text) {
        int i = 0;
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (text.startsWith("0x", i) || text.startsWith("0X", i)) {
            radix = 16;
            i += 2;
        } else if (text.startsWith("0", i) && text.length() > i + 1) {
            radix = 8;
            i += 1;
        }
        if (i >= text.length() || text.length() - i > 12) {
            return null;
        }
        long v = 0;
        for (; i < text.length(); i++) {
            int d = Character.digit(text.charAt(i), radix);
            if (d < 0) {
                return null;
            }
            v = v * radix + d;
        }
        v = negative ? -v : v;
        return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? null : v;
    }

    /**
     * A non-negative integer as babeld's {@code parse_nat} reads a command-line argument: a C integer with optional
     * blanks around it. -1 when malformed or negative.
     */
    static long natural(String text) {
        Long v = integer(text.strip());
        return v == null || v < 0 ? -1 : v;
    }

    /**
     * A fixed-point decimal as babeld's {@code parse_thousands} reads it: digits, optionally a point and more
     * digits, of which only the first three count ({@code 0.5} = 500, {@code 4} = 4000). No sign. -1 when
     * malformed.
     */
    static long thousands(String text) {
        int i = 0;
        long whole = 0;
        int digits = 0;
        while (i < text.length() && isDigit(text.charAt(i))) {
            if (++digits > 9) {
                return -1;
            }
            whole = whole * 10 + (text.charAt(i) - '0');
            i++;
        }
        long fraction = 0;
        if (i < text.length() && text.charAt(i) == '.') {
            i++;
            int places = 0;
            while (i < text.length() && isDigit(text.charAt(i))) {
                if (places < 3) {
                    fraction = fraction * 10 + (text.charAt(i) - '0');
                }
                places++;
                i++;
            }
            for (int p = Math.min(places, 3); p < 3; p++) {
                fraction *= 10;
            }
        }
        return i == text.length() ? whole * 1000 + fraction : -1;
    }

    /** babeld's booleans: true/yes, false/no, default/auto (the latter as null, "not set"). */
    static Tristate bool(String text) {
        return switch (text) {
            case "true", "yes" -> Tristate.TRUE;
            case "false", "no" -> Tristate.FALSE;
            case "default", "auto" -> Tristate.DEFAULT;
            default -> null;
        };
    }

    /** A numeric IPv4 or IPv6 address in the strict form of {@code inet_pton} ({@link IpAddress#parse}); else null. */
    static IpAddress address(String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A prefix as babeld's {@code parse_net} reads it: {@code default} (= ::/0), an address (a host prefix), or
     * {@code address/length} with the length read like a C integer. Host bits are cleared. Null when malformed.
     */
    static Prefix prefix(String text) {
        if (text.equals("default")) {
            return Prefix.V6_DEFAULT;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            IpAddress a = address(text);
            return a == null ? null : Prefix.host(a);
        }
        IpAddress a = address(text.substring(0, slash));
        Long len = integer(text.substring(slash + 1));
        if (a == null || len == null || len < 0 || len > a.family().bits()) {
            return null;
        }
        return new Prefix(a, len.intValue());
    }

    /**
     * A router-id: eight bytes of one or two hex digits separated by all {@code :} or all {@code -}, or a MAC-48
     * address ({@code :}-separated), which becomes an EUI-64 by inserting {@code ff:fe} in the middle, as babeld
     * does. Null when malformed.
     */
    static RouterId routerId(String text) {
        String sep = text.indexOf('-') >= 0 ? "-" : ":";
        String[] parts = text.split(sep, -1);
        if (parts.length != 8 && !(parts.length == 6 && sep.equals(":"))) {
            return null;
        }
        long v = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 2 || Character.digit(p.charAt(0), 16) < 0
                    || (p.length() == 2 && Character.digit(p.charAt(1), 16) < 0)) {
                return null;
            }
            if (parts.length == 6 && i == 3) {
                v = (v << 16) | 0xfffe;
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return new RouterId(v);
    }

    /** An even number of hex digits; null otherwise. */
    static Bytes hex(String text) {
        if (text.length() % 2 != 0) {
            return null;
        }
        try {
            return Bytes.of(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
