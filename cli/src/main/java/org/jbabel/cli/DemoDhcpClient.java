package org.jbabel.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import org.jbabel.ddhcp.dhcp.DhcpMessage;
import org.jbabel.ddhcp.dhcp.DhcpOption;
import org.jbabel.ddhcp.dhcp.DhcpOptions;
import org.jbabel.ddhcp.dhcp.DhcpReader;
import org.jbabel.ddhcp.dhcp.DhcpWriter;
import org.jbabel.ddhcp.dhcp.MessageType;
import org.jbabel.engine.Time;

/**
 * The DHCPv4 client of {@code jbabel demo}'s IPv4-only client, sans-IO (RFC 2131 §4.4): it is told the time
 * ({@link #tick}) and what arrived on port 68 ({@link #received}), and answers with the datagrams to send. DISCOVER
 * and the REQUEST for an offer go to the broadcast address, every {@link #RETRY} until answered (a REQUEST unanswered
 * {@link #REQUESTS} times starts over); from T1 (option 58, else half the lease) it renews by unicast to the server
 * identifier, from T2 (option 59, else 7/8 of it) it rebinds by broadcast, and a lease that expires, or a NAK, is a
 * lost lease: it starts over. What happened is counted for the demo's report: renewals, lost leases, changes of
 * address.
 */
final class DemoDhcpClient {

    /** 255.255.255.255, as the destination of a datagram to broadcast. */
    static final int BROADCAST = 0xffff_ffff;
    /** How long an unanswered DISCOVER or REQUEST waits before it is sent again. */
    static final long RETRY = Time.seconds(1);
    /** REQUESTs for one offer before starting over with a DISCOVER. */
    static final int REQUESTS = 4;

    enum State { SELECTING, REQUESTING, BOUND, RENEWING, REBINDING }

    /** A lease: the address, its netmask and router (0 when not given), the server identifier, its length. */
    record Lease(int address, int mask, int router, int server, int seconds) {
        int prefixLength() {
            return Integer.bitCount(mask);
        }

        @Override
        public String toString() {
            return DhcpOptions.format(address) + "/" + prefixLength();
        }
    }

    /** A datagram to send from port 68 to port 67 of {@code destination} ({@link #BROADCAST}, or a server). */
    record Datagram(int destination, byte[] data) {}

    /** Told when a lease is taken (again) and when it is lost. */
    interface Listener {
        void bound(Lease lease, boolean renewal);

        void lost(String why);
    }

    private final byte[] mac;
    private final IntSupplier xids;
    private final Listener listener;
    private State state = State.SELECTING;
    private int xid;
    private long nextSend = Long.MIN_VALUE;
    private int requests;
    private int offered;
    private int offerServer;
    private Lease lease;
    private long t1;
    private long t2;
    private long expiry;
    private int firstAddress;
    private int renewals;
    private int lost;
    private int addressChanges;
    private int ignored;

