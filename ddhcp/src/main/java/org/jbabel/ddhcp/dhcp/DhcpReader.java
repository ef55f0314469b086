package org.jbabel.ddhcp.dhcp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads DHCPv4 messages. Never throws for bad input: a datagram is either a {@link Result.Parsed} message or a
 * {@link Result.Malformed} naming one {@link Problem}, which the caller counts.
 *
 * <p>Rules: at least the 236-byte header and the magic cookie 99.130.83.99; {@code op} 1 or 2; {@code hlen} at most
 * 16; options walked until END (PAD skipped; a missing END at the end of the datagram is tolerated, as most servers
 * do), every option whole; an overload (52) of 1, 2 or 3 makes the {@code file} and then the {@code sname} field
 * hold options too (RFC 2132 §9.3), read by the same rules; parts of one code are joined in order (RFC 3396);
 * option 53 present with one byte 1..8.
 */
public final class DhcpReader {

    /** The fixed header before the magic cookie. */
    public static final int HEADER = 236;
    /** The magic cookie 99.130.83.99. */
    public static final int MAGIC_COOKIE = 0x63825363;

    private static final int SNAME = 44;
    private static final int FILE = 108;

    /** Why a datagram was dropped; {@link #counter} is the counter it goes to. */
    public enum Problem {
        SHORT("short"),
        BAD_OP("bad_op"),
        BAD_HARDWARE_LENGTH("bad_hlen"),
        NO_MAGIC_COOKIE("no_magic_cookie"),
        TRUNCATED_OPTION("truncated_option"),
        BAD_OVERLOAD("bad_overload"),
        NO_MESSAGE_TYPE("no_message_type"),
        BAD_MESSAGE_TYPE("bad_message_type");

        private final String counter;

        Problem(String counter) {
            this.counter = counter;
        }

        /** The counter's name, {@code dhcp.malformed.NAME}. */
        public String counter() {
            return "dhcp.malformed." + counter;
        }
    }

    /** The outcome of reading one datagram. */
    public sealed interface Result {
        record Parsed(DhcpMessage message) implements Result {}

        record Malformed(Problem problem, String detail) implements Result {}
    }

    private DhcpReader() {}

    public static Result read(byte[] data) {
        return read(data, 0, data.length);
    }

    public static Result read(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " of " + data.length);
        }
        if (length < HEADER + 4) {
            return new Result.Malformed(Problem.SHORT, length + " bytes, at least " + (HEADER + 4) + " needed");
        }
        byte[] d = Arrays.copyOfRange(data, offset, offset + length);
        int op = d[0] & 0xff;
        if (op != DhcpMessage.BOOTREQUEST && op != DhcpMessage.BOOTREPLY) {
            return new Result.Malformed(Problem.BAD_OP, "op " + op);
        }
        int hlen = d[2] & 0xff;
        if (hlen > 16) {
            return new Result.Malformed(Problem.BAD_HARDWARE_LENGTH, "hlen " + hlen);
        }
        if (DhcpOptions.address(d, HEADER) != MAGIC_COOKIE) {
            return new Result.Malformed(Problem.NO_MAGIC_COOKIE,
                    "cookie " + Integer.toHexString(DhcpOptions.address(d, HEADER)));
        }
        Map<Integer, ByteArrayOutputStream> parts = new LinkedHashMap<>();
        String problem = walk(d, HEADER + 4, d.length, parts);
        if (problem != null) {
            return new Result.Malformed(Problem.TRUNCATED_OPTION, problem);
        }
        ByteArrayOutputStream overload = parts.remove(DhcpOptions.OVERLOAD);
        if (overload != null) {
            byte[] o = overload.toByteArray();
            if (o.length != 1 || o[0] < 1 || o[0] > 3) {
                return new Result.Malformed(Problem.BAD_OVERLOAD, "overload value " + Arrays.toString(o));
            }
            Map<Integer, ByteArrayOutputStream> more = new LinkedHashMap<>();
            if ((o[0] & 1) != 0 && (problem = walk(d, FILE, HEADER, more)) != null) {
                return new Result.Malformed(Problem.TRUNCATED_OPTION, "in file: " + problem);
            }
            if ((o[0] & 2) != 0 && (problem = walk(d, SNAME, FILE, more)) != null) {
                return new Result.Malformed(Problem.TRUNCATED_OPTION, "in sname: " + problem);
            }
            more.remove(DhcpOptions.OVERLOAD);
            more.forEach((code, bytes) -> parts.computeIfAbsent(code, c -> new ByteArrayOutputStream())
                    .writeBytes(bytes.toByteArray()));
        }
        ByteArrayOutputStream type = parts.get(DhcpOptions.MESSAGE_TYPE);
        if (type == null) {
            return new Result.Malformed(Problem.NO_MESSAGE_TYPE, "no option 53");
        }
        byte[] t = type.toByteArray();
        if (t.length != 1 || MessageType.of(t[0] & 0xff) == null) {
            return new Result.Malformed(Problem.BAD_MESSAGE_TYPE, "option 53 " + Arrays.toString(t));
        }
        List<DhcpOption> options = new ArrayList<>(parts.size());
        parts.forEach((code, bytes) -> options.add(new DhcpOption(code, bytes.toByteArray())));
        return new Result.Parsed(new DhcpMessage(op, d[1] & 0xff, hlen, d[3] & 0xff, DhcpOptions.address(d, 4),
                u16(d, 8), u16(d, 10), DhcpOptions.address(d, 12), DhcpOptions.address(d, 16),
                DhcpOptions.address(d, 20), DhcpOptions.address(d, 24), Arrays.copyOfRange(d, 28, 44), options));
    }

    /** Collects the options in {@code d[from, to)}; the problem's text, or null when they were well-formed. */
    private static String walk(byte[] d, int from, int to, Map<Integer, ByteArrayOutputStream> parts) {
        int i = from;
        while (i < to) {
            int code = d[i] & 0xff;
            if (code == DhcpOptions.END) {
                return null;
            }
            if (code == DhcpOptions.PAD) {
                i++;
                continue;
            }
            if (i + 1 >= to) {
                return "option " + code + " at " + i + " has no length";
            }
            int len = d[i + 1] & 0xff;
            if (i + 2 + len > to) {
                return "option " + code + " at " + i + " needs " + len + " bytes, " + (to - i - 2) + " left";
            }
            parts.computeIfAbsent(code, c -> new ByteArrayOutputStream()).write(d, i + 2, len);
            i += 2 + len;
        }
        return null;
    }

    private static int u16(byte[] d, int i) {
        return ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
    }
}
