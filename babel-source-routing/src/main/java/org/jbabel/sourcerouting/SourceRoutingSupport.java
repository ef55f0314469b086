package org.jbabel.sourcerouting;

import java.util.List;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.kernel.PlainPlacement;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;

/**
 * Which placement each family uses, found at start: IPv4 always uses tables and rules; IPv6 uses its source
 * prefixes natively when the kernel has IPv6 subtrees, found by installing (and removing) an unreachable IPv6
 * route with a source prefix in an otherwise unused table. The record is what the daemon logs and the control
 * socket shows.
 *
 * @param ipv6 the strategy for IPv6 ({@link Placement.Strategy#NATIVE} with subtrees)
 * @param settings the table and rule numbering of the table placements
 * @param reason what the probe saw, in words
 */
public record SourceRoutingSupport(Placement.Strategy ipv6, TableSettings settings, String reason) {

    /** The table the probe route goes into: far above any table a configuration names. */
    public static final int PROBE_TABLE = 0x7FFF_FF42;
    /** The probe route: unreachable, documentation prefixes, protocol 42 so a crash leaves it flushable. */
    static final KernelRoute PROBE = KernelRoute.unreachable(Prefix.parse("2001:db8:ffff::/48"),
            Prefix.parse("2001:db8:fffe::/48"), KernelMetric.KERNEL_INFINITY).withTable(PROBE_TABLE);

    /**
     * The choice for the configuration's {@code ipv6-subtrees}: true or false decides without asking the kernel,
     * null probes it ({@link #detect(Fib, TableSettings)}).
     */
    public static SourceRoutingSupport choose(Boolean ipv6Subtrees, Fib fib, TableSettings settings) {
        if (ipv6Subtrees == null) {
            return detect(fib, settings);
        }
        return new SourceRoutingSupport(ipv6Subtrees ? Placement.Strategy.NATIVE : Placement.Strategy.TABLES,
                settings, "ipv6-subtrees " + ipv6Subtrees + " in the configuration");
    }

    /** Probes {@code fib} for IPv6 subtrees. */
    public static SourceRoutingSupport detect(Fib fib, TableSettings settings) {
        FibResult added = fib.apply(FibChange.add(PROBE));
        if (added.ok() || added.errno() == Errno.EEXIST) {
            fib.apply(FibChange.remove(PROBE));
            return new SourceRoutingSupport(Placement.Strategy.NATIVE, settings,
                    "the kernel accepts IPv6 routes with a source prefix (subtrees)");
        }
        return new SourceRoutingSupport(Placement.Strategy.TABLES, settings,
                "the kernel refused an IPv6 route with a source prefix (" + added.errorName()
                        + "): no IPv6 subtrees");
    }

    /** The strategy for {@code family}. */
    public Placement.Strategy strategy(Family family) {
        return family == Family.V4 ? Placement.Strategy.TABLES : ipv6;
    }

    /** A fresh placement for {@code family}. */
    public Placement placement(Family family) {
        return switch (strategy(family)) {
            case NONE -> new PlainPlacement(family);
            case NATIVE -> new NativePlacement(family);
            case TABLES -> new TablePlacement(family, settings);
        };
    }

    /** Both placements, IPv4 first. */
    public List<Placement> placements() {
        return List.of(placement(Family.V4), placement(Family.V6));
    }

    /** Fresh placements of both families with {@link #describe()}, for the daemon. */
    public PlacementChoice choice() {
        return new PlacementChoice(placement(Family.V4), placement(Family.V6), describe());
    }

    /** One line for the log and the control socket. */
    public String describe() {
        return "source-specific routes: ipv4 " + describe(Family.V4) + "; ipv6 " + describe(Family.V6) + " ("
                + reason + ")";
    }

    private String describe(Family family) {
        return switch (strategy(family)) {
            case NONE -> "not installed";
            case NATIVE -> "native (from in the route)";
            case TABLES -> "tables " + settings.firstTable() + ".." + (settings.firstTable() + settings.maxTables() - 1)
                    + ", rules from priority " + settings.firstRulePriority();
        };
    }
}
