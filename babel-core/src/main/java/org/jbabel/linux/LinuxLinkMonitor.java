package org.jbabel.linux;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelEvents;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkMonitor;

/**
 * Links and addresses of the Linux kernel over rtnetlink, and subscriptions to its notifications. Wireless
 * links are recognised through sysfs ({@code /sys/class/net/NAME/wireless} or {@code phy80211}); note that
 * sysfs shows the interfaces of the namespace it was mounted in. Thread-safe: calls are serialised.
 */
public final class LinuxLinkMonitor implements LinkMonitor {

    private final NetlinkSocket socket;
    private final NetlinkCounters counters;
    private final Predicate<String> wireless;
    private final RtnlCodec codec;

    /** Opens a route socket in the network namespace of the calling thread. */
    public LinuxLinkMonitor() {
        this(new NetlinkCounters(), RtnlCodec.SYSFS_WIRELESS);
    }

    /** As {@link #LinuxLinkMonitor()}, counting bad netlink input in {@code counters}. */
    public LinuxLinkMonitor(NetlinkCounters counters) {
        this(counters, RtnlCodec.SYSFS_WIRELESS);
    }

    /** As {@link #LinuxLinkMonitor()} with a given wireless test (interface name → is 802.11) and counters. */
    public LinuxLinkMonitor(NetlinkCounters counters, Predicate<String> wireless) {
        this.counters = counters;
        this.wireless = wireless;
        this.codec = new RtnlCodec(counters, wireless);
        this.socket = new NetlinkSocket(0, 0);
    }

    public NetlinkCounters counters() {
        return counters;
    }

    @Override
    public synchronized List<Link> links() {
        return LinuxFib.dump(Rtnl.RTM_GETLINK, socket, counters, codec::link).stream()
                .sorted(Comparator.comparingInt(Link::ifindex)).toList();
    }

    @Override
    public synchronized List<InterfaceAddress> addresses() {
        return LinuxFib.dump(Rtnl.RTM_GETADDR, socket, counters, codec::address);
    }

    /**
     * Subscribes to link, IPv4/IPv6 address and IPv4/IPv6 route notifications on a socket of its own, opened
     * in the network namespace of the calling thread.
     */
    @Override
    public KernelEvents subscribe() {
        return new LinuxEvents(new RtnlCodec(counters, wireless), counters);
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
