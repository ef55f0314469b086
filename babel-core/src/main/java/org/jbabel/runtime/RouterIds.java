package org.jbabel.runtime;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jbabel.wire.RouterId;

/**
 * How the node's router-id is chosen: a configured {@code router-id} first; with {@code random-id} a random one;
 * otherwise the router-id kept in jbabeld's state file; with babeld's state file (a seqno alone) the modified
 * EUI-64 of the first interface with a universal (globally administered) MAC address, as babeld chooses it; and a
 * random one in every other case.
 *
 * <p>Where babeld falls back on the MAC address even when it knows no seqno for that id, jbabeld draws a random
 * id: a node that restarts with a random seqno under its old id (after a crash without a state file, say) is
 * unreachable until its neighbours forget the old seqno, which takes minutes, because its fresh seqno is as
 * likely as not to be older than the one they remember. A new id is accepted at once. The state file keeps the
 * drawn id, so a node with a state file still keeps its id across restarts.
 */
public final class RouterIds {

    private RouterIds() {}

    /**
     * The modified EUI-64 of a 48-bit MAC address (ff:fe inserted in the middle, the universal/local bit
     * flipped), or empty when the address is not a universal unicast MAC.
     */
    public static Optional<RouterId> fromMac(byte[] mac) {
        if (mac == null || mac.length != 6 || (mac[0] & 0x03) != 0) {
            return Optional.empty();
        }
        if (java.util.Arrays.equals(mac, new byte[6])) {
            return Optional.empty();
        }
        byte[] eui = {(byte) (mac[0] ^ 0x02), mac[1], mac[2], (byte) 0xff, (byte) 0xfe, mac[3], mac[4], mac[5]};
        return Optional.of(RouterId.of(eui, 0));
    }

    /**
     * Picks the router-id.
     *
     * @param configured the {@code router-id} statement, or null
     * @param randomId whether {@code random-id} (-r) is set
     * @param saved what the state file holds (a router-id and seqno, or babeld's seqno alone), or null
     * @param macs the MAC addresses of the interfaces, Babel interfaces first, then the others
     * @param random the source of a random id
     */
    public static RouterId choose(RouterId configured, boolean randomId, StateFile saved, List<byte[]> macs,
            RandomGenerator random) {
        if (configured != null) {
            return configured;
        }
        if (!randomId && saved != null) {
            if (saved.routerId() != null && saved.routerId().isValid()) {
                return saved.routerId();
            }
            for (byte[] mac : macs) {
                Optional<RouterId> id = fromMac(mac);
                if (id.isPresent()) {
                    return id.get();
                }
            }
        }
        return random(random);
    }

    /** A random router-id, never all zeros or all ones. */
    public static RouterId random(RandomGenerator random) {
        while (true) {
            RouterId id = new RouterId(random.nextLong());
            if (id.isValid()) {
                return id;
            }
        }
    }
}
