package org.jbabel.cli.migrate;

/**
 * What Gluon's site.conf says that no daemon's command line carries (l3roamd takes the next-node from the
 * {@code local-node} interface): each null when not given.
 *
 * @param nextNode {@code next_node.ip6}
 * @param nextNodeIpv4 {@code next_node.ip4}
 * @param nextNodeMac {@code next_node.mac}
 * @param domainSeed {@code domain_seed}, 64 hex digits, for the node-client prefix when l3roamd has no {@code -P}
 */
public record Site(String nextNode, String nextNodeIpv4, String nextNodeMac, String domainSeed) {

    public static final Site NONE = new Site(null, null, null, null);

    boolean isEmpty() {
        return equals(NONE);
    }
}
