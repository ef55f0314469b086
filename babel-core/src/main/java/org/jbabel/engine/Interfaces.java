package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jbabel.wire.IpAddress;

/** The interface table: per-interface protocol state (Hello seqno, Hello and periodic update timers). */
final class Interfaces {

    /** One interface. Its configuration may be replaced when the interface comes up again with new addresses. */
    static final class Iface {
        private InterfaceConfig config;
        private boolean up;
        private int helloSeqno;
        private long nextHello;
        private long nextUpdate;
        /** True until the second, quick start-up Hello has been sent. */
        private boolean startupHelloPending;
        /** Hellos still to send before the wildcard request of a start-up or a hurried pair (0: none due). */
        private int hellosBeforeRequest;
        /** That request goes out even when every neighbour there already hears us (a start-up). */
        private boolean requestAnyway;
        /** When our whole table last went to the group in place of a unicast dump the budget did not allow. */
        private long lastGroupDump = Long.MIN_VALUE;
        /** The seqno of the last unicast Hello sent to each configured neighbour (RFC 8966 §3.4.1: one per peer). */
        private final Map<IpAddress, Integer> unicastHelloSeqnos = new LinkedHashMap<>();
        private final RandomGenerator random;
        /**
         * This interface's bit in {@link Slot#announcedOn} (0-63), or -1 beyond 64 interfaces (then a key routed
         * through a neighbour here is not retracted here, as before).
         */
        final int bit;

        /** A new interface; its Hello seqnos start at random. */
        Iface(InterfaceConfig config, RandomGenerator random, int bit) {
            this.config = config;
            this.random = random;
            this.bit = bit;
            this.helloSeqno = random.nextInt(0x10000);
        }

        String name() {
            return config.name();
        }

        /** Notes in the key's slot what the update composed here said (kept only with split horizon). */
        void announced(Slot slot, boolean route) {
            if (slot == null || bit < 0) {
                return;
            }
            if (route && config.splitHorizon()) {
                slot.announcedOn |= 1L << bit;
            } else {
                slot.announcedOn &= ~(1L << bit);
            }
        }

        /** Whether the last update composed here for the slot's key announced a route. */
        boolean announcedHere(Slot slot) {
            return slot != null && bit >= 0 && (slot.announcedOn & (1L << bit)) != 0;
        }

        InterfaceConfig config() {
            return config;
        }

        boolean up() {
            return up;
        }

        long helloInterval() {
            return config.helloInterval();
        }

        long updateInterval() {
            return config.updateInterval();
        }

        long ihuInterval() {
            return BabelConstants.IHU_INTERVAL_HELLOS * config.helloInterval();
        }

        int helloSeqno() {
            return helloSeqno;
        }

        /** The seqno for the next multicast Hello (scheduled or not). */
        int nextHelloSeqno() {
            helloSeqno = Seqno.plus(helloSeqno, 1);
            return helloSeqno;
        }

        /** Unicast Hellos to each configured neighbour carry a seqno sequence of their own, starting at random. */
        int nextUnicastHelloSeqno(IpAddress neighbour) {
            int next = Seqno.plus(unicastHelloSeqnos.computeIfAbsent(neighbour, a -> random.nextInt(0x10000)), 1);
            unicastHelloSeqnos.put(neighbour, next);
            return next;
        }

        /** When the next scheduled Hello is due. */
        long nextHello() {
            return nextHello;
        }

        /** When the next periodic update is due. */
        long nextUpdate() {
            return nextUpdate;
        }

        void scheduleHello(long at) {
            nextHello = at;
        }

        void scheduleUpdate(long at) {
            nextUpdate = at;
        }

        /** The next Hello goes no later than {@code at} (a shorter interval takes effect at once). */
        void helloNoLaterThan(long at) {
            nextHello = Math.min(nextHello, at);
        }

