package org.jbabel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jbabel.config.DaemonConfig;
import org.jbabel.ddhcp.DdhcpProvider;
import org.jbabel.ddhcp.dhcp.DdhcpDhcpSide;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.roaming.l3roamd.L3roamd;
import org.jbabel.roaming.l3roamd.RoamingProvider;
import org.jbabel.roaming.mmfd.MmfdProvider;
import org.jbabel.roaming.prefixd.Prefixd;
import org.jbabel.roaming.prefixd.PrefixdProvider;

/**
 * The extensions built into this program: the one place that knows their classes (the core knows them only as
 * {@link ExtensionProvider}s). The configuration enables them; see docs/EXTENSION-API.md.
 */
final class BuiltInExtensions {

    static final List<ExtensionProvider> PROVIDERS = List.of(new MmfdProvider(), new RoamingProvider(), new PrefixdProvider(),
            new DdhcpProvider(java.security.SecureRandom::new, DdhcpDhcpSide.factory()));

    /** The providers with their randomness from {@code random} (the simulator's seeded one, so runs repeat). */
    static List<ExtensionProvider> providers(Supplier<RandomGenerator> random) {
        return List.of(new MmfdProvider(random), new RoamingProvider(random), new PrefixdProvider(random),
                new DdhcpProvider(random, DdhcpDhcpSide.factory()));
    }

    private BuiltInExtensions() {}

    /** The extensions the configuration enables, made from their statements, in the order of {@link #PROVIDERS}. */
    static Map<String, Extension> create(DaemonConfig config) {
        return create(config, PROVIDERS);
    }

    static Map<String, Extension> create(DaemonConfig config, List<ExtensionProvider> providers) {
        Map<String, List<Object>> statements = config.extensionStatements();
        Map<String, Extension> out = new LinkedHashMap<>();
        for (ExtensionProvider p : providers) {
            List<Object> mine = statements.get(p.name());
            if (mine != null && !mine.isEmpty()) {
                out.put(p.name(), p.create(mine));
            }
        }
        // prefixd offers its prefixes on the roaming extension's client side (docs/ROAMING.md)
        if (out.get("prefixd") instanceof Prefixd prefixd && out.get("roaming") instanceof L3roamd roaming) {
            prefixd.setClientLink(roaming);
        }
        return out;
    }
}
