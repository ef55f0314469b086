package org.jbabel.sim;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Problem;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;

/**
 * A stand-in for the wire format in driver tests: a datagram is 4 + 20 bytes per TLV whose first 8 bytes name the
 * TLV list sent; a datagram shorter than 8 bytes reads as a dropped packet.
 */
final class ToyCodec implements PacketCodec {
    static final int TLV_SIZE = 20;
    /** TLV lists in flight, removed when read (each datagram reaches one receiver at most). */
    private final Map<Long, List<Tlv>> inFlight = new HashMap<>();
    private long next;

    @Override
    public List<byte[]> encode(List<Tlv> tlvs) {
        byte[] d = new byte[Math.max(8, 4 + TLV_SIZE * tlvs.size())];
        ByteBuffer.wrap(d).putLong(next);
        inFlight.put(next++, tlvs);
        return List.of(d);
    }

    @Override
    public ReadResult decode(byte[] datagram) {
        if (datagram.length < 8) {
            return new ReadResult(null, List.of(new Problem(Problem.Kind.SHORT_PACKET, 0, "toy")));
        }
        return new ReadResult(Packet.of(inFlight.remove(ByteBuffer.wrap(datagram).getLong())), List.of());
    }
}
