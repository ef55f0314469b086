package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;

/**
 * The DHCP server on its socket: UDP 0.0.0.0:67 bound to the client interface (SO_BINDTODEVICE, SO_BROADCAST),
 * replies to port 68 of 255.255.255.255 or of the client, out of the interface the request came in on. It feeds
 * datagrams to the {@link DhcpServer} and carries out its actions: replies, the state file (written before the
 * reply that follows a {@link DhcpAction.LeasesChanged}), and what goes to the block side through {@link Peers}.
 * Runs on the host's thread.
 */
public final class DhcpService implements AutoCloseable {

    /** What the service hands to the block side. */
    public interface Peers {
        /** Send RENEWLEASE for a REQUEST in another node's block. */
        void forward(DhcpAction.ForwardRenewal renewal);

        /** Send RELEASE for a DHCPRELEASE in another node's block. */
        void release(DhcpAction.ForwardRelease release);

        /** The own blocks ran out of addresses: claim now. */
        void needAddresses();
    }

    private static final IpAddress BROADCAST = IpAddress.v4(DhcpAction.BROADCAST);

    private final DhcpServer server;
    private final AddressBlocks blocks;
    private final Peers peers;
    private final LongSupplier clock;
    private final LongSupplier wallSeconds;
    private final ExtensionContext.Counters counters;
    private final ExtensionContext.Log log;
    private final Path stateFile;
    private final String range;
    private final int blockSize;
    private UdpSocket socket;

    /**
     * @param clock the host's monotonic clock in nanoseconds
     * @param wallSeconds the wall clock in Unix seconds (for the state file)
     * @param stateFile where leases are kept across restarts, or null for nowhere
     * @param range the range as configured (written into the state file and checked when it is read)
     */
    public DhcpService(DhcpServer server, AddressBlocks blocks, Peers peers, LongSupplier clock,
            LongSupplier wallSeconds, ExtensionContext.Counters counters, ExtensionContext.Log log, Path stateFile,
            String range, int blockSize) {
        this.server = server;
        this.blocks = blocks;
        this.peers = peers;
        this.clock = clock;
        this.wallSeconds = wallSeconds;
        this.counters = counters;
        this.log = log;
        this.stateFile = stateFile;
        this.range = range;
        this.blockSize = blockSize;
    }

    /** Opens UDP 67 on the client interface. */
    public void open(Network network, String clientInterface) throws IOException {
        socket = network.udp(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, DhcpAction.SERVER_PORT, clientInterface,
                1, false), this::received);
    }

    /**
     * Reads the state file and puts its leases back into the server's table; returns the own blocks it names (for
     * the block side), empty when there is no file, it is refused (each reason logged and counted as
     * {@code dhcp.state_refused}) or written for another range or block size. Skipped lines are logged and counted
     * ({@code dhcp.state_skipped}).
     */
    public List<Integer> restore() {
        if (stateFile == null) {
            return List.of();
        }
        StateFile.Loaded loaded = StateFile.read(stateFile);
        loaded.problems().forEach(p -> log.info(p));
        counters.add("dhcp.state_skipped", loaded.skipped());
        if (loaded.refused()) {
            counters.increment("dhcp.state_refused");
            return List.of();
        }
        SavedState s = loaded.state();
        if (s.range().isEmpty()) {
            return List.of();
        }
        if (!s.range().equals(range) || s.blockSize() != blockSize) {
            log.info(stateFile + ": written for range " + s.range() + " with blocks of " + s.blockSize()
                    + ", not " + range + " with blocks of " + blockSize + "; its leases are not used");
            counters.increment("dhcp.state_refused");
            return List.of();
        }
        int n = server.leases().restore(s.leases(), clock.getAsLong(), wallSeconds.getAsLong());
        log.info(stateFile + ": " + n + " leases and " + s.ownBlocks().size() + " own blocks restored");
        return s.ownBlocks();
    }

    /** Writes the state file now (also for the block side when the own blocks change). */
    public void save() {
        if (stateFile == null) {
            return;
        }
        long now = clock.getAsLong();
        SavedState s = new SavedState(range, blockSize, blocks.ownBlocks().stream()
                .map(AddressBlocks.OwnBlock::index).toList(), server.leases().saved(now, wallSeconds.getAsLong()));
        try {
            StateFile.write(stateFile, s);
        } catch (IOException | RuntimeException e) {
            counters.increment("dhcp.state_write_error");
            log.error("cannot write the DDHCP state file " + stateFile, e);
        }
    }

    /**
     * A RENEWLEASE from a node a client of one of our blocks is on, answered at once: true for LEASEACK, false for
     * LEASENAK (also for an address outside the range, which the block side does not ask about). The state file is
     * written first when the lease is new.
     */
    public boolean renewLease(int address, int xid, byte[] chaddr) {
        boolean ack = false;
        for (DhcpAction a : server.onRenewLease(address, xid, chaddr, clock.getAsLong())) {
            switch (a) {
                case DhcpAction.RenewalAnswer r -> ack = r.ack();
                default -> perform(List.of(a), 0);
            }
        }
        return ack;
    }

    /** A RELEASE from a node a client of one of our blocks is on. */
    public void onForwardedRelease(int address, byte[] chaddr) {
        perform(server.onForwardedRelease(address, chaddr, clock.getAsLong()), 0);
    }

    /** What the block side needs ({@code LeaseUsage}): free addresses in own blocks now. */
    public int freeAddressesInOwnBlocks() {
        return server.leases().freeAddressesInOwnBlocks(clock.getAsLong());
    }

    /** What the block side needs ({@code LeaseUsage}): whether an own block has an offered or leased address. */
    public boolean blockInUse(int blockIndex) {
        return server.leases().blockInUse(blockIndex, clock.getAsLong());
    }

    /** A LEASEACK or LEASENAK for a request this node forwarded. */
    public void onLeaseAnswer(int address, int xid, byte[] chaddr, boolean ack) {
        perform(server.onLeaseAnswer(address, xid, chaddr, ack, clock.getAsLong()), 0);
    }

    /** Housekeeping (every few seconds). */
    public void expire() {
        server.expire(clock.getAsLong());
    }

    public DhcpServer server() {
        return server;
    }

    private void received(Network.Datagram d) {
        perform(server.onDatagram(d.data(), clock.getAsLong()), d.ifindex());
    }

    private void perform(List<DhcpAction> actions, int ifindex) {
        for (DhcpAction a : actions) {
            switch (a) {
                case DhcpAction.Reply r -> send(r, ifindex);
                case DhcpAction.LeasesChanged c -> save();
                case DhcpAction.ForwardRenewal f -> peers.forward(f);
                case DhcpAction.RenewalAnswer r -> { } // only from onRenewLease, which renewLease answers itself
                case DhcpAction.ForwardRelease r -> peers.release(r);
                case DhcpAction.NeedAddresses n -> peers.needAddresses();
            }
        }
    }

    private void send(DhcpAction.Reply r, int ifindex) {
        if (socket == null) {
            counters.increment("dhcp.tx_no_socket");
            return;
        }
        IpAddress to = r.broadcast() ? BROADCAST : IpAddress.v4(r.destination());
        if (!socket.send(to, DhcpAction.CLIENT_PORT, ifindex, DhcpWriter.write(r.message()))) {
            counters.increment("dhcp.tx_dropped");
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
