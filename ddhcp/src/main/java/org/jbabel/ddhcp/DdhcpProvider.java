package org.jbabel.ddhcp;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.ddhcp.block.BlockSettings;
import org.jbabel.ddhcp.block.NodeId;
import org.jbabel.ddhcp.block.Swarm;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The {@code ddhcp} statements (docs/CONFIGURATION.md "ddhcp"):
 * <pre>
 * ddhcp client-interface IF range PREFIX [block-size N] [exit-range PREFIX] [dns ADDR ...] [router ADDR] [lease-time S]
 * ddhcp range PREFIX [block-size N] [exit-range PREFIX]          (no DHCP side, like ddhcpd -S)
 * ddhcp exit                                                     (claim an address for this node)
 * ddhcp server-interface IF [source ADDR]
 * ddhcp node-id HEX16 | block-timeout S | tentative-timeout S | needless-timeout S | spare-leases N
 * ddhcp learning true|false | lease-address-order reversed|network
 * ddhcp state-file PATH                                          (own blocks and leases across restarts)
 * </pre>
 */
public final class DdhcpProvider implements ExtensionProvider {

    /** {@code ddhcp client-interface ...} or {@code ddhcp range ...}. */
    public record Range(String clientInterface, Prefix range, int blockSize, Prefix exitRange, List<IpAddress> dns,
            IpAddress router, Duration leaseTime) {}

    public record Exit() {}

    public record ServerInterface(String name, IpAddress source) {}

    /** One of the single-value settings: {@code name} and its parsed value. */
    public record Setting(String name, Object value) {}

    private final Supplier<RandomGenerator> random;
    private final DhcpSide.Factory dhcp;

    /** Without a DHCP side (the block protocol only). */
    public DdhcpProvider() {
        this(SecureRandom::new, null);
    }

    /**
     * With randomness from {@code random} (the simulator's seeded one) and the DHCP server {@code dhcp} plugged in on
     * nodes with a client interface (null: none).
     */
    public DdhcpProvider(Supplier<RandomGenerator> random, DhcpSide.Factory dhcp) {
        this.random = random;
        this.dhcp = dhcp;
    }

    @Override
    public String name() {
        return "ddhcp";
    }

    @Override
    public Object parse(StatementWords w) throws ConfigException {
        String keyword = w.word("ddhcp keyword");
        Object statement = switch (keyword) {
            case "client-interface" -> range(w, w.interfaceName("client interface"));
            case "range" -> range(w, null);
            case "exit" -> new Exit();
            case "server-interface" -> {
                String name = w.interfaceName("server interface");
                IpAddress source = null;
                if (w.hasNext()) {
                    String k = w.word("server-interface keyword");
                    if (!k.equals("source")) {
                        throw w.error("unknown server-interface keyword '" + k + "' (expected source)");
                    }
                    source = w.address("source address");
                    if (source.family() != Family.V6 || source.isLinkLocal() || source.isMulticast()) {
                        throw w.error("the source must be a routable IPv6 address, not " + source);
                    }
                }
                yield new ServerInterface(name, source);
            }
            case "node-id" -> {
                String hex = w.word("node id");
                try {
                    yield new Setting(keyword, NodeId.parse(hex));
                } catch (IllegalArgumentException e) {
                    throw w.error("'" + hex + "' is not a node id (16 hex digits)");
                }
            }
            case "block-timeout" -> new Setting(keyword, w.seconds("block timeout", 65_535_000));
            case "tentative-timeout" -> new Setting(keyword, w.seconds("tentative timeout", 65_535_000));
            case "needless-timeout" -> new Setting(keyword, w.seconds("needless timeout", 86_400_000L * 365));
            case "spare-leases" -> new Setting(keyword, w.integer("spare leases", 0, 255));
            case "state-file" -> {
                String path = w.word("state file path");
                try {
                    yield new Setting(keyword, Path.of(path));
                } catch (InvalidPathException e) {
                    throw w.error("'" + path + "' is not a path");
                }
            }
            case "learning" -> new Setting(keyword, bool(w));
            case "lease-address-order" -> {
                String order = w.word("address order");
                yield new Setting(keyword, switch (order) {
                    case "reversed" -> AddressOrder.REVERSED;
                    case "network" -> AddressOrder.NETWORK;
                    default -> throw w.error("address order is reversed or network, not '" + order + "'");
                });
            }
            default -> throw w.error("unknown ddhcp keyword '" + keyword + "' (expected client-interface, range, exit,"
                    + " server-interface, node-id, block-timeout, tentative-timeout, needless-timeout, spare-leases,"
                    + " learning, lease-address-order or state-file)");
        };
        w.end();
        check(w, statement);
        return statement;
    }

    private static void check(StatementWords w, Object statement) throws ConfigException {
        if (statement instanceof Setting(String name, Duration d)) {
            if (name.equals("tentative-timeout") && d.toSeconds() < 2) {
                throw w.error("tentative-timeout must be at least 2 s");
            }
            if (name.equals("block-timeout") && d.toSeconds() < 1) {
                throw w.error("block-timeout must be at least 1 s");
            }
        }
    }

