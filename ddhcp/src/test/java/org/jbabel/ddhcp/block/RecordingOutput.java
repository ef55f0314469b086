package org.jbabel.ddhcp.block;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Captures what an engine sends and counts, decoded. */
final class RecordingOutput implements BlockEngine.Output {

    record Unicast(Peer to, BlockMessage message) {}

    final List<BlockMessage> multicast = new ArrayList<>();
    final List<Unicast> unicast = new ArrayList<>();
    final Map<String, Integer> counters = new TreeMap<>();
    final List<String> ownership = new ArrayList<>();
    private final BlockReader reader;

    RecordingOutput(Swarm swarm) {
        reader = new BlockReader(List.of(swarm));
    }

    private BlockMessage decode(byte[] datagram) {
        return ((BlockReader.Read) reader.read(datagram)).message();
    }

    @Override
    public void multicast(byte[] datagram) {
        multicast.add(decode(datagram));
    }

    @Override
    public void unicast(Peer to, byte[] datagram) {
        unicast.add(new Unicast(to, decode(datagram)));
    }

    @Override
    public void count(String counter) {
        counters.merge(counter, 1, Integer::sum);
    }

    @Override
    public void ownership(int block, boolean ours) {
        ownership.add((ours ? "+" : "-") + block);
    }

    int counted(String name) {
        return counters.getOrDefault(name, 0);
    }

    void clear() {
        multicast.clear();
        unicast.clear();
        ownership.clear();
    }
}
