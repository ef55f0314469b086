package org.jbabel.ddhcp.dhcp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the lease table knows about one address.
 *
 * @param address the IPv4 address
 * @param state see {@link State}
 * @param client the client it is (or was last) bound to; null for {@link State#DECLINED}
 * @param hardware the client's hardware address (the first {@code hlen} bytes of chaddr)
 * @param xid the transaction of the last OFFER (for a REQUEST without an address)
 * @param expires when the state ends, on the server's clock (nanoseconds); for {@link State#FREE} when it ended
 * @param leaseSeconds the lease time granted (LEASED), for the state file
 */
public record Lease(int address, State state, ClientId client, byte[] hardware, int xid, long expires,
        int leaseSeconds) {

    /** The states of an address. */
    public enum State {
        /** Offered to a client that has not requested it yet. */
        OFFERED,
        /** Acknowledged to a client. */
        LEASED,
        /** A client declined it (someone else uses it): nobody gets it until {@code expires}. */
        DECLINED,
        /** Free, remembered for the client that had it last so that it gets it back. */
        FREE
    }

    public Lease {
        hardware = hardware.clone();
    }

    @Override
    public byte[] hardware() {
        return hardware.clone();
    }

    /** Whether the address is taken at {@code now} (offered, leased or declined and not yet expired). */
    public boolean held(long now) {
        return state != State.FREE && expires - now > 0;
    }

    /**
     * Whether this is the client of {@code id} with hardware address {@code hw}: the same client identifier, or,
     * when one side has no identifier of its own (only the one made of its hardware address), the same hardware
     * address. Two clients with identifiers of their own are told apart by them alone (RFC 2131 §4.2).
     */
    public boolean isClient(ClientId id, byte[] hw) {
        if (client == null) {
            return false;
        }
        if (client.equals(id)) {
            return true;
        }
        return hw.length > 0 && Arrays.equals(hardware, hw) && (client.isHardware(hardware) || id.isHardware(hw));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lease l && l.address == address && l.state == state
                && java.util.Objects.equals(l.client, client) && Arrays.equals(l.hardware, hardware) && l.xid == xid
                && l.expires == expires && l.leaseSeconds == leaseSeconds;
    }

    @Override
    public int hashCode() {
        return 31 * address + state.hashCode();
    }

    @Override
    public String toString() {
        return DhcpOptions.format(address) + " " + state + " " + client + " hw "
                + HexFormat.ofDelimiter(":").formatHex(hardware) + " expires " + expires;
    }
}