    /** A client with hardware address {@code mac} (6 bytes), transaction ids from {@code xids}. */
    DemoDhcpClient(byte[] mac, IntSupplier xids, Listener listener) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("an Ethernet address has 6 bytes, not " + mac.length);
        }
        this.mac = mac.clone();
        this.xids = xids;
        this.listener = listener;
    }

    /** What is due at {@code now} (nanoseconds of a monotonic clock). */
    List<Datagram> tick(long now) {
        List<Datagram> out = new ArrayList<>(1);
        switch (state) {
            case SELECTING -> {
                if (now >= nextSend) {
                    xid = xids.getAsInt();
                    out.add(new Datagram(BROADCAST, message(MessageType.DISCOVER, 0)));
                    nextSend = now + RETRY;
                }
            }
            case REQUESTING -> {
                if (now >= nextSend) {
                    if (++requests > REQUESTS) {
                        state = State.SELECTING;
                        nextSend = now;
                        return tick(now);
                    }
                    out.add(new Datagram(BROADCAST, message(MessageType.REQUEST, 0,
                            DhcpOptions.int32(DhcpOptions.REQUESTED_ADDRESS, offered),
                            DhcpOptions.int32(DhcpOptions.SERVER_IDENTIFIER, offerServer))));
                    nextSend = now + RETRY;
                }
            }
            case BOUND -> {
                if (now >= t1) {
                    state = State.RENEWING;
                    xid = xids.getAsInt();
                    nextSend = now;
                    return tick(now);
                }
            }
            case RENEWING, REBINDING -> {
                if (now >= expiry) {
                    lose("expired");
                    nextSend = now;
                    return tick(now);
                }
                if (state == State.RENEWING && now >= t2) {
                    state = State.REBINDING;
                    nextSend = now;
                }
                if (now >= nextSend) {
                    out.add(new Datagram(state == State.RENEWING ? lease.server() : BROADCAST,
                            message(MessageType.REQUEST, lease.address())));
                    nextSend = now + RETRY;
                }
            }
        }
        return out;
    }

    /** A datagram that came to port 68; answers (a REQUEST after an OFFER) are returned. */
    List<Datagram> received(long now, byte[] data) {
        if (!(DhcpReader.read(data) instanceof DhcpReader.Result.Parsed(DhcpMessage m))
                || m.op() != DhcpMessage.BOOTREPLY || m.xid() != xid || !Arrays.equals(m.hardwareAddress(), mac)) {
            ignored++;
            return List.of();
        }
        MessageType type = m.messageType();
        if (type == MessageType.OFFER && state == State.SELECTING && m.yiaddr() != 0) {
            offered = m.yiaddr();
            offerServer = m.addressOption(DhcpOptions.SERVER_IDENTIFIER);
            state = State.REQUESTING;
            requests = 0;
            nextSend = now;
            return tick(now);
        }
        boolean waiting = state == State.REQUESTING || state == State.RENEWING || state == State.REBINDING;
        if (type == MessageType.ACK && waiting && m.yiaddr() != 0) {
            bind(now, m);
        } else if (type == MessageType.NAK && waiting) {
            if (lease != null) {
                lose("NAK");
            } else {
                state = State.SELECTING;
            }
            nextSend = now;
            return tick(now);
        } else {
            ignored++;
        }
        return List.of();
    }

    private void bind(long now, DhcpMessage m) {
        int seconds = m.addressOption(DhcpOptions.LEASE_TIME);
        if (seconds <= 0) {
            seconds = 3600;
        }
        int mask = m.addressOption(DhcpOptions.SUBNET_MASK);
        int server = m.addressOption(DhcpOptions.SERVER_IDENTIFIER);
        boolean renewal = lease != null && lease.address() == m.yiaddr();
        Lease l = new Lease(m.yiaddr(), mask != 0 ? mask : DhcpOptions.mask(24),
                m.addressOption(DhcpOptions.ROUTER), server != 0 ? server : offerServer, seconds);
        if (firstAddress == 0) {
            firstAddress = l.address();
        } else if (l.address() != firstAddress) {
            addressChanges++;
        }
        if (renewal) {
            renewals++;
        }
        long length = Time.seconds(seconds);
        int renewal1 = m.addressOption(DhcpOptions.RENEWAL_TIME);
        int rebinding = m.addressOption(DhcpOptions.REBINDING_TIME);
        t1 = now + (renewal1 > 0 && renewal1 < seconds ? Time.seconds(renewal1) : length / 2);
        t2 = now + (rebinding > 0 && rebinding < seconds ? Time.seconds(rebinding) : length / 8 * 7);
        expiry = now + length;
        lease = l;
        state = State.BOUND;
        listener.bound(l, renewal);
    }

    private void lose(String why) {
        lost++;
        lease = null;
        state = State.SELECTING;
        listener.lost(why);
    }

    private byte[] message(MessageType type, int ciaddr, DhcpOption... extra) {
        List<DhcpOption> o = new ArrayList<>();
        o.add(new DhcpOption(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type.code()}));
        o.addAll(List.of(extra));
        o.add(new DhcpOption(DhcpOptions.PARAMETER_REQUEST_LIST, new byte[] {1, 3, 51, 54, 58, 59}));
        return DhcpWriter.write(new DhcpMessage(DhcpMessage.BOOTREQUEST, 1, 6, 0, xid, 0, 0, ciaddr, 0, 0, 0,
                Arrays.copyOf(mac, 16), o));
    }

    State state() {
        return state;
    }

    /** The lease held, or null. */
    Lease lease() {
        return lease;
    }

    /** ACKs that renewed the lease held (same address). */
    int renewals() {
        return renewals;
    }

    /** Leases lost: expired, or NAKed while held. */
    int lost() {
        return lost;
    }

    /** ACKs for an address other than the first one bound. */
    int addressChanges() {
        return addressChanges;
    }

    /** The first address bound, 0 before. */
    int firstAddress() {
        return firstAddress;
    }

    /** Datagrams on port 68 that were not for us or not expected now. */
    int ignored() {
        return ignored;
    }
}
