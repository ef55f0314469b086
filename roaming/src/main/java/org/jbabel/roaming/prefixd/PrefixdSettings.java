package org.jbabel.roaming.prefixd;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.jbabel.wire.Prefix;

/**
 * What the {@code prefixd} statements say (docs/CONFIGURATION.md, "prefixd"); later statements replace the options
 * of earlier ones, uplink prefixes accumulate.
 *
 * @param uplinkPrefixes the /64s this node's uplink routes ({@code uplink-prefix}), each originated as
 *     {@code ::/0 from PREFIX}
 * @param uplinkInterface the uplink ({@code uplink-interface}): the routes exist while it has a global IPv6 address;
 *     null: always
 * @param uplinkMetric the metric they are originated with
 * @param maxPrefixes how many uplink prefixes clients are offered at most
 * @param maxMetric the largest metric of a source-specific default route whose prefix clients are offered
 */
public record PrefixdSettings(List<Prefix> uplinkPrefixes, String uplinkInterface, int uplinkMetric,
        int maxPrefixes, int maxMetric) {

    public static final int DEFAULT_MAX_PREFIXES = 3;
    /** Gluon's prefixd sketch's limit. */
    public static final int DEFAULT_MAX_METRIC = 12_000;

    public PrefixdSettings {
        uplinkPrefixes = List.copyOf(new LinkedHashSet<>(uplinkPrefixes));
    }

    static PrefixdSettings of(List<?> statements) {
        List<Prefix> prefixes = new ArrayList<>();
        String uplink = null;
        int metric = 0;
        int maxPrefixes = DEFAULT_MAX_PREFIXES;
        int maxMetric = DEFAULT_MAX_METRIC;
        for (Object statement : statements) {
            if (!(statement instanceof PrefixdProvider.Statement st)) {
                throw new IllegalArgumentException("not a prefixd statement: " + statement);
            }
            for (PrefixdProvider.Option o : st.options()) {
                switch (o) {
                    case PrefixdProvider.UplinkPrefix u -> prefixes.add(u.prefix());
                    case PrefixdProvider.UplinkInterface u -> uplink = u.name();
                    case PrefixdProvider.UplinkMetric u -> metric = u.metric();
                    case PrefixdProvider.MaxPrefixes m -> maxPrefixes = m.count();
                    case PrefixdProvider.MaxMetric m -> maxMetric = m.metric();
                }
            }
        }
        return new PrefixdSettings(prefixes, uplink, metric, maxPrefixes, maxMetric);
    }
}