    private static boolean bool(StatementWords w) throws ConfigException {
        String v = w.word("true or false");
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw w.error("expected true or false, not '" + v + "'");
        };
    }

    private static Range range(StatementWords w, String clientInterface) throws ConfigException {
        Prefix range = null;
        int blockSize = DdhcpSettings.BLOCK_SIZE;
        Prefix exitRange = null;
        List<IpAddress> dns = new ArrayList<>();
        IpAddress router = null;
        Duration leaseTime = DdhcpSettings.LEASE_TIME;
        if (clientInterface != null) {
            String k = w.word("range");
            if (!k.equals("range")) {
                throw w.error("expected range after the client interface, not '" + k + "'");
            }
        }
        range = v4Range(w, "range");
        boolean inDns = false;
        while (w.hasNext()) {
            String k = w.word("keyword");
            if (inDns) {
                IpAddress more = parseV4(k);
                if (more != null) {
                    dns.add(more);
                    continue;
                }
                inDns = false;
            }
            switch (k) {
                case "block-size" -> blockSize = w.integer("block size", 1, 128);
                case "exit-range" -> exitRange = v4Range(w, "exit range");
                case "dns" -> {
                    dns.add(v4(w, "DNS server"));
                    inDns = true;
                }
                case "router" -> router = v4(w, "router");
                case "lease-time" -> leaseTime = w.seconds("lease time", 0xffff_ffffL * 1000);
                default -> throw w.error("unknown keyword '" + k + "' (expected block-size, exit-range, dns, router"
                        + " or lease-time)");
            }
            if (clientInterface == null && (k.equals("dns") || k.equals("router") || k.equals("lease-time"))) {
                throw w.error(k + " needs a client interface ('ddhcp client-interface IF range ...')");
            }
        }
        if (Integer.bitCount(blockSize) != 1) {
            throw w.error("block-size must be a power of two 1..128, not " + blockSize);
        }
        try {
            Swarm.of(range, blockSize);
        } catch (IllegalArgumentException e) {
            throw w.error(e.getMessage());
        }
        if (exitRange != null && (exitRange.contains(range) || range.contains(exitRange))) {
            throw w.error("the exit range " + exitRange + " overlaps the range " + range);
        }
        return new Range(clientInterface, range, blockSize, exitRange, dns, router, leaseTime);
    }

    /** {@code word} as an IPv4 address, or null when it is not one. */
    private static IpAddress parseV4(String word) {
        try {
            IpAddress a = IpAddress.parse(word);
            return a.family() == Family.V4 ? a : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Prefix v4Range(StatementWords w, String what) throws ConfigException {
        Prefix p = w.prefix(what);
        if (p.family() != Family.V4) {
            throw w.error("the " + what + " is an IPv4 prefix, not " + p);
        }
        if (p.length() < 8 || p.length() > 32) {
            throw w.error("the " + what + "'s length must be 8..32, not " + p.length());
        }
        return p;
    }

    private static IpAddress v4(StatementWords w, String what) throws ConfigException {
        IpAddress a = w.address(what);
        if (a.family() != Family.V4) {
            throw w.error("the " + what + " is an IPv4 address, not " + a);
        }
        return a;
    }

    @Override
    public Extension create(List<Object> statements) {
        return new Ddhcp(settings(statements), random.get(), dhcp);
    }

    /** The settings of the statements in file order; a later statement of a kind replaces an earlier one. */
    static DdhcpSettings settings(List<?> statements) {
        Range range = null;
        boolean exit = false;
        ServerInterface server = null;
        NodeId node = null;
        Duration blockTimeout = BlockSettings.BLOCK_TIMEOUT;
        Duration tentative = BlockSettings.TENTATIVE_TIMEOUT;
        Duration needless = BlockSettings.NEEDLESS_TIMEOUT;
        Integer spare = null;
        boolean learning = true;
        AddressOrder order = AddressOrder.REVERSED;
        Path stateFile = null;
        for (Object s : statements) {
            switch (s) {
                case Range r -> range = r;
                case Exit e -> exit = true;
                case ServerInterface i -> server = i;
                case Setting(String name, Object value) -> {
                    switch (name) {
                        case "node-id" -> node = (NodeId) value;
                        case "block-timeout" -> blockTimeout = (Duration) value;
                        case "tentative-timeout" -> tentative = (Duration) value;
                        case "needless-timeout" -> needless = (Duration) value;
                        case "spare-leases" -> spare = (Integer) value;
                        case "learning" -> learning = (Boolean) value;
                        case "lease-address-order" -> order = (AddressOrder) value;
                        case "state-file" -> stateFile = (Path) value;
                        default -> throw new IllegalArgumentException("not a ddhcp setting: " + name);
                    }
                }
                default -> throw new IllegalArgumentException("not a ddhcp statement: " + s);
            }
        }
        if (range == null) {
            throw new IllegalArgumentException("ddhcp needs a range: 'ddhcp client-interface IF range PREFIX' or"
                    + " 'ddhcp range PREFIX'");
        }
        if (exit && range.exitRange() == null && range.clientInterface() != null) {
            throw new IllegalArgumentException("'ddhcp exit' on a node with a client interface needs an exit-range"
                    + " (the DHCP side would hand out the exit's own address)");
        }
        if (stateFile != null && range.clientInterface() == null) {
            throw new IllegalArgumentException("'ddhcp state-file' needs a client interface (it keeps the DHCP"
                    + " side's leases)");
        }
        if (spare == null) {
            // like ddhcpd's -S: a node without a DHCP side takes no blocks unless told to
            spare = range.clientInterface() != null ? BlockSettings.SPARE_LEASES : 0;
        }
        return new DdhcpSettings(range.clientInterface(), range.range(), range.blockSize(), range.exitRange(),
                range.dns(), range.router(), range.leaseTime(), exit, server == null ? null : server.name(),
                server == null ? null : server.source(), node, blockTimeout, tentative, needless, spare, learning,
                order, stateFile);
    }
}
