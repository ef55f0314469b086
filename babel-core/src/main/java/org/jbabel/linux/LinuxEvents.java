package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelEvent;
import org.jbabel.kernel.KernelEvents;
import org.jbabel.kernel.KernelException;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;

/**
 * Kernel notifications from a netlink socket subscribed to the link, address and route groups. Notifications of
 * routes of protocol 42 ({@link KernelRoute#PROTOCOL_BABEL}, ours) are dropped unparsed: nothing reacts to them
 * ({@code redistribute} never takes a Babel route), and a table installed at once would otherwise come back as
 * as many events, whose garbage outlived young collections and grew the heap by some 2 MB with 10,000 routes
 * (docs/DAEMON.md, "Memory").
 */
final class LinuxEvents implements KernelEvents {

    private static final int GROUPS = Rtnl.RTMGRP_LINK | Rtnl.RTMGRP_IPV4_IFADDR | Rtnl.RTMGRP_IPV6_IFADDR
            | Rtnl.RTMGRP_IPV4_ROUTE | Rtnl.RTMGRP_IPV6_ROUTE;
    /** A large socket buffer: a full routing table changing at once must not overflow it. */
    private static final int KERNEL_BUFFER = 8 * 1024 * 1024;

    /** The first wait after a failed read, doubled for each further failure in a row up to {@link #MAX_BACKOFF_MILLIS}. */
    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 10_000;

    private final RtnlCodec codec;
    /** Failed reads in a row (other than overruns): the next poll waits first, so errors never spin. */
    private int failures;
    private final NetlinkCounters counters;
    private final NetlinkSocket socket;

    LinuxEvents(RtnlCodec codec, NetlinkCounters counters) {
        this.codec = codec;
        this.counters = counters;
        this.socket = new NetlinkSocket(GROUPS, KERNEL_BUFFER);
    }

    @Override
    public synchronized List<KernelEvent> poll(Duration timeout) {
        if (failures > 0) {
            try {
                Thread.sleep(backoffMillis(failures));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        List<KernelEvent> events = new ArrayList<>();
        int wait = Math.clamp(timeout.toMillis(), 0, Integer.MAX_VALUE);
        while (true) {
            ByteBuffer datagram;
            try {
                datagram = socket.receive(events.isEmpty() ? wait : 0);
            } catch (KernelException e) {
                if (e.errno() != Errno.ENOBUFS) {
                    failures++;
                    throw e;
                }
                counters.count(NetlinkCounters.Kind.OVERRUN);
                events.add(new KernelEvent.Resync());
                continue;
            }
            failures = 0;
            if (datagram == null) {
                return events;
            }
            for (NetlinkMessage m : NetlinkMessage.split(datagram, counters)) {
                KernelEvent e = event(m);
                if (e != null) {
                    events.add(e);
                }
            }
        }
    }

    /** How long a poll waits before reading after {@code failures} failed reads in a row. */
    static long backoffMillis(int failures) {
        return failures <= 0 ? 0 : Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(failures - 1, 20));
    }

    private KernelEvent event(NetlinkMessage m) {
        if ((m.type() == Rtnl.RTM_NEWROUTE || m.type() == Rtnl.RTM_DELROUTE)
                && RtnlCodec.routeProtocol(m) == KernelRoute.PROTOCOL_BABEL) {
            return null;
        }
        return switch (m.type()) {
            case Rtnl.RTM_NEWLINK -> {
                Link l = codec.link(m);
                yield l == null ? null : new KernelEvent.LinkChanged(l);
            }
            case Rtnl.RTM_DELLINK -> {
                Link l = codec.link(m);
                yield l == null ? null : new KernelEvent.LinkRemoved(l.ifindex(), l.name());
            }
            case Rtnl.RTM_NEWADDR -> {
                InterfaceAddress a = codec.address(m);
                yield a == null ? null : new KernelEvent.AddressAdded(a);
            }
            case Rtnl.RTM_DELADDR -> {
                InterfaceAddress a = codec.address(m);
                yield a == null ? null : new KernelEvent.AddressRemoved(a);
            }
            case Rtnl.RTM_NEWROUTE -> {
                KernelRoute r = codec.route(m);
                yield r == null ? null : new KernelEvent.RouteAdded(r);
            }
            case Rtnl.RTM_DELROUTE -> {
                KernelRoute r = codec.route(m);
                yield r == null ? null : new KernelEvent.RouteRemoved(r);
            }
            default -> null;
        };
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
