package org.jbabel.wire;

import java.util.List;

/** What {@link PacketReader} made of a datagram: the packet (null when the header is unusable) and the problems. */
public record ReadResult(Packet packet, List<Problem> problems) {
    public ReadResult {
        problems = List.copyOf(problems);
    }

    public boolean dropped() {
        return packet == null;
    }
}
