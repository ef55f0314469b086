package org.jbabel.xlat.nat426;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.xlat.nat64.ExitPrefix;

/**
 * What the {@code nat426} statement says (docs/CONFIGURATION.md "nat426"):
 * <pre>
 * nat426 client-interface IF metaprefix PREFIX exit-range PREFIX [exit-mac-prefix HEX] [gateway A4] [mtu N]
 * </pre>
 * The provider calls {@link #parse} for the statement's words and {@link #of} for all statements.
 *
 * @param clientInterface the client bridge the TAP port {@code nat426} joins
 * @param metaprefix the mesh-wide metaprefix the exits' /96s are built from: an IPv6 /64 or /56 (decision 2)
 * @param exitRange the IPv4 range exits take their addresses from (DDHCP's {@code exit-range})
 * @param exitMac the XMAC layout ({@code exit-mac-prefix}, default {@code 0226})
 * @param gateway G, the virtual gateway; null: DDHCP's {@code router} on the same interface (the extension checks at
 *     start)
 * @param mtu the largest IPv6 packet the mesh carries, 1280..9000 (default 1280)
 */
public record Nat426Settings(String clientInterface, Prefix metaprefix, Prefix exitRange, ExitMac exitMac,
        IpAddress gateway, int mtu) {

    public static final int DEFAULT_MTU = 1280;
    public static final int MAX_MTU = 9000;

    /** Reads the words after {@code nat426}. */
    public static Nat426Settings parse(StatementWords w) throws ConfigException {
        String first = w.word("nat426 keyword");
        if (!first.equals("client-interface")) {
            throw w.error("unknown nat426 keyword '" + first + "' (expected client-interface)");
        }
        String clientInterface = w.interfaceName("client interface");
        Prefix metaprefix = null;
        Prefix exitRange = null;
        ExitMac exitMac = ExitMac.DEFAULT;
        IpAddress gateway = null;
        int mtu = DEFAULT_MTU;
        Set<String> seen = new HashSet<>();
        while (w.hasNext()) {
            String k = w.word("keyword");
            if (!seen.add(k)) {
                throw w.error("'" + k + "' is given twice");
            }
            switch (k) {
                case "metaprefix" -> {
                    metaprefix = w.prefix("metaprefix");
                    if (metaprefix.family() != Family.V6 || (metaprefix.length() != 64 && metaprefix.length() != 56)) {
                        throw w.error("the metaprefix is an IPv6 /64 or /56, not " + metaprefix);
                    }
                }
                case "exit-range" -> {
                    exitRange = w.prefix("exit range");
                    if (exitRange.family() != Family.V4) {
                        throw w.error("the exit range is an IPv4 prefix, not " + exitRange);
                    }
                    if (exitRange.length() < 8) {
                        throw w.error("the exit range's length must be 8..32, not " + exitRange.length());
                    }
                }
                case "exit-mac-prefix" -> {
                    String hex = w.word("exit MAC prefix");
                    try {
                        exitMac = ExitMac.parse(hex);
                    } catch (IllegalArgumentException e) {
                        throw w.error(e.getMessage());
                    }
                }
                case "gateway" -> {
                    gateway = w.address("gateway");
                    if (gateway.family() != Family.V4) {
                        throw w.error("the gateway is an IPv4 address, not " + gateway);
                    }
                    if (!ResolverMessage.usable(gateway.v4Bits())) {
                        throw w.error("the gateway " + gateway + " cannot be a client's gateway");
                    }
                }
                case "mtu" -> mtu = w.integer("mtu", DEFAULT_MTU, MAX_MTU);
                default -> throw w.error("unknown keyword '" + k + "' (expected metaprefix, exit-range,"
                        + " exit-mac-prefix, gateway or mtu)");
            }
        }
        if (metaprefix == null) {
            throw w.error("nat426 needs 'metaprefix PREFIX'");
        }
        if (exitRange == null) {
            throw w.error("nat426 needs 'exit-range PREFIX'");
        }
        if (gateway != null && exitRange.contains(gateway)) {
            throw w.error("the gateway " + gateway + " is inside the exit range " + exitRange);
        }
        return new Nat426Settings(clientInterface, metaprefix, exitRange, exitMac, gateway, mtu);
    }

    /** The exits' address plan under the metaprefix. */
    public ExitPrefix exitPrefix() {
        return new ExitPrefix(metaprefix);
    }

    /** The settings of all {@code nat426} statements: exactly one. */
    public static Nat426Settings of(List<?> statements) {
        if (statements.size() != 1 || !(statements.get(0) instanceof Nat426Settings s)) {
            throw new IllegalArgumentException("nat426 takes exactly one 'nat426 client-interface ...' statement, not "
                    + statements.size());
        }
        return s;
    }
}
