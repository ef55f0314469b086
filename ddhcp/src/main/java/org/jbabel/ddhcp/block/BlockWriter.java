package org.jbabel.ddhcp.block;

import java.nio.ByteBuffer;

/** Turns a {@link BlockMessage} into its datagram (spec ddhcp.md §3), byte for byte as ddhcpd writes it. */
public final class BlockWriter {

    public static final int HEADER_LENGTH = 16;
    public static final int CLAIM_LENGTH = 7;
    public static final int INQUIRE_ENTRY_LENGTH = 4;
    public static final int LEASE_ENTRY_LENGTH = 28;
    public static final int LEASE_MESSAGE_LENGTH = HEADER_LENGTH + LEASE_ENTRY_LENGTH;

    private BlockWriter() {}

    public static byte[] write(BlockMessage m) {
        return switch (m) {
            case BlockMessage.UpdateClaim u -> {
                ByteBuffer b = header(m, u.claims().size(), HEADER_LENGTH + CLAIM_LENGTH * u.claims().size());
                for (BlockMessage.Claim c : u.claims()) {
                    b.putInt((int) c.block()).putShort((short) c.timeoutSeconds()).put((byte) c.reserved());
                }
                yield b.array();
            }
            case BlockMessage.Inquire i -> {
                ByteBuffer b = header(m, i.blocks().size(), HEADER_LENGTH + INQUIRE_ENTRY_LENGTH * i.blocks().size());
                for (long block : i.blocks()) {
                    b.putInt((int) block);
                }
                yield b.array();
            }
            case BlockMessage.LeaseMessage l -> {
                ByteBuffer b = header(m, 0, LEASE_MESSAGE_LENGTH);
                BlockMessage.LeaseEntry e = l.entry();
                b.putInt(e.order() == BlockMessage.AddressOrder.NETWORK ? e.address() : Integer.reverseBytes(e.address()));
                b.putInt(e.xid()).putInt(e.leaseSeconds()).put(e.chaddr());
                yield b.array();
            }
        };
    }

    private static ByteBuffer header(BlockMessage m, int count, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        BlockMessage.Header h = m.header();
        b.putLong(h.node().value()).putInt(h.swarm().prefix()).put((byte) h.swarm().prefixLength())
                .put((byte) h.swarm().blockSize()).put((byte) m.command()).put((byte) count);
        return b;
    }
}
