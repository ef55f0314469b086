package org.jbabel.extension;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.wire.IpAddress;

/**
 * The parts of the kernel an extension may read and write. Routes and rules are the extension's own: written with
 * the protocol number it asks for in {@link #ownRoutes}, which Babel's start-up and shutdown flushes never touch.
 */
public interface KernelAccess {

    /**
     * An entry of the kernel's neighbour table.
     *
     * @param ifindex the interface
     * @param address the neighbour's IP address
     * @param hardwareAddress its link-layer address, or null when unresolved
     * @param state the NUD state bits ({@code NUD_REACHABLE} 0x02, {@code NUD_STALE} 0x04, ...)
     * @param removed true for an RTM_DELNEIGH event
     */
    record Neighbour(int ifindex, IpAddress address, byte[] hardwareAddress, int state, boolean removed) {}

    /**
     * The index of the interface named {@code name} ({@code if_nametoindex}): for interfaces Babel does not run on,
     * such as a client bridge whose neighbour entries an extension filters by index. Throws when there is none.
     */
    int ifindex(String name) throws IOException;

    /** The neighbour table of one interface (0: all), as RTM_GETNEIGH dumps it. */
    List<Neighbour> neighbours(int ifindex) throws IOException;

    /** Calls {@code observer} for every RTM_NEWNEIGH and RTM_DELNEIGH event. */
    BabelApi.Subscription onNeighbour(Consumer<Neighbour> observer);

    /**
     * A station a bridge learned on one of its ports (an entry of its forwarding database, RTM_NEWNEIGH of family
     * AF_BRIDGE), or forgot ({@code removed}: aged out, or the port left the bridge): for a wired client port what
     * nl80211's NEW_STATION and DEL_STATION are for a wireless one. The bridge's own addresses are not stations.
     *
     * @param bridge the bridge's interface index
     * @param port the port's interface index
     * @param mac the station's hardware address (6 bytes)
     */
    record Station(int bridge, int port, byte[] mac, boolean removed) {}

    /**
     * The stations the bridge {@code bridge} (an interface index) knows now: for a client that attached before the
     * extension started, whose arrival no {@link #onStation} event reports.
     */
    List<Station> stations(int bridge) throws IOException;

    /** Calls {@code observer} for every station a bridge learns or forgets. */
    BabelApi.Subscription onStation(Consumer<Station> observer);

    /** Adds or replaces a neighbour entry (a permanent one when {@code state} says so). */
    void putNeighbour(Neighbour neighbour) throws IOException;

    /** Removes a neighbour entry. */
    void removeNeighbour(int ifindex, IpAddress address) throws IOException;

    /**
     * Makes the kernel answer ARP (IPv4) or Neighbour Solicitations (IPv6) for {@code address} on interface
     * {@code ifindex} with that interface's own hardware address (a proxy entry, {@code ip neigh add proxy}): for an
     * address that is routed through another interface of this host, such as a NAT64 exit's outside address routed
     * into its TUN device. Adding one that exists changes nothing.
     */
    void putProxyNeighbour(int ifindex, IpAddress address) throws IOException;

    /** Removes a proxy entry (nothing happens when it is not there). */
    void removeProxyNeighbour(int ifindex, IpAddress address) throws IOException;

    /** Every address on every interface. */
    List<InterfaceAddress> addresses();

    /** Calls {@code observer} when an address is added or removed ({@code added} false). */
    BabelApi.Subscription onAddress(AddressObserver observer);

    /** Adds an address to an interface (nothing happens when it is there). */
    void addAddress(InterfaceAddress address) throws IOException;

    /** Removes an address (nothing happens when it is not there). */
    void removeAddress(InterfaceAddress address) throws IOException;

    /**
     * Creates a macvlan interface {@code name} in bridge mode on interface {@code parent}, with hardware address
     * {@code mac} and IPv6 address generation off (it has no link-local address but those the extension adds), and
     * brings it up. An interface of that name left by an earlier run is deleted first. The host deletes the
     * interface after {@link Extension#stop}. (The simulator models it as another name for the parent.)
     *
     * @return the new interface's index
     */
    int addMacvlan(String name, String parent, byte[] mac) throws IOException;

    /**
     * Makes interface {@code ifindex} (a TAP device of the extension's, say) a port of the bridge named
     * {@code bridge}; it leaves the bridge when it is closed. (The simulator refuses TAP devices, so this is not
     * called there.)
     */
    void joinBridge(int ifindex, String bridge) throws IOException;

    /**
     * The extension's own routes and rules, written with {@code protocol}. Opening it first removes every route and
     * rule of that protocol a previous run left behind (it tells which routes: {@link OwnRoutes#leftBehind}); the host
     * removes them again after {@link Extension#stop}.
     */
    OwnRoutes ownRoutes(int protocol) throws IOException;

    /** An address change. */
    interface AddressObserver {
        void changed(InterfaceAddress address, boolean added);
    }

    /** Routes and rules of one protocol number; {@link KernelRoute#protocol()} is overwritten with it. */
    interface OwnRoutes {
        void add(KernelRoute route) throws IOException;

        void remove(KernelRoute route) throws IOException;

        void add(KernelRule rule) throws IOException;

        void remove(KernelRule rule) throws IOException;

        /** What is installed now, as the kernel says. */
        List<KernelRoute> routes() throws IOException;

        /**
         * The routes of this protocol a previous run had left (one that ended without cleaning up: kill -9), which
         * opening this handle removed; routes through an interface that went with that run are not among them.
         */
        List<KernelRoute> leftBehind();
    }
}
