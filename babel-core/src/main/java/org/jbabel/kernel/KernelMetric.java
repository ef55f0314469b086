package org.jbabel.kernel;

import java.util.Optional;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * How a Babel metric becomes a kernel route priority, as babeld does it.
 *
 * <ul>
 *   <li>By default every route gets {@code kernel-priority} (default 0; the kernel stores 0 for IPv6 as 1024).
 *   <li>With {@code reflect-kernel-metric} a route gets {@code kernel-priority + metric}, capped at
 *       {@link #KERNEL_INFINITY}.
 *   <li>An infinite (retracted) route gets {@link #KERNEL_INFINITY} and is written as an unreachable route
 *       without next hop, except for a default route, which is removed instead.
 * </ul>
 *
 * @param kernelPriority babeld's {@code kernel-priority} option
 * @param reflectMetric babeld's {@code reflect-kernel-metric} option
 */
public record KernelMetric(int kernelPriority, boolean reflectMetric) {

    /** babeld's kernel infinity, 0xFFFF: the priority of unreachable routes and the cap of reflected metrics. */
    public static final int KERNEL_INFINITY = 0xFFFF;
    /** The Babel infinite metric. */
    public static final int BABEL_INFINITY = 0xFFFF;
    /** babeld's defaults: priority 0, metric not reflected. */
    public static final KernelMetric DEFAULT = new KernelMetric(0, false);

    public KernelMetric {
        if (kernelPriority < 0 || kernelPriority > KERNEL_INFINITY) {
            throw new IllegalArgumentException("kernel-priority must be 0..65535, not " + kernelPriority);
        }
    }

    /** The kernel priority for a route with this Babel metric. */
    public int priority(int babelMetric) {
        if (babelMetric >= BABEL_INFINITY) {
            return KERNEL_INFINITY;
        }
        if (!reflectMetric) {
            return kernelPriority;
        }
        return Math.min(kernelPriority + Math.max(babelMetric, 0), KERNEL_INFINITY);
    }

    /** The unicast Babel route to install for a selected route with a finite metric. */
    public KernelRoute unicast(Prefix destination, Prefix source, IpAddress nextHop, int ifindex, int babelMetric,
            int table) {
        return KernelRoute.unicast(destination, source, nextHop, ifindex, priority(babelMetric)).withTable(table);
    }

    /**
     * The unreachable route that stands in for a retracted one until it is flushed; empty for a default route
     * (zero-length destination), which babeld never keeps as unreachable.
     */
    public Optional<KernelRoute> retracted(Prefix destination, Prefix source, int table) {
        if (destination.isZeroLength()) {
            return Optional.empty();
        }
        return Optional.of(KernelRoute.unreachable(destination, source, KERNEL_INFINITY).withTable(table));
    }
}
