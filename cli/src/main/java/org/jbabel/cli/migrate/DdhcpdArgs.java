package org.jbabel.cli.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.config.Getopt;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * ddhcpd's command line ({@code freifunk-gluon/ddhcpd}) and the {@code ddhcp} statements it becomes. Its DHCP
 * options ({@code -o CODE:LEN:B1.B2...}) become the range statement's {@code router}, {@code dns} and
 * {@code lease-time}; jbabel derives the netmask, broadcast address and server identifier itself.
 */
final class DdhcpdArgs {

    static final String OPTSTRING = "C:c:i:St:dvVDhLb:B:N:o:s:H:n:";
    private static final int ROUTER = 3;
    private static final int DNS = 6;
    private static final int LEASE_TIME = 51;
    private static final int SUBNET_MASK = 1;
    private static final int BROADCAST = 28;
    private static final int SERVER_ID = 54;

    /** One {@code -o}: the option's code and bytes, and the command-line option it came from. */
    private record DhcpOption(int code, byte[] bytes, Getopt.Option source) {}

    private final DaemonArgs args;

    private DdhcpdArgs(DaemonArgs args) {
        this.args = args;
    }

    static DdhcpdArgs parse(List<String> argv) throws MigrationException {
        return new DdhcpdArgs(DaemonArgs.parse("ddhcpd", argv, OPTSTRING, Set.of()));
    }

    void emit(Output out) throws MigrationException {
        out.comment("ddhcpd: the ddhcp extension (docs/DDHCP.md)");
        boolean serverOnly = args.has('S');
        String range = "10.0.0.0/24";
        String client = "client0";
        List<String> used = new ArrayList<>();
        String blockSize = null;
        Map<Integer, DhcpOption> dhcp = new LinkedHashMap<>();
        for (Getopt.Option o : args.options()) {
            switch (o.letter()) {
                case 'N' -> {
                    range = args.prefix(o).toString();
                    used.add(o.written());
                }
                case 'c' -> {
                    client = o.argument();
                    used.add(o.written());
                }
                case 'b' -> {
                    long pow = args.number(o);
                    if (pow > 7) {
                        throw new MigrationException(args.origin(o) + ": a block of 2^" + pow
                                + " addresses does not fit the block size byte (at most -b 7)");
                    }
                    blockSize = String.valueOf(1 << pow);
                    used.add(o.written());
                }
                case 'o' -> {
                    DhcpOption d = dhcpOption(o);
                    dhcp.put(d.code(), d); // a later -o of a code replaces the earlier, as in ddhcpd's store
                }
                case 'S' -> used.add(o.written());
                default -> { }
            }
        }
        StringBuilder main = new StringBuilder(serverOnly ? "ddhcp range " + range
                : "ddhcp client-interface " + client + " range " + range);
        if (blockSize != null) {
            main.append(" block-size ").append(blockSize);
        }
        if (!args.has('N')) {
            out.warn("ddhcpd without -N: its default range 10.0.0.0/24");
        }
        if (!serverOnly && !args.has('c')) {
            out.warn("ddhcpd without -c or -S: its default client interface client0");
        }
        if (!serverOnly) {
            dhcpOptions(out, dhcp, main, used);
        } else {
            for (DhcpOption d : dhcp.values()) {
                out.dropped(args.origin(d.source()), "ignored: with -S there is no DHCP side (ddhcpd ignores it too)");
            }
        }
        out.statement(main.toString(), "ddhcpd " + String.join(" ", used));
        for (Getopt.Option o : args.options()) {
            String origin = args.origin(o);
            String a = o.argument();
            switch (o.letter()) {
                case 'N', 'c', 'b', 'o', 'S' -> { } // above
                case 'i' -> out.statement("ddhcp server-interface " + a, origin);
                case 'B' -> out.statement("ddhcp block-timeout " + args.number(o), origin);
                case 't' -> out.statement("ddhcp tentative-timeout " + args.number(o), origin);
                case 'n' -> out.statement("ddhcp needless-timeout " + args.number(o), origin);
                case 's' -> out.statement("ddhcp spare-leases " + args.number(o), origin);
                case 'L' -> out.statement("ddhcp learning false", origin);
                case 'H' -> out.dropped(origin, "not supported: jbabel runs no hook; 'jbabel ctl ddhcp leases' lists"
                        + " the leases, and NAT426 takes them from the ddhcp extension directly");
                case 'C' -> out.dropped(origin, "one control socket: 'ddhcpdctl -b' is 'jbabel ctl ddhcp blocks'"
                        + " (--text gives ddhcpdctl's own text), leases are 'jbabel ctl ddhcp leases'");
                case 'd', 'D' -> out.dropped(origin, "jbabeld's -D / daemonise decides");
                case 'v' -> out.dropped(origin, "log level: jbabeld's -d / debug");
                case 'V', 'h' -> out.dropped(origin, "ignored: prints and exits");
                default -> throw new IllegalStateException("option not in OPTSTRING: " + o.written());
            }
        }
        if (!args.has('i')) {
            out.comment("ddhcpd without -i (its default server0): jbabel sends block messages on mmfd0 when mmfd runs,"
                    + " else on every Babel interface");
            out.warn("ddhcpd without -i: its default server interface server0 is not carried over; jbabel uses mmfd0"
                    + " when mmfd runs, else every Babel interface");
        }
    }

