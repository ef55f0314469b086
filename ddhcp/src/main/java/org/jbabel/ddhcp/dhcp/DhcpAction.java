package org.jbabel.ddhcp.dhcp;

import java.util.Arrays;
import org.jbabel.wire.IpAddress;

/** What the server wants done; the caller does the I/O. */
public sealed interface DhcpAction {

    /** Replies go to this port. */
    int CLIENT_PORT = 68;
    /** The server's port. */
    int SERVER_PORT = 67;
    /** 255.255.255.255. */
    int BROADCAST = 0xffffffff;

    /** Send {@code message} to {@code destination}:68 on the client interface ({@link #BROADCAST} or a client). */
    record Reply(DhcpMessage message, int destination) implements DhcpAction {
        public boolean broadcast() {
            return destination == BROADCAST;
        }
    }

    /** Send RENEWLEASE(address, xid, chaddr) to the owner of the address's block (spec §6.4). */
    record ForwardRenewal(int address, int xid, byte[] chaddr, long ownerNodeId, IpAddress ownerAddress)
            implements DhcpAction {
        public ForwardRenewal {
            chaddr = chaddr.clone();
        }

        @Override
        public byte[] chaddr() {
            return chaddr.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ForwardRenewal f && f.address == address && f.xid == xid
                    && Arrays.equals(f.chaddr, chaddr) && f.ownerNodeId == ownerNodeId
                    && f.ownerAddress.equals(ownerAddress);
        }

        @Override
        public int hashCode() {
            return 31 * address + xid;
        }
    }

    /**
     * Ask the swarm who owns block {@code block} (an INQUIRE): a client renews an address in it and this node knows
     * no owner.
     */
    record AskOwner(int block) implements DhcpAction {}

    /** Send RELEASE(address, xid, chaddr) to the owner of the address's block: its client gave the address back. */
    record ForwardRelease(int address, int xid, byte[] chaddr, long ownerNodeId, IpAddress ownerAddress)
            implements DhcpAction {
        public ForwardRelease {
            chaddr = chaddr.clone();
        }

        @Override
        public byte[] chaddr() {
            return chaddr.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ForwardRelease f && f.address == address && f.xid == xid
                    && Arrays.equals(f.chaddr, chaddr) && f.ownerNodeId == ownerNodeId
                    && f.ownerAddress.equals(ownerAddress);
        }

        @Override
        public int hashCode() {
            return 31 * address + xid;
        }
    }

    /** Answer a RENEWLEASE with LEASEACK ({@code ack}) or LEASENAK, echoing its entry. */
    record RenewalAnswer(int address, int xid, byte[] chaddr, boolean ack) implements DhcpAction {
        public RenewalAnswer {
            chaddr = chaddr.clone();
        }

        @Override
        public byte[] chaddr() {
            return chaddr.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RenewalAnswer r && r.address == address && r.xid == xid
                    && Arrays.equals(r.chaddr, chaddr) && r.ack == ack;
        }

        @Override
        public int hashCode() {
            return 31 * address + xid;
        }
    }

    /** A new binding or a release: write the state file before sending the replies that follow. */
    record LeasesChanged() implements DhcpAction {}

    /** A DISCOVER found no free address in own blocks: the block side should claim now, not at its next round. */
    record NeedAddresses() implements DhcpAction {}
}
