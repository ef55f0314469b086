package org.jbabel.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jbabel.config.DaemonConfig;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.ddhcp.DdhcpProvider;
import org.jbabel.ddhcp.dhcp.DdhcpDhcpSide;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.roaming.l3roamd.L3roamd;
import org.jbabel.roaming.l3roamd.RoamingProvider;
import org.jbabel.roaming.mmfd.MmfdProvider;
import org.jbabel.roaming.prefixd.Prefixd;
import org.jbabel.roaming.prefixd.PrefixdProvider;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat426.Nat426;
import org.jbabel.xlat.nat426.Nat426Provider;
import org.jbabel.xlat.nat64.Nat64;
import org.jbabel.xlat.nat64.Nat64Provider;

/**
 * The extensions built into this program: the one place that knows their classes (the core knows them only as
 * {@link ExtensionProvider}s). The configuration enables them; see docs/EXTENSION-API.md.
 */
final class BuiltInExtensions {

    static final List<ExtensionProvider> PROVIDERS = List.of(new MmfdProvider(), new RoamingProvider(), new PrefixdProvider(),
            new DdhcpProvider(java.security.SecureRandom::new, DdhcpDhcpSide.factory()), new Nat426Provider(),
            new Nat64Provider());

    /** The providers with their randomness from {@code random} (the simulator's seeded one, so runs repeat). */
    static List<ExtensionProvider> providers(Supplier<RandomGenerator> random) {
        return List.of(new MmfdProvider(random), new RoamingProvider(random), new PrefixdProvider(random),
                new DdhcpProvider(random, DdhcpDhcpSide.factory()), new Nat426Provider(), new Nat64Provider());
    }

    private BuiltInExtensions() {}

    /**
     * NAT426 gets its clients' traffic from the roaming extension (their node-client addresses are routed to it
     * instead of lo) and their addresses and gateway from DDHCP on the same interface; a NAT64 exit takes DDHCP's exit
     * address and NAT426's metaprefix when its own lines give none (docs/XLAT.md).
     */
    private static void join(Map<String, Extension> out) {
        Ddhcp ddhcp = out.get("ddhcp") instanceof Ddhcp d ? d : null;
        if (out.get("nat426") instanceof Nat426 nat426) {
            if (out.get("roaming") instanceof L3roamd roaming) {
                roaming.deliverNodeClientTraffic(nat426::fromMesh);
                roaming.ignoreStationsOn(Nat426.TAP);
                nat426.nodeClients(roaming.nodeClientPrefix());
            }
            if (ddhcp != null && nat426.settings().clientInterface().equals(ddhcp.settings().clientInterface())) {
                nat426.leasesFrom(new Nat426.Leases() {
                    @Override
                    public Optional<IpAddress> leasedAddress(byte[] mac) {
                        return ddhcp.leasedAddress(mac);
                    }

                    @Override
                    public Optional<byte[]> holder(IpAddress address) {
                        return ddhcp.leaseHolder(address);
                    }

                    @Override
                    public Optional<IpAddress> router() {
                        return Optional.ofNullable(ddhcp.settings().router());
                    }

                    @Override
                    public boolean toServer(byte[] message) {
                        return ddhcp.clientMessage(message);
                    }
                });
            }
        }
        if (out.get("nat64") instanceof Nat64 nat64) {
            if (ddhcp != null) {
                nat64.exitAddressFrom(ddhcp::exitAddress);
            }
            if (out.get("nat426") instanceof Nat426 nat426) {
                nat64.defaultMetaprefix(nat426.settings().metaprefix());
            }
        }
    }

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
        join(out);
        return out;
    }
}