    /** Router, DNS servers and lease time onto the range statement; the rest a comment and a warning each. */
    private void dhcpOptions(Output out, Map<Integer, DhcpOption> dhcp, StringBuilder main, List<String> used)
            throws MigrationException {
        Prefix range = null;
        for (Getopt.Option o : args.options()) {
            if (o.letter() == 'N') {
                range = args.prefix(o);
            }
        }
        IpAddress router = null;
        for (DhcpOption d : dhcp.values()) {
            String origin = args.origin(d.source());
            byte[] b = d.bytes();
            switch (d.code()) {
                case ROUTER, DNS -> {
                    if (b.length == 0 || b.length % 4 != 0) {
                        throw new MigrationException(origin + ": option " + d.code() + " holds IPv4 addresses,"
                                + " 4 bytes each");
                    }
                    if (d.code() == ROUTER) {
                        router = IpAddress.of(java.util.Arrays.copyOf(b, 4));
                        main.append(" router ").append(router);
                        if (b.length > 4) {
                            out.warn(origin + ": jbabel sends one router; the others are dropped");
                        }
                    } else {
                        main.append(" dns");
                        for (int i = 0; i < b.length; i += 4) {
                            main.append(' ').append(IpAddress.of(java.util.Arrays.copyOfRange(b, i, i + 4)));
                        }
                    }
                    used.add(d.source().written());
                }
                case LEASE_TIME -> {
                    if (b.length != 4) {
                        throw new MigrationException(origin + ": the lease time is 4 bytes");
                    }
                    long s = ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                    main.append(" lease-time ").append(s);
                    used.add(d.source().written());
                }
                case SUBNET_MASK, BROADCAST -> out.dropped(origin, "not carried over: jbabel sends the netmask and"
                        + " broadcast address of the range" + (range == null ? "" : " " + range));
                case SERVER_ID -> out.dropped(origin, "not carried over: jbabel's server identifier is the router"
                        + " (option 3) when one is given, else the range's first address plus one");
                default -> out.dropped(origin, "not supported: jbabel's DHCP side sends options 1, 3, 6, 28, 51 and"
                        + " 54 only");
            }
        }
    }

    /** {@code CODE:LEN:B1.B2...}, numbers as {@code strtoul(.., 0)} reads them (ddhcpd's syntax). */
    private DhcpOption dhcpOption(Getopt.Option o) throws MigrationException {
        String origin = args.origin(o);
        String[] parts = o.argument().split(":", 3);
        if (parts.length != 3) {
            throw new MigrationException(origin + ": a DHCP option is CODE:LEN:B1.B2..., not '" + o.argument() + "'");
        }
        long code = DaemonArgs.number(parts[0], origin);
        long len = DaemonArgs.number(parts[1], origin);
        String[] bytes = parts[2].isEmpty() ? new String[0] : parts[2].split("\\.", -1);
        if (code > 254 || len > 255 || bytes.length != len) {
            throw new MigrationException(origin + ": option " + code + " says " + len + " bytes but gives "
                    + bytes.length);
        }
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            long v = DaemonArgs.number(bytes[i], origin);
            if (v > 255) {
                throw new MigrationException(origin + ": byte " + v + " is not 0..255");
            }
            b[i] = (byte) v;
        }
        return new DhcpOption((int) code, b, o);
    }
}
