package org.jbabel.roaming.prefixd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;

/**
 * The {@code prefixd} statements (docs/CONFIGURATION.md, "prefixd"): {@code prefixd} alone, or with options
 * {@code uplink-prefix PREFIX} (repeatable), {@code uplink-interface IF}, {@code uplink-metric M},
 * {@code max-prefixes N}, {@code max-metric M}.
 */
public final class PrefixdProvider implements ExtensionProvider {

    /** One {@code prefixd} statement: its options in order (none for the bare keyword). */
    public record Statement(List<Option> options) {
        public Statement {
            options = List.copyOf(options);
        }
    }

    /** An option of a {@code prefixd} statement. */
    public sealed interface Option {}

    public record UplinkPrefix(Prefix prefix) implements Option {}

    public record UplinkInterface(String name) implements Option {}

    public record UplinkMetric(int metric) implements Option {}

    public record MaxPrefixes(int count) implements Option {}

    public record MaxMetric(int metric) implements Option {}

    /** The metric of a route that is not a route (RFC 8966 infinity). */
    private static final int INFINITY = 0xFFFF;

    private final Supplier<RandomGenerator> random;

    /** RA timing jitter from the JDK's default generator. */
    public PrefixdProvider() {
        this(RandomGenerator::getDefault);
    }

    /** Jitter from {@code random} (the simulator gives a seeded one, so that runs repeat). */
    public PrefixdProvider(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public String name() {
        return "prefixd";
    }

    @Override
    public Object parse(StatementWords words) throws ConfigException {
        List<Option> options = new ArrayList<>();
        while (words.hasNext()) {
            String keyword = words.word("prefixd option");
            options.add(switch (keyword) {
                case "uplink-prefix" -> new UplinkPrefix(uplinkPrefix(words));
                case "uplink-interface" -> new UplinkInterface(words.interfaceName("uplink interface name"));
                case "uplink-metric" -> new UplinkMetric(words.integer("uplink metric", 0, INFINITY - 1));
                case "max-prefixes" -> new MaxPrefixes(words.integer("maximum number of prefixes", 1, 16));
                case "max-metric" -> new MaxMetric(words.integer("maximum metric", 0, INFINITY - 1));
                default -> throw words.error("unknown prefixd option '" + keyword + "' (expected uplink-prefix, "
                        + "uplink-interface, uplink-metric, max-prefixes or max-metric)");
            });
        }
        return new Statement(options);
    }

    private static Prefix uplinkPrefix(StatementWords words) throws ConfigException {
        Prefix p = words.prefix("uplink prefix");
        if (p.family() != Family.V6 || p.length() != 64 || p.address().isLinkLocal() || p.address().isMulticast()) {
            throw words.error("an uplink prefix is the IPv6 /64 clients take their addresses from (SLAAC), not '"
                    + p + "'");
        }
        return p;
    }

    @Override
    public Extension create(List<Object> statements) {
        return new Prefixd(PrefixdSettings.of(statements), random.get());
    }
}
