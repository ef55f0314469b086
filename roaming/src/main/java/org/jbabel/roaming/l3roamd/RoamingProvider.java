package org.jbabel.roaming.l3roamd;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The {@code roaming} statements (docs/CONFIGURATION.md, "roaming"): layer-3 roaming of clients, l3roamd's job. One
 * statement is a list of options, for example {@code roaming client-interface br-client client-prefix
 * 2001:db8:1::/64 domain-seed 0123...}; several statements add up ({@link RoamingSettings#of}).
 */
public final class RoamingProvider implements ExtensionProvider {

    /** One {@code roaming} statement: its options in order. */
    public record Statement(List<Option> options) {
        public Statement {
            options = List.copyOf(options);
        }
    }

    /** An option of a {@code roaming} statement. */
    public sealed interface Option {}

    public record ClientInterface(String name) implements Option {}

    public record ClientPrefix(Prefix prefix) implements Option {}

    public record NodeClientPrefix(Prefix prefix) implements Option {}

    /** {@code domain-seed HEX}: Gluon's domain seed, 32 bytes as 64 hexadecimal digits, lower case. */
    public record DomainSeed(String hex) implements Option {}

    public record NodeAddress(IpAddress address) implements Option {}

    public record NextNode(IpAddress address) implements Option {}

    /** {@code next-node-ipv4 ADDR}: the anycast gateway's IPv4 address (Gluon's {@code next_node.ip4}). */
    public record NextNodeIpv4(IpAddress address) implements Option {}

    public record NextNodeMac(byte[] mac) implements Option {
        public NextNodeMac {
            mac = mac.clone();
        }

        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    public record NextNodeInterface(String name) implements Option {}

    public record Device(String name) implements Option {}

    @Override
    public String name() {
        return "roaming";
    }

    @Override
    public Object parse(StatementWords words) throws ConfigException {
        List<Option> options = new ArrayList<>();
        if (!words.hasNext()) {
            throw words.error("a roaming statement needs options (client-interface IF client-prefix PREFIX ...)");
        }
        while (words.hasNext()) {
            String keyword = words.word("roaming option");
            options.add(switch (keyword) {
                case "client-interface" -> new ClientInterface(words.interfaceName("client interface name"));
                case "client-prefix" -> new ClientPrefix(clientPrefix(words));
                case "node-client-prefix" -> new NodeClientPrefix(nodeClientPrefix(words));
                case "domain-seed" -> new DomainSeed(domainSeed(words));
                case "node-address" -> new NodeAddress(nodeAddress(words));
                case "next-node" -> new NextNode(nextNode(words));
                case "next-node-ipv4" -> new NextNodeIpv4(nextNodeIpv4(words));
                case "next-node-mac" -> new NextNodeMac(mac(words));
                case "next-node-interface" -> new NextNodeInterface(words.interfaceName("next-node interface name"));
                case "device" -> new Device(words.interfaceName("device name"));
                default -> throw words.error("unknown roaming option '" + keyword + "' (expected client-interface, "
                        + "client-prefix, node-client-prefix, domain-seed, node-address, next-node, next-node-ipv4, "
                        + "next-node-mac, next-node-interface or device)");
            });
        }
        return new Statement(options);
    }

    private static Prefix clientPrefix(StatementWords words) throws ConfigException {
        Prefix p = words.prefix("client prefix");
        if (p.isZeroLength() || p.address().isMulticast() || p.address().isLinkLocal()) {
            throw words.error("'" + p + "' cannot be a client prefix (a default route, multicast or link-local)");
        }
        return p;
    }

    private static Prefix nodeClientPrefix(StatementWords words) throws ConfigException {
        Prefix p = words.prefix("node-client prefix");
        if (p.family() != Family.V6 || p.length() != 64) {
            throw words.error("the node-client prefix must be an IPv6 /64 (the MAC fills the other 64 bits), not '"
                    + p + "'");
        }
        return p;
    }

    private static String domainSeed(StatementWords words) throws ConfigException {
        String hex = words.word("domain seed");
        if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw words.error("a domain seed is 64 hexadecimal digits (32 bytes, as in Gluon's site.conf), not '"
                    + hex + "'");
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    private static IpAddress nodeAddress(StatementWords words) throws ConfigException {
        IpAddress a = words.address("node address");
        if (a.family() != Family.V6 || a.isLinkLocal() || !a.canBeNextHop()) {
            throw words.error("the node address must be a routable IPv6 unicast address (not link-local), not '"
                    + a + "'");
        }
        return a;
    }

    private static IpAddress nextNode(StatementWords words) throws ConfigException {
        IpAddress a = words.address("next-node address");
        if (a.family() != Family.V6 || a.isMulticast() || a.equals(IpAddress.V6_UNSPECIFIED)) {
            throw words.error("the next-node address must be an IPv6 unicast address, not '" + a + "'");
        }
        return a;
    }

    private static IpAddress nextNodeIpv4(StatementWords words) throws ConfigException {
        IpAddress a = words.address("next-node IPv4 address");
        if (a.family() != Family.V4 || a.isMulticast() || !a.canBeNextHop()) {
            throw words.error("the next-node IPv4 address must be an IPv4 unicast address, not '" + a + "'");
        }
        return a;
    }

    private static byte[] mac(StatementWords words) throws ConfigException {
        String text = words.word("next-node MAC");
        byte[] mac;
        try {
            mac = HexFormat.ofDelimiter(":").parseHex(text);
        } catch (IllegalArgumentException e) {
            mac = null;
        }
        if (mac == null || mac.length != 6 || (mac[0] & 1) != 0 || Arrays.equals(mac, new byte[6])) {
            throw words.error("'" + text + "' is not a unicast MAC address (six bytes like 02:ca:ff:ee:ba:be)");
        }
        return mac;
    }

    private final Supplier<RandomGenerator> random;

    /** Nonces from {@link SecureRandom}. */
    public RoamingProvider() {
        this(SecureRandom::new);
    }

    /** Nonces from {@code random} (the simulator gives a seeded one, so that runs repeat). */
    public RoamingProvider(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public Extension create(List<Object> statements) {
        return new L3roamd(RoamingSettings.of(statements), random.get());
    }
}
