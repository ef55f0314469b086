package org.jbabel.cli.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jbabel.config.Getopt;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * l3roamd's command line ({@code freifunk-gluon/l3roamd}, docs/MIGRATING.md "l3roamd") and the {@code roaming}
 * statements it becomes.
 */
final class L3roamdArgs {

    /** l3roamd's getopt string; its second {@code d:} is shadowed by the first {@code d}, a flag. */
    static final String OPTSTRING = "dhva:b:e:p:i:m:t:c:4:n:s:VD:P:";
    static final Set<String> LONG_FLAGS = Set.of("help", "version", "no-netlink", "no-nl80211", "no-ndp");

    private final DaemonArgs args;

    private L3roamdArgs(DaemonArgs args) {
        this.args = args;
    }

    static L3roamdArgs parse(List<String> argv) throws MigrationException {
        return new L3roamdArgs(DaemonArgs.parse("l3roamd", argv, OPTSTRING, LONG_FLAGS));
    }

    /** Whether l3roamd learns clients at all: without {@code -i} and {@code -b} it runs as a gateway. */
    boolean roams() {
        return args.has('i') || args.has('b');
    }

    /** The intercom interfaces ({@code -m}): Babel's interfaces in jbabel. */
    List<String> meshInterfaces() {
        return args.all('m');
    }

    /** The prefixes whose host routes (/128, /32) babeld redistributed for l3roamd: {@code -p} and {@code -P}. */
    List<Prefix> hostRoutePrefixes() throws MigrationException {
        List<Prefix> out = new ArrayList<>();
        for (Getopt.Option o : args.options()) {
            if (o.letter() == 'p' || o.letter() == 'P') {
                out.add(args.prefix(o));
            }
        }
        return out;
    }

    /** Whether {@code -4} names l3roamd's default ::ffff:0:0/96 (which jbabel's parser reads as IPv4 0.0.0.0). */
    private static boolean isDefaultV4Mapping(String prefix) {
        int slash = prefix.indexOf('/');
        try {
            return slash > 0 && prefix.substring(slash + 1).strip().equals("96") && prefix.contains(":")
                    && IpAddress.parse(prefix.substring(0, slash)).equals(IpAddress.V4_UNSPECIFIED);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The letter of an option; {@code --help} and {@code --version} are {@code -h} and {@code -V}, the other long ones '-'. */
    private static char letter(Getopt.Option o) {
        if (o.name() == null) {
            return o.letter();
        }
        return switch (o.name()) {
            case "help" -> 'h';
            case "version" -> 'V';
            default -> '-';
        };
    }

    /** The {@code roaming} statements, one per option, and a comment and warning for every option without one. */
    void emit(Output out, Site site) throws MigrationException {
        out.comment("l3roamd: the roaming extension (docs/ROAMING.md)");
        if (!roams()) {
            for (Getopt.Option o : args.options()) {
                if (o.letter() != 'm') {
                    out.dropped(args.origin(o), "not needed: without -i or -b l3roamd learns no clients (a gateway);"
                            + " a jbabel node without clients runs no roaming extension");
                }
            }
            return;
        }
        boolean bridge = args.has('b');
        boolean clientInterfaceSeen = false;
        for (Getopt.Option o : args.options()) {
            String origin = args.origin(o);
            String a = o.argument();
            switch (letter(o)) {
                case 'a' -> out.statement("roaming node-address " + a, origin);
                case 'p' -> out.statement("roaming client-prefix " + a, origin);
                case 'P' -> out.statement("roaming node-client-prefix " + a, origin);
                case 'b' -> out.statement("roaming client-interface " + a, origin);
                case 'i' -> {
                    if (clientInterfaceSeen) {
                        out.dropped(origin, "ignored: only the first -i counts (in l3roamd too)");
                    } else if (bridge) {
                        out.statement("roaming next-node-interface " + a, origin);
                        out.warn(origin + ": jbabel creates " + a + " itself, a macvlan on the client bridge carrying"
                                + " the next-node address and MAC; the system must not create it (Gluon's"
                                + " local-node)");
                    } else {
                        out.statement("roaming client-interface " + a, origin);
                    }
                    clientInterfaceSeen = true;
                }
                case 'm' -> { } // the mesh interfaces are Babel's: Migration adds them as interface statements
                case 'D' -> out.statement("roaming device " + a, origin);
                case 't' -> {
                    if (a.strip().equals("254")) {
                        out.comment(origin + ": jbabel installs client host routes in the main table too");
                    } else {
                        out.dropped(origin, "not supported: jbabel installs client host routes in the main table"
                                + " (254), protocol 158; Babel announces them without redistribution");
                    }
                }
                case '4' -> {
                    if (isDefaultV4Mapping(a)) {
                        out.comment(origin + ": the default IPv4 mapping, jbabel's too");
                    } else {
                        out.dropped(origin, "not supported: jbabel maps IPv4 addresses into ::ffff:0:0/96 only (the"
                                + " intercom carries them so; every node must use the same)");
                    }
                }
                case 'e' -> out.dropped(origin, "not supported: the PLAT prefix l3roamd only carries in INFO packets;"
                        + " jbabel's NAT64 exits announce their own prefixes (nat64, docs/XLAT.md)");
                case 's' -> out.dropped(origin, "one control socket: l3roamd's get_clients, add_prefix, del_prefix,"
                        + " add_address are 'jbabel ctl roaming clients|add-prefix|del-prefix|add-address'");
                case 'n' -> out.dropped(origin, "ignored: l3roamd stores the CLAT interface and never uses it");
                case 'c' -> out.dropped(origin, "ignored: l3roamd does not read its configuration file either");
                case 'v', 'd' -> out.dropped(origin, "log level: jbabeld's -d / debug");
                case 'V', 'h' -> out.dropped(origin, "ignored: prints and exits");
                case '-' -> out.dropped(origin, "not supported: jbabel always learns clients from the bridge,"
                        + " nl80211, NDP and ARP, and its routes through netlink");
                default -> throw new IllegalStateException("option not in OPTSTRING: " + o.written());
            }
        }
        if (!args.has('P') && site.domainSeed() != null) {
            out.statement("roaming domain-seed " + site.domainSeed(), "site.conf domain_seed (--domain-seed)");
        }
        if (site.nextNode() != null) {
            out.statement("roaming next-node " + site.nextNode(), "site.conf next_node.ip6 (--next-node)");
        }
        if (site.nextNodeIpv4() != null) {
            out.statement("roaming next-node-ipv4 " + site.nextNodeIpv4(), "site.conf next_node.ip4 (--next-node-ipv4)");
        }
        if (site.nextNodeMac() != null) {
            out.statement("roaming next-node-mac " + site.nextNodeMac(), "site.conf next_node.mac (--next-node-mac)");
        }
    }
}