        /** The next periodic update goes no later than {@code at}. */
        void updateNoLaterThan(long at) {
            nextUpdate = Math.min(nextUpdate, at);
        }

        /**
         * A start-up was sent its first Hello at {@code now}: the second follows quickly, and after it the wildcard
         * request, even when every neighbour there already hears us.
         */
        void startingUp(long now) {
            nextHello = now + BabelConstants.STARTUP_HELLO_DELAY;
            startupHelloPending = true;
            hellosBeforeRequest = 1;
            requestAnyway = true;
        }

        /**
         * Brings the next two Hellos forward, so that a neighbour that just appeared hears us twice at once (what
         * 2-out-of-3 needs) instead of over two Hello intervals. At most one pair per event.
         */
        void hurryHellos(long now) {
            if (nextHello > now + BabelConstants.STARTUP_HELLO_DELAY) {
                nextHello = now + BabelConstants.URGENT_DELAY;
                startupHelloPending = true;
                hellosBeforeRequest = 2;
            }
        }

        /** A scheduled Hello was sent: whether the wildcard request of a start-up or hurried pair follows it now. */
        boolean helloBeforeRequestSent() {
            return hellosBeforeRequest > 0 && --hellosBeforeRequest == 0;
        }

        /** Whether the Hello just sent is to be followed quickly by the second of a pair (and no longer pending). */
        boolean takeQuickHello() {
            boolean pending = startupHelloPending;
            startupHelloPending = false;
            return pending;
        }

        /** Whether the request after the second Hello goes out whatever the neighbours say (and no longer). */
        boolean takeRequestAnyway() {
            boolean anyway = requestAnyway;
            requestAnyway = false;
            return anyway;
        }

        /** Whether our table went to the group in place of a unicast dump less than {@code holdoff} ago. */
        boolean groupDumpHeldOff(long now, long holdoff) {
            return lastGroupDump != Long.MIN_VALUE && now - lastGroupDump < holdoff;
        }

        void groupDumpSent(long now) {
            lastGroupDump = now;
        }

        InterfaceView view() {
            return new InterfaceView(config.name(), up, config.linkLocal(), config.ipv4(), config.type(), helloSeqno,
                    config.helloInterval(), config.updateInterval(), config.ifindex(), config.mtu(), config.rxcost(),
                    config.linkQuality(), config.splitHorizon(), config.unicastOnly());
        }
    }

    private final Map<String, Iface> table = new LinkedHashMap<>();
    private final RandomGenerator random;

    /** An interface table whose Hello seqnos start at values drawn from {@code random}. */
    Interfaces(RandomGenerator random) {
        this.random = random;
    }

    Iface get(String name) {
        return table.get(name);
    }

    /** The interface if it exists and is up, else null. */
    Iface up(String name) {
        Iface i = table.get(name);
        return i != null && i.up ? i : null;
    }

    /**
     * Brings an interface up (creating it) with this configuration; returns it. The unicast Hello seqnos of
     * neighbours no longer configured are forgotten.
     */
    Iface bringUp(InterfaceConfig config) {
        Iface i = table.computeIfAbsent(config.name(), n -> new Iface(config, random, freeBit()));
        i.config = config;
        i.up = true;
        i.unicastHelloSeqnos.keySet().retainAll(config.neighbours());
        return i;
    }

    void bringDown(Iface i) {
        i.up = false;
    }

    Collection<Iface> all() {
        return table.values();
    }

    List<Iface> allUp() {
        List<Iface> result = new ArrayList<>();
        for (Iface i : table.values()) {
            if (i.up) {
                result.add(i);
            }
        }
        return result;
    }

    /** The lowest bit no interface of the table uses, or -1 when all 64 are taken. */
    private int freeBit() {
        long used = 0;
        for (Iface i : table.values()) {
            if (i.bit >= 0) {
                used |= 1L << i.bit;
            }
        }
        return used == -1L ? -1 : Long.numberOfTrailingZeros(~used);
    }

}
