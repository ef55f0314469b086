package org.jbabel.ddhcp.dhcp;

import java.util.Arrays;
import java.util.List;

/**
 * What the state file holds: the range it was written for, the own blocks (in preference order) and the
 * acknowledged leases.
 *
 * @param range the range as configured, e.g. {@code 10.116.224.0/20}
 * @param blockSize addresses per block
 * @param ownBlocks indices of the blocks this node owned, earliest claimed first
 * @param leases the acknowledged leases
 */
public record SavedState(String range, int blockSize, List<Integer> ownBlocks, List<SavedLease> leases) {

    public SavedState {
        ownBlocks = List.copyOf(ownBlocks);
        leases = List.copyOf(leases);
    }

    /** An empty state for a range. */
    public static SavedState empty(String range, int blockSize) {
        return new SavedState(range, blockSize, List.of(), List.of());
    }

    /**
     * One acknowledged lease.
     *
     * @param expiresEpochSeconds when it ends by the wall clock at the time of writing (for people; a restart holds
     *     it for at least {@code leaseSeconds} again, see {@link Leases#restore(List, long, long)})
     */
    public record SavedLease(int address, ClientId client, byte[] hardware, int leaseSeconds,
            long expiresEpochSeconds) {
        public SavedLease {
            hardware = hardware.clone();
        }

        @Override
        public byte[] hardware() {
            return hardware.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SavedLease s && s.address == address && s.client.equals(client)
                    && Arrays.equals(s.hardware, hardware) && s.leaseSeconds == leaseSeconds
                    && s.expiresEpochSeconds == expiresEpochSeconds;
        }

        @Override
        public int hashCode() {
            return 31 * address + client.hashCode();
        }
    }
}
