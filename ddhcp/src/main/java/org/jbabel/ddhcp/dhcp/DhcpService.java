package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;

/**
 * The DHCP server on its socket: UDP 0.0.0.0:67 bound to the client interface (SO_BINDTODEVICE, SO_BROADCAST),
 * replies to port 68 of 255.255.255.255 or of the client, out of the interface the request came in on. It feeds
 * datagrams to the {@link DhcpServer} and carries out its actions: replies, the state file, and what goes to the
 * block side through {@link Peers}. Runs on the host's thread.
 *
 * <p>Group commit: a {@link DhcpAction.LeasesChanged} does not write at once. It asks for a commit as a task on the
 * host's loop ({@code later}), which runs after the datagrams already queued; from then until the commit every reply
 * is held (not only the ACK that follows, so that a retransmitted REQUEST's ACK cannot overtake its lease either).
 * The commit appends what changed in the lease table to the state file's journal with one fdatasync
 * ({@link StateJournal}), then sends the held replies in order. So no reply leaves before the lease it announces is
 * on disk, and the requests of one turn of the loop share one write. A change of the own blocks, too many records
 * since the last rewrite, or a journal not yet (or no longer) open rewrite the whole file instead.
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

        /** Ask the swarm who owns block {@code block} (INQUIRE): a client renews an address in it. */
        void askOwner(int block);
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
    private final Executor later;
    private final StateJournal journal;
    /** The addresses with a live {@code lease} record in the state file. */
    private final Set<Integer> inFile = new HashSet<>();
    /** Replies held until the commit that makes their leases durable. */
    private final List<Held> held = new ArrayList<>();
    /** The journal is rewritten whole once it holds this many records and more than the live leases. */
    private int compactAfterRecords = 1024;
    private boolean commitNeeded;
    private boolean commitScheduled;
    private boolean closed;
    private UdpSocket socket;

    private record Held(DhcpAction.Reply reply, int ifindex) {}

    /**
     * @param clock the host's monotonic clock in nanoseconds
     * @param wallSeconds the wall clock in Unix seconds (for the state file)
     * @param stateFile where leases are kept across restarts, or null for nowhere
     * @param range the range as configured (written into the state file and checked when it is read)
     * @param later runs the group commit on the host's thread after what is queued there now
     */
    public DhcpService(DhcpServer server, AddressBlocks blocks, Peers peers, LongSupplier clock,
            LongSupplier wallSeconds, ExtensionContext.Counters counters, ExtensionContext.Log log, Path stateFile,
            String range, int blockSize, Executor later) {
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
        this.later = later;
        this.journal = stateFile == null ? null : new StateJournal(stateFile);
        if (stateFile != null) {
            server.leases().trackChanges();
        }
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
        if (loaded.torn()) {
            counters.increment("dhcp.state_torn");
        }
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

    /**
     * Rewrites the whole state file now (the block side calls this when the own blocks change, and at stop), then
     * sends the replies held for a commit: the whole file holds their leases too.
     */
    public void save() {
        if (closed) {
            return;
        }
        compact();
        commitNeeded = false;
        sendHeld();
    }

    private void compact() {
        if (journal == null) {
            return;
        }
        long now = clock.getAsLong();
        server.leases().takeChanged(); // the whole file holds them
        SavedState s = new SavedState(range, blockSize, blocks.ownBlocks().stream()
                .map(AddressBlocks.OwnBlock::index).toList(), server.leases().saved(now, wallSeconds.getAsLong()));
        inFile.clear();
        try {
            journal.compact(s);
            s.leases().forEach(l -> inFile.add(l.address()));
            counters.increment("dhcp.state_rewrites");
        } catch (IOException | RuntimeException e) {
            counters.increment("dhcp.state_write_error");
            log.error("cannot write the DDHCP state file " + stateFile, e);
        }
    }

    /** For tests: the state file's journal (null without a state file). */
    StateJournal journal() {
        return journal;
    }

    /** For tests: rewrite the journal whole at fewer records than the default 1,024. */
    void compactAfterRecords(int records) {
        compactAfterRecords = records;
    }

    /** The group commit: what changed goes to disk, then the held replies leave. */
    private void commit() {
        commitScheduled = false;
        if (closed) {
            return;
        }
        if (commitNeeded) {
            commitNeeded = false;
            writeChanges();
        }
        sendHeld();
    }

    /** Appends a record per changed address to the journal (one fdatasync), or rewrites the whole file. */
    private void writeChanges() {
        if (!journal.open() || journal.records() >= Math.max(compactAfterRecords, inFile.size())) {
            compact();
            return;
        }
        long now = clock.getAsLong();
        long wall = wallSeconds.getAsLong();
        Leases leases = server.leases();
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (int address : leases.takeChanged()) {
            SavedState.SavedLease l = leases.saved(address, now, wall);
            if (l != null) {
                StateFile.appendLease(b, l);
                inFile.add(address);
                n++;
            } else if (inFile.remove(address)) {
                StateFile.appendFree(b, address);
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        try {
            journal.append(b, n);
            counters.increment("dhcp.state_commits");
            counters.add("dhcp.state_records", n);
        } catch (IOException | RuntimeException e) {
            log.error("cannot append to the DDHCP state file " + stateFile + "; rewriting it whole", e);
            compact();
        }
    }

    private void sendHeld() {
        if (held.isEmpty()) {
            return;
        }
        List<Held> out = List.copyOf(held);
        held.clear();
        out.forEach(h -> send(h.reply(), h.ifindex()));
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
        if (commitNeeded) {
            commit(); // the caller sends the LEASEACK when this returns: the lease must be on disk by then
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

    /** RENEWLEASEs due again (about once a second). */
    public void resend() {
        perform(server.resend(clock.getAsLong()), 0);
    }

    public DhcpServer server() {
        return server;
    }

    /**
     * A client's DHCP message that came another way than the socket (see {@code DhcpSide.clientMessage}); answered
     * through the socket, which is bound to the client interface.
     */
    public void clientMessage(byte[] message) {
        perform(server.onDatagram(message, clock.getAsLong()), 0);
    }

    private void received(Network.Datagram d) {
        perform(server.onDatagram(d.data(), clock.getAsLong()), d.ifindex());
    }

    private void perform(List<DhcpAction> actions, int ifindex) {
        for (DhcpAction a : actions) {
            switch (a) {
                case DhcpAction.Reply r -> {
                    if (commitNeeded) {
                        held.add(new Held(r, ifindex));
                    } else {
                        send(r, ifindex);
                    }
                }
                case DhcpAction.LeasesChanged c -> commitSoon();
                case DhcpAction.ForwardRenewal f -> peers.forward(f);
                case DhcpAction.RenewalAnswer r -> { } // only from onRenewLease, which renewLease answers itself
                case DhcpAction.ForwardRelease r -> peers.release(r);
                case DhcpAction.NeedAddresses n -> peers.needAddresses();
                case DhcpAction.AskOwner q -> peers.askOwner(q.block());
            }
        }
    }

    private void commitSoon() {
        if (journal == null) {
            return;
        }
        commitNeeded = true;
        if (!commitScheduled) {
            commitScheduled = true;
            later.execute(this::commit);
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
        if (commitNeeded || !held.isEmpty()) {
            commit();
        }
        closed = true;
        if (journal != null) {
            journal.close();
        }
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
