package org.jbabel.xlat.nat64;

import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The {@code nat64} statements (docs/CONFIGURATION.md "nat64"), one at a time, for the extension's provider to call:
 * <pre>
 * nat64 exit uplink IF [address A4]
 * nat64 metaprefix PREFIX          (an IPv6 /64 or /56; on an exit without nat426)
 * nat64 sessions-max N             (default 65,536)
 * nat64 ports LOW-HIGH             (default 1024-65535)
 * nat64 device veth|tun            (default veth: docs/XLAT.md "Throughput")
 * </pre>
 * {@link Nat64Settings#from} makes the settings of the values returned.
 */
public final class Nat64Statements {

    /** {@code nat64 exit uplink IF [address A4]}; {@code address} null: the exit address DDHCP claims. */
    public record Exit(String uplink, IpAddress address) {}

    public record Metaprefix(Prefix prefix) {}

    public record SessionsMax(int sessions) {}

    public record Ports(int low, int high) {}

    /** {@code nat64 device veth|tun}. */
    public record Device(boolean tun) {}

    private Nat64Statements() {}

    /** One statement's words after {@code nat64}; a problem names the file, line and word. */
    public static Object parse(StatementWords w) throws ConfigException {
        String keyword = w.word("nat64 keyword");
        Object statement = switch (keyword) {
            case "exit" -> exit(w);
            case "metaprefix" -> {
                Prefix p = w.prefix("metaprefix");
                if (p.family() != Family.V6 || (p.length() != 64 && p.length() != 56)) {
                    throw w.error("the metaprefix must be an IPv6 /64 or /56 (docs/XLAT.md decision 2), not " + p);
                }
                yield new Metaprefix(p);
            }
            case "sessions-max" -> new SessionsMax(w.integer("sessions-max", 1, Nat64Sessions.SESSIONS_LIMIT));
            case "ports" -> ports(w);
            case "device" -> {
                String kind = w.word("device kind");
                if (!kind.equals("veth") && !kind.equals("tun")) {
                    throw w.error("the nat64 device is veth or tun, not '" + kind + "'");
                }
                yield new Device(kind.equals("tun"));
            }
            default -> throw w.error("unknown nat64 keyword '" + keyword + "' (expected exit, metaprefix, sessions-max,"
                    + " ports or device)");
        };
        w.end();
        return statement;
    }

    private static Exit exit(StatementWords w) throws ConfigException {
        String k = w.word("uplink");
        if (!k.equals("uplink")) {
            throw w.error("expected uplink after exit, not '" + k + "'");
        }
        String uplink = w.interfaceName("uplink interface");
        IpAddress address = null;
        if (w.hasNext()) {
            String a = w.word("exit keyword");
            if (!a.equals("address")) {
                throw w.error("unknown exit keyword '" + a + "' (expected address)");
            }
            address = w.address("outside address");
            if (address.family() != Family.V4 || address.isMulticast() || !address.canBeNextHop()
                    || (address.v4Bits() >>> 24) == 127 || address.v4Bits() == -1) {
                throw w.error("the outside address must be an IPv4 unicast address, not " + address);
            }
        }
        return new Exit(uplink, address);
    }

    private static Ports ports(StatementWords w) throws ConfigException {
        String range = w.word("port range");
        int dash = range.indexOf('-');
        int low = dash > 0 ? port(range.substring(0, dash)) : -1;
        int high = dash > 0 ? port(range.substring(dash + 1)) : -1;
        if (low < 1 || high < low) {
            throw w.error("a port range is LOW-HIGH with 1 <= LOW <= HIGH <= 65535, not '" + range + "'");
        }
        return new Ports(low, high);
    }

    /** A decimal port 1..65535, or -1. */
    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v >= 1 && v <= 65535 ? v : -1;
    }
}
