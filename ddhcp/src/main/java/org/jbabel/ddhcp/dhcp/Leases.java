package org.jbabel.ddhcp.dhcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.ddhcp.block.Standing;

/**
 * The lease table: one {@link Lease} per address this node has dealt with, and at most one address per client.
 *
 * <p>Invariants: {@code byClient} maps a client to the address whose lease names it, and every lease naming a
 * client is in {@code byClient} (a DECLINED lease names none). Entries exist only for addresses of own blocks, and
 * for leases that were acknowledged in a block since lost until they expire ({@link #expire} drops the rest), so the
 * table never holds more entries than the range has addresses this node owned.
 *
 * <p>The pair {@link #freeAddressesInOwnBlocks} / {@link #blockInUse} is what the block side needs (its
 * {@code LeaseUsage}): how many addresses are left, and whether a block may be given up.
 */
public final class Leases {

    private final AddressBlocks blocks;
    private final Map<Integer, Lease> byAddress = new HashMap<>();
    private final Map<ClientId, Integer> byClient = new HashMap<>();
    /** Addresses whose entry changed since {@link #takeChanged}, or null while nobody asks (no state file). */
    private Set<Integer> changed;

    public Leases(AddressBlocks blocks) {
        this.blocks = blocks;
    }

    /**
     * From now on, remembers every address whose entry changes (for the state file's journal, which writes only
     * what changed); {@link #takeChanged} hands them over.
     */
    public void trackChanges() {
        if (changed == null) {
            changed = new HashSet<>();
        }
    }

    /** The addresses whose entry changed since the last call (empty unless {@link #trackChanges} was called). */
    public Set<Integer> takeChanged() {
        if (changed == null || changed.isEmpty()) {
            return Set.of();
        }
        Set<Integer> out = changed;
        changed = new HashSet<>();
        return out;
    }

    /** The lease of an address, or null. */
    public Lease get(int address) {
        return byAddress.get(address);
    }

    /** The lease naming a client, or null. */
    public Lease ofClient(ClientId client) {
        Integer a = byClient.get(client);
        return a == null ? null : byAddress.get(a);
    }

    /** The number of entries. */
    public int size() {
        return byAddress.size();
    }

    /** Every lease, in no particular order. */
    public List<Lease> all() {
        return List.copyOf(byAddress.values());
    }

    /** One line of {@link #rows}: an address, its state, client, hardware address and seconds left. */
    public record Row(int address, Lease.State state, ClientId client, byte[] hardware, long secondsLeft) {}

    /** The table for people ({@code ctl ddhcp leases}), by address; held entries only. */
    public List<Row> rows(long now) {
        List<Row> out = new ArrayList<>();
        for (Lease l : byAddress.values()) {
            if (l.held(now)) {
                out.add(new Row(l.address(), l.state(), l.client(), l.hardware(),
                        Math.ceilDiv(l.expires() - now, 1_000_000_000L)));
            }
        }
        out.sort(java.util.Comparator.comparingLong(r -> Integer.toUnsignedLong(r.address())));
        return out;
    }

    /** How many addresses of a block are offered and leased at {@code now} (ddhcpdctl's "offered/leased"). */
    public record BlockUsage(int offered, int leased) {}

    public BlockUsage usage(int blockIndex, long now) {
        int offered = 0;
        int leased = 0;
        for (Lease l : byAddress.values()) {
            if (l.held(now) && blocks.blockIndex(l.address()) == blockIndex) {
                offered += l.state() == Lease.State.OFFERED ? 1 : 0;
                leased += l.state() == Lease.State.LEASED ? 1 : 0;
            }
        }
        return new BlockUsage(offered, leased);
    }

    /** Free addresses in own blocks at {@code now}: their addresses less the held ones. */
    public int freeAddressesInOwnBlocks(long now) {
        int free = 0;
        for (AddressBlocks.OwnBlock b : blocks.ownBlocks()) {
            free += b.size();
            for (int i = 0; i < b.size(); i++) {
                Lease l = byAddress.get(b.firstAddress() + i);
                if (l != null && l.held(now) || blocks.reserved(b.firstAddress() + i)) {
                    free--;
                }
            }
        }
        return free;
    }

