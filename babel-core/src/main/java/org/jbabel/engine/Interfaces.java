package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/** The interface table: per-interface protocol state (Hello seqno, Hello and periodic update timers). */
final class Interfaces {

    /** One interface. Its configuration may be replaced when the interface comes up again with new addresses. */
    static final class Iface {
        private InterfaceConfig config;
        private boolean up;
        int helloSeqno;
        long nextHello;
        long nextUpdate;
        /** True until the second, quick start-up Hello has been sent. */
        boolean startupHelloPending;
        /** Hellos still to send before the wildcard request of a start-up or a hurried pair (0: none due). */
        int hellosBeforeRequest;
        /** That request goes out even when every neighbour there already hears us (a start-up). */
        boolean requestAnyway;
        /** When our whole table last went to the group in place of a unicast dump the budget did not allow. */
        long lastGroupDump = Long.MIN_VALUE;
        /** The seqno of the last unicast Hello sent to each configured neighbour (RFC 8966 §3.4.1: one per peer). */
        final Map<IpAddress, Integer> unicastHelloSeqnos = new LinkedHashMap<>();

        Iface(InterfaceConfig config) {
            this.config = config;
        }

        String name() {
            return config.name();
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

        InterfaceView view() {
            return new InterfaceView(config.name(), up, config.linkLocal(), config.ipv4(), config.type(), helloSeqno,
                    config.helloInterval(), config.updateInterval(), config.ifindex(), config.mtu(), config.rxcost(),
                    config.linkQuality(), config.splitHorizon(), config.unicastOnly());
        }
    }

    private final Map<String, Iface> table = new LinkedHashMap<>();

    Iface get(String name) {
        return table.get(name);
    }

    /** The interface if it exists and is up, else null. */
    Iface up(String name) {
        Iface i = table.get(name);
        return i != null && i.up ? i : null;
    }

    /** Brings an interface up (creating it) with this configuration; returns it. */
    Iface bringUp(InterfaceConfig config) {
        Iface i = table.computeIfAbsent(config.name(), n -> new Iface(config));
        i.config = config;
        i.up = true;
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
}
