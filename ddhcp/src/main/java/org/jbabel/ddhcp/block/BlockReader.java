package org.jbabel.ddhcp.block;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a datagram into a {@link BlockMessage} of one of the local swarms, or into the reason it was dropped; never
 * throws for any input (spec ddhcp.md §3.1). The reasons are counter names (docs/DDHCP.md lists them):
 * {@code short} (under 16 bytes), {@code bad_length} (the length rule of the command), {@code unknown_command},
 * {@code foreign_swarm} (prefix, length or block size not one of ours), {@code lease_address_outside} (a lease
 * message whose address is in the range in neither byte order).
 *
 * <p>The address of a lease entry is read in network order first and byte-reversed when that is outside the range
 * (a little-endian ddhcpd's double htonl, spec §3.5); the entry remembers which order it came in, so an answer can
 * echo it as the asker will read it.
 */
public final class BlockReader {

    /** A datagram read. */
    public sealed interface Result {}

    /** A message of one of the local swarms (its header holds that swarm). */
    public record Read(BlockMessage message) implements Result {}

    /** Not a message of ours, for {@code reason}. */
    public record Dropped(String reason) implements Result {}

    private final List<Swarm> swarms;

    /** A reader that accepts the messages of these swarms. */
    public BlockReader(List<Swarm> swarms) {
        this.swarms = List.copyOf(swarms);
    }

    public Result read(byte[] data) {
        if (data.length < BlockWriter.HEADER_LENGTH) {
            return new Dropped("short");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long node = b.getLong();
        int prefix = b.getInt();
        int prefixLength = b.get() & 0xff;
        int blockSize = b.get() & 0xff;
        int command = b.get() & 0xff;
        int count = b.get() & 0xff;
        int expected = switch (command) {
            case BlockMessage.UPDATECLAIM -> BlockWriter.HEADER_LENGTH + count * BlockWriter.CLAIM_LENGTH;
            case BlockMessage.INQUIRE -> BlockWriter.HEADER_LENGTH + count * BlockWriter.INQUIRE_ENTRY_LENGTH;
            case BlockMessage.RENEWLEASE, BlockMessage.LEASEACK, BlockMessage.LEASENAK, BlockMessage.RELEASE ->
                    BlockWriter.LEASE_MESSAGE_LENGTH;
            default -> -1;
        };
        if (expected < 0) {
            return new Dropped("unknown_command");
        }
        if (data.length != expected) {
            return new Dropped("bad_length");
        }
        Swarm swarm = null;
        for (Swarm s : swarms) {
            if (s.prefix() == prefix && s.prefixLength() == prefixLength && s.blockSize() == blockSize) {
                swarm = s;
                break;
            }
        }
        if (swarm == null) {
            return new Dropped("foreign_swarm");
        }
        BlockMessage.Header header = new BlockMessage.Header(new NodeId(node), swarm);
        switch (command) {
            case BlockMessage.UPDATECLAIM -> {
                List<BlockMessage.Claim> claims = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    long block = Integer.toUnsignedLong(b.getInt());
                    int timeout = b.getShort() & 0xffff;
                    int reserved = b.get() & 0xff;
                    claims.add(new BlockMessage.Claim(block, timeout, reserved));
                }
                return new Read(new BlockMessage.UpdateClaim(header, claims));
            }
            case BlockMessage.INQUIRE -> {
                List<Long> blocks = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    blocks.add(Integer.toUnsignedLong(b.getInt()));
                }
                return new Read(new BlockMessage.Inquire(header, blocks));
            }
            default -> {
                int raw = b.getInt();
                BlockMessage.AddressOrder order;
                int address;
                if (swarm.contains(raw)) {
                    address = raw;
                    order = BlockMessage.AddressOrder.NETWORK;
                } else if (swarm.contains(Integer.reverseBytes(raw))) {
                    address = Integer.reverseBytes(raw);
                    order = BlockMessage.AddressOrder.REVERSED;
                } else {
                    return new Dropped("lease_address_outside");
                }
                int xid = b.getInt();
                int seconds = b.getInt();
                byte[] chaddr = new byte[16];
                b.get(chaddr);
                BlockMessage.LeaseEntry e = new BlockMessage.LeaseEntry(address, order, xid, seconds, chaddr);
                return new Read(switch (command) {
                    case BlockMessage.RENEWLEASE -> new BlockMessage.RenewLease(header, e);
                    case BlockMessage.LEASEACK -> new BlockMessage.LeaseAck(header, e);
                    case BlockMessage.LEASENAK -> new BlockMessage.LeaseNak(header, e);
                    default -> new BlockMessage.Release(header, e);
                });
            }
        }
    }
}
