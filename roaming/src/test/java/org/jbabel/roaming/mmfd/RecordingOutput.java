package org.jbabel.roaming.mmfd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.wire.IpAddress;

/** An {@link MmfdEngine.Output} that keeps everything. */
final class RecordingOutput implements MmfdEngine.Output {

    record Send(IpAddress destination, int ifindex, byte[] datagram) {}

    final List<Send> sends = new ArrayList<>();
    final List<byte[]> delivered = new ArrayList<>();
    final Map<String, Long> counters = new TreeMap<>();

    @Override
    public void send(IpAddress destination, int ifindex, byte[] datagram) {
        sends.add(new Send(destination, ifindex, datagram));
    }

    @Override
    public void deliver(byte[] packet) {
        delivered.add(packet);
    }

    @Override
    public void count(String counter) {
        counters.merge(counter, 1L, Long::sum);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    void clear() {
        sends.clear();
        delivered.clear();
        counters.clear();
    }
}
