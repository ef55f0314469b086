package org.jbabel.ddhcp.block;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jbabel.wire.IpAddress;

/**
 * The six messages of DDHCP's block protocol (spec ddhcp.md §3), immutable. Every message starts with the same
 * 16-byte {@link Header}; the command and count bytes follow from the record and its payload.
 */
public sealed interface BlockMessage {

    /** Most entries one UPDATECLAIM or INQUIRE can carry: the count is one byte. */
    int MAX_ENTRIES = 255;

    int UPDATECLAIM = 1;
    int INQUIRE = 2;
    int RENEWLEASE = 16;
    int LEASEACK = 17;
    int LEASENAK = 18;
    int RELEASE = 19;

    Header header();

    /** The command byte. */
    int command();

    /**
     * The common header without command and count.
     *
     * @param node the sender's node id
     * @param swarm the range the sender is configured with
     */
    record Header(NodeId node, Swarm swarm) {}

    /**
     * One entry of an UPDATECLAIM.
     *
     * @param block the block's index
     * @param timeoutSeconds how long the claim holds from its reception (uint16); 0 is a release (pyddhcpd's
     *     meaning, and a stock ddhcpd forgets such a claim at its next housekeeping)
     * @param reserved the seventh byte, 0 from ddhcpd (pyddhcpd's "usage")
     */
    record Claim(long block, int timeoutSeconds, int reserved) {
        public Claim {
            if (block < 0 || block > 0xffff_ffffL || timeoutSeconds < 0 || timeoutSeconds > 0xffff || reserved < 0
                    || reserved > 0xff) {
                throw new IllegalArgumentException("claim entry out of range: " + block + " " + timeoutSeconds);
            }
        }

        public Claim(long block, int timeoutSeconds) {
            this(block, timeoutSeconds, 0);
        }
    }

    /** Multicast: the sender owns these blocks (code 1). */
    record UpdateClaim(Header header, List<Claim> claims) implements BlockMessage {
        public UpdateClaim {
            claims = List.copyOf(claims);
            if (claims.size() > MAX_ENTRIES) {
                throw new IllegalArgumentException("at most 255 claims per message, not " + claims.size());
            }
        }

        @Override
        public int command() {
            return UPDATECLAIM;
        }
    }

    /** Multicast: the sender wants these blocks; does anyone own them (code 2)? Indices as uint32. */
    record Inquire(Header header, List<Long> blocks) implements BlockMessage {
        public Inquire {
            blocks = List.copyOf(blocks);
            if (blocks.size() > MAX_ENTRIES) {
                throw new IllegalArgumentException("at most 255 blocks per message, not " + blocks.size());
            }
            for (long b : blocks) {
                if (b < 0 || b > 0xffff_ffffL) {
                    throw new IllegalArgumentException("not a block index: " + b);
                }
            }
        }

        @Override
        public int command() {
            return INQUIRE;
        }
    }

    /** How the 4 address bytes of a lease entry are laid out on the wire (spec §3.5). */
    enum AddressOrder {
        /** Network order, as a big-endian ddhcpd sends them (and as they should be). */
        NETWORK,
        /** Byte-reversed, as a little-endian (x86, ARM) ddhcpd sends them: htonl applied twice. */
        REVERSED
    }

    /**
     * The 28-byte entry of the four lease messages.
     *
     * @param address the client's IPv4 address (host-order int)
     * @param order how the address is (or was) laid out on the wire; an answer echoes the request's order
     * @param xid the DHCP transaction id
     * @param leaseSeconds 0 from ddhcpd
     * @param chaddr the DHCP client hardware address field, 16 bytes
     */
    record LeaseEntry(int address, AddressOrder order, int xid, int leaseSeconds, byte[] chaddr) {
        public LeaseEntry {
            if (chaddr.length != 16) {
                throw new IllegalArgumentException("chaddr has 16 bytes, not " + chaddr.length);
            }
            chaddr = chaddr.clone();
            java.util.Objects.requireNonNull(order);
        }

        @Override
        public byte[] chaddr() {
            return chaddr.clone();
        }

        /** The same entry, laid out in {@code other} order. */
        public LeaseEntry withOrder(AddressOrder other) {
            return new LeaseEntry(address, other, xid, leaseSeconds, chaddr);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LeaseEntry e && e.address == address && e.order == order && e.xid == xid
                    && e.leaseSeconds == leaseSeconds && Arrays.equals(e.chaddr, chaddr);
        }

        @Override
        public int hashCode() {
            return ((address * 31 + xid) * 31 + leaseSeconds) * 31 + Arrays.hashCode(chaddr) + order.hashCode();
        }

        @Override
        public String toString() {
            return "LeaseEntry[" + IpAddress.v4(address) + " " + order + " xid " + Integer.toHexString(xid)
                    + " chaddr " + HexFormat.of().formatHex(chaddr) + "]";
        }
    }

    /** A message carrying one lease entry. */
    sealed interface LeaseMessage extends BlockMessage {
        LeaseEntry entry();
    }

    /** Unicast to a block's owner: may this client have this address of your block (code 16)? */
    record RenewLease(Header header, LeaseEntry entry) implements LeaseMessage {
        @Override
        public int command() {
            return RENEWLEASE;
        }
    }

    /** The owner's yes, echoing the request's entry (code 17). */
    record LeaseAck(Header header, LeaseEntry entry) implements LeaseMessage {
        @Override
        public int command() {
            return LEASEACK;
        }
    }

    /** The owner's no, echoing the request's entry (code 18). */
    record LeaseNak(Header header, LeaseEntry entry) implements LeaseMessage {
        @Override
        public int command() {
            return LEASENAK;
        }
    }

    /**
     * A client gave up an address of the owner's block (code 19). ddhcpd declares it but never sends it and drops
     * it on receipt; jbabel uses the 28-byte entry of the other lease messages and honours it.
     */
    record Release(Header header, LeaseEntry entry) implements LeaseMessage {
        @Override
        public int command() {
            return RELEASE;
        }
    }
}
