package org.jbabel.roaming.l3roamd;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * What the {@code roaming} statements say (docs/CONFIGURATION.md, "roaming"). Several statements add up: options of a
 * later statement replace those of an earlier one, client prefixes accumulate.
 *
 * @param clientInterface the client bridge or interface ({@code client-interface IF}); null when none was given
 * @param clientPrefixes the prefixes clients take their addresses from (IPv6 and IPv4), in the order given, each once
 * @param nodeClientPrefix {@code node-client-prefix}, or null: derived from {@code domainSeed}, else {@link
 *     #DEFAULT_NODE_CLIENT_PREFIX}
 * @param domainSeed {@code domain-seed HEX} (Gluon's site domain seed), or null
 * @param nodeAddress {@code node-address}, or null: the first global /128 on lo when the extension starts
 * @param nextNode the anycast gateway address every node has on its client interface
 * @param nextNodeIpv4 its IPv4 address ({@code next-node-ipv4}), for IPv4 clients; null: none
 * @param nextNodeMac its hardware address
 * @param nextNodeInterface the macvlan that carries the next-node address and MAC
 * @param device the TUN device packets for unknown client addresses arrive in
 */
public record RoamingSettings(String clientInterface, List<Prefix> clientPrefixes, Prefix nodeClientPrefix,
        String domainSeed, IpAddress nodeAddress, IpAddress nextNode, IpAddress nextNodeIpv4, byte[] nextNodeMac,
        String nextNodeInterface, String device) {

    /** l3roamd's default node-client prefix. */
    public static final Prefix DEFAULT_NODE_CLIENT_PREFIX = Prefix.parse("fec0::/64");
    /** Gluon's next-node address when site.conf gives none (and babeld's users' usual one). */
    public static final IpAddress DEFAULT_NEXT_NODE = IpAddress.parse("fe80::1");
    /**
     * The next-node MAC when none is given: locally administered (second-lowest bit of the first byte set), unicast,
     * and fixed, so that it is the same on every node of a mesh.
     */
    public static final String DEFAULT_NEXT_NODE_MAC = "02:ca:ff:ee:ba:be";
    /** The macvlan carrying the next-node address: Gluon's name for that interface. */
    public static final String DEFAULT_NEXT_NODE_INTERFACE = "local-node";
    /** l3roamd's TUN device name. */
    public static final String DEFAULT_DEVICE = "l3roam0";

    public RoamingSettings {
        clientPrefixes = List.copyOf(new LinkedHashSet<>(clientPrefixes));
        nextNodeMac = nextNodeMac.clone();
    }

    @Override
    public byte[] nextNodeMac() {
        return nextNodeMac.clone();
    }

    /** The settings of the statements, in file order. */
    static RoamingSettings of(List<?> statements) {
        String clientInterface = null;
        List<Prefix> prefixes = new ArrayList<>();
        Prefix nodeClientPrefix = null;
        String seed = null;
        IpAddress nodeAddress = null;
        IpAddress nextNode = DEFAULT_NEXT_NODE;
        IpAddress nextNodeIpv4 = null;
        byte[] nextNodeMac = HexFormat.ofDelimiter(":").parseHex(DEFAULT_NEXT_NODE_MAC);
        String nextNodeInterface = DEFAULT_NEXT_NODE_INTERFACE;
        String device = DEFAULT_DEVICE;
        for (Object statement : statements) {
            if (!(statement instanceof RoamingProvider.Statement st)) {
                throw new IllegalArgumentException("not a roaming statement: " + statement);
            }
            for (RoamingProvider.Option o : st.options()) {
                switch (o) {
                    case RoamingProvider.ClientInterface c -> clientInterface = c.name();
                    case RoamingProvider.ClientPrefix c -> prefixes.add(c.prefix());
                    case RoamingProvider.NodeClientPrefix n -> nodeClientPrefix = n.prefix();
                    case RoamingProvider.DomainSeed d -> seed = d.hex();
                    case RoamingProvider.NodeAddress n -> nodeAddress = n.address();
                    case RoamingProvider.NextNode n -> nextNode = n.address();
                    case RoamingProvider.NextNodeIpv4 n -> nextNodeIpv4 = n.address();
                    case RoamingProvider.NextNodeMac m -> nextNodeMac = m.mac();
                    case RoamingProvider.NextNodeInterface n -> nextNodeInterface = n.name();
                    case RoamingProvider.Device d -> device = d.name();
                }
            }
        }
        return new RoamingSettings(clientInterface, prefixes, nodeClientPrefix, seed, nodeAddress, nextNode,
                nextNodeIpv4, nextNodeMac, nextNodeInterface, device);
    }
}