    /** Whether any address of block {@code blockIndex} is held at {@code now}. */
    public boolean blockInUse(int blockIndex, long now) {
        for (Lease l : byAddress.values()) {
            if (l.held(now) && blocks.blockIndex(l.address()) == blockIndex) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address to offer a new client: in the first own block (preference order) that has one, the lowest address
     * nobody ever had, else the free one that has been free longest; 0 when every own address is held. Reserved
     * addresses ({@link AddressBlocks#reserved}) are never chosen.
     */
    public int firstFree(long now) {
        for (AddressBlocks.OwnBlock b : blocks.ownBlocks()) {
            Lease oldest = null;
            for (int i = 0; i < b.size(); i++) {
                int a = b.firstAddress() + i;
                if (blocks.reserved(a)) {
                    continue;
                }
                Lease l = byAddress.get(a);
                if (l == null) {
                    return a;
                }
                if (!l.held(now) && (oldest == null || l.expires() - oldest.expires() < 0)) {
                    oldest = l;
                }
            }
            if (oldest != null) {
                return oldest.address();
            }
        }
        return 0;
    }

    /**
     * Offers {@code address} to a client until {@code until}. A lease the client already holds there stays LEASED
     * (only the transaction is noted); any other entry of the client goes.
     */
    public void offer(int address, ClientId client, byte[] hardware, int xid, long until, long now) {
        Lease l = byAddress.get(address);
        if (l != null && l.state() == Lease.State.LEASED && l.held(now) && l.isClient(client, hardware)) {
            put(new Lease(address, Lease.State.LEASED, l.client(), hardware, xid, l.expires(), l.leaseSeconds()));
            return;
        }
        put(new Lease(address, Lease.State.OFFERED, client, hardware, xid, until, 0));
    }

    /**
     * Binds {@code address} to a client until {@code until}; true when this is a new binding (the address was not
     * leased to this client before), which the state file must learn before the client does.
     */
    public boolean bind(int address, ClientId client, byte[] hardware, long until, int leaseSeconds, long now) {
        Lease l = byAddress.get(address);
        boolean renewal = l != null && l.state() == Lease.State.LEASED && l.held(now) && l.isClient(client, hardware);
        ClientId keep = renewal ? l.client() : client;
        put(new Lease(address, Lease.State.LEASED, keep, hardware, l == null ? 0 : l.xid(), until, leaseSeconds));
        return !renewal;
    }

    /** The client gives the address back: it is free, remembered for that client. */
    public void release(int address, long now) {
        Lease l = byAddress.get(address);
        if (l != null && l.client() != null) {
            put(new Lease(address, Lease.State.FREE, l.client(), l.hardware(), l.xid(), now, 0));
        }
    }

    /** Nobody gets the address until {@code until} (a client found it in use). */
    public void decline(int address, long until) {
        remove(address);
        byAddress.put(address, new Lease(address, Lease.State.DECLINED, null, new byte[0], 0, until, 0));
        noteChange(address);
    }

    /** Forgets an OFFER made to a client (it chose another server). */
    public void withdrawOffer(ClientId client) {
        Lease l = ofClient(client);
        if (l != null && l.state() == Lease.State.OFFERED) {
            remove(l.address());
        }
    }

    /**
     * Ends what expired by {@code now}: offers and declines are forgotten, leases become FREE (remembered); FREE
     * entries outside own blocks are dropped.
     */
    public void expire(long now) {
        List<Lease> changed = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        for (Lease l : byAddress.values()) {
            boolean ours = blocks.standing(l.address()) instanceof Standing.Ours;
            if (l.held(now)) {
                continue;
            }
            if (l.state() == Lease.State.LEASED && ours) {
                changed.add(new Lease(l.address(), Lease.State.FREE, l.client(), l.hardware(), l.xid(), l.expires(),
                        0));
            } else if (l.state() != Lease.State.FREE || !ours) {
                gone.add(l.address());
            }
        }
        gone.forEach(this::remove);
        changed.forEach(this::put);
    }

    /** The acknowledged leases at {@code now}, for the state file. */
    public List<Lease> acknowledged(long now) {
        List<Lease> out = new ArrayList<>();
        for (Lease l : byAddress.values()) {
            if (l.state() == Lease.State.LEASED && l.held(now)) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The acknowledged leases for the state file, their ends turned into Unix seconds ({@code wallSeconds} is the
     * wall clock at {@code now}).
     */
    public List<SavedState.SavedLease> saved(long now, long wallSeconds) {
        List<SavedState.SavedLease> out = new ArrayList<>();
        for (Lease l : acknowledged(now)) {
            out.add(saved(l, now, wallSeconds));
        }
        out.sort(java.util.Comparator.comparingLong(x -> Integer.toUnsignedLong(x.address())));
        return out;
    }

    /** The acknowledged lease of one address as {@link #saved(long, long)} gives it, or null when there is none. */
    public SavedState.SavedLease saved(int address, long now, long wallSeconds) {
        Lease l = byAddress.get(address);
        return l != null && l.state() == Lease.State.LEASED && l.held(now) ? saved(l, now, wallSeconds) : null;
    }

    private static SavedState.SavedLease saved(Lease l, long now, long wallSeconds) {
        return new SavedState.SavedLease(l.address(), l.client(), l.hardware(), l.leaseSeconds(),
                wallSeconds + Math.ceilDiv(l.expires() - now, 1_000_000_000L));
    }

    /**
     * Puts back the leases of a state file after a restart: each is held for the longer of what its end says by the
     * wall clock and a whole lease time again (a renewal is not written to the file, so a client may have been
     * granted up to a lease time after the last write; the restart is later than that grant), plus the grace.
     * Returns how many were restored; a lease naming an address outside the range is left out.
     */
    public int restore(List<SavedState.SavedLease> saved, long now, long wallSeconds) {
        int n = 0;
        for (SavedState.SavedLease s : saved) {
            if (blocks.blockIndex(s.address()) < 0) {
                continue;
            }
            long seconds = Math.max(s.expiresEpochSeconds() - wallSeconds, s.leaseSeconds());
            put(new Lease(s.address(), Lease.State.LEASED, s.client(), s.hardware(), 0,
                    now + seconds * 1_000_000_000L + DhcpSettings.LEASE_GRACE_NANOS, s.leaseSeconds()));
            n++;
        }
        return n;
    }

    private void put(Lease l) {
        remove(l.address());
        if (l.client() != null) {
            Integer old = byClient.get(l.client());
            if (old != null) {
                byAddress.remove(old);
                noteChange(old);
            }
            byClient.put(l.client(), l.address());
        }
        byAddress.put(l.address(), l);
        noteChange(l.address());
    }

    private void remove(int address) {
        Lease l = byAddress.remove(address);
        if (l != null) {
            noteChange(address);
            if (l.client() != null) {
                byClient.remove(l.client(), address);
            }
        }
    }

    private void noteChange(int address) {
        if (changed != null) {
            changed.add(address);
        }
    }
}
