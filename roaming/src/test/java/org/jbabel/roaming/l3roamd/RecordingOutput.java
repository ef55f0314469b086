package org.jbabel.roaming.l3roamd;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * An {@link L3roamdOutput} that keeps everything: the effects as readable lines in order, the state they leave
 * (announced prefixes, kernel routes, addresses on lo), the datagrams, and the counters. Datagrams can also be handed
 * to a test mesh.
 */
final class RecordingOutput implements L3roamdOutput {

    record Unicast(IpAddress destination, byte[] datagram) {}

    record Probe(IpAddress target, IpAddress destination) {}

    final List<String> events = new ArrayList<>();
    final Set<Prefix> originated = new LinkedHashSet<>();
    final Map<IpAddress, String> routes = new LinkedHashMap<>();
    final Set<IpAddress> onLo = new LinkedHashSet<>();
    final List<Probe> probes = new ArrayList<>();
    final List<IpAddress> arps = new ArrayList<>();
    final List<byte[]> multicasts = new ArrayList<>();
    final List<Unicast> unicasts = new ArrayList<>();
    final List<byte[]> reinjected = new ArrayList<>();
    final List<byte[]> tun = new ArrayList<>();
    final Map<String, Long> counters = new TreeMap<>();
    Predicate<IpAddress> elsewhere = a -> false;
    Consumer<byte[]> multicastHook = d -> { };
    BiConsumer<IpAddress, byte[]> unicastHook = (a, d) -> { };
    Consumer<Prefix> originateHook = p -> { };
    Consumer<IpAddress> probeHook = a -> { };

    @Override
    public void originate(Prefix hostPrefix) {
        events.add("originate " + hostPrefix);
        originated.add(hostPrefix);
        originateHook.accept(hostPrefix);
    }

    @Override
    public void withdraw(Prefix hostPrefix) {
        events.add("withdraw " + hostPrefix);
        originated.remove(hostPrefix);
    }

    @Override
    public void installClientRoute(IpAddress address, byte[] mac) {
        String m = HexFormat.ofDelimiter(":").formatHex(mac);
        events.add("route " + address + " " + m);
        routes.put(address, m);
    }

    @Override
    public void removeClientRoute(IpAddress address) {
        events.add("unroute " + address);
        routes.remove(address);
    }

    @Override
    public void addNodeClientAddress(IpAddress address) {
        events.add("lo+ " + address);
        onLo.add(address);
    }

    @Override
    public void removeNodeClientAddress(IpAddress address) {
        events.add("lo- " + address);
        onLo.remove(address);
    }

    @Override
    public void sendNeighbourSolicitation(IpAddress target, IpAddress destination) {
        events.add("ns " + target + " to " + destination);
        probes.add(new Probe(target, destination));
        probeHook.accept(target);
    }

    @Override
    public void sendArpRequest(IpAddress v4Target) {
        events.add("arp " + v4Target);
        arps.add(v4Target);
        probeHook.accept(v4Target);
    }

    @Override
    public void sendMulticast(byte[] datagram) {
        events.add("multicast " + type(datagram));
        multicasts.add(datagram);
        multicastHook.accept(datagram);
    }

    @Override
    public void sendUnicast(IpAddress destination, byte[] datagram) {
        events.add("unicast " + type(datagram) + " to " + destination);
        unicasts.add(new Unicast(destination, datagram));
        unicastHook.accept(destination, datagram);
    }

    @Override
    public void reinject(byte[] packet) {
        events.add("reinject");
        reinjected.add(packet);
    }

    @Override
    public void sendToTun(byte[] icmpError) {
        events.add("icmp");
        tun.add(icmpError);
    }

    @Override
    public boolean servedElsewhere(IpAddress nodeClientAddress) {
        return elsewhere.test(nodeClientAddress);
    }

    @Override
    public void count(String counter) {
        counters.merge(counter, 1L, Long::sum);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** The unicast datagrams of one type (0 SEEK .. 3 ACK). */
    List<Unicast> unicasts(int type) {
        return unicasts.stream().filter(u -> (u.datagram()[2] & 0xff) == type).toList();
    }

    void clear() {
        events.clear();
        probes.clear();
        arps.clear();
        multicasts.clear();
        unicasts.clear();
        reinjected.clear();
        tun.clear();
        counters.clear();
    }

    private static String type(byte[] d) {
        return d.length > 2 ? switch (d[2]) {
            case 0 -> "SEEK";
            case 1 -> "CLAIM";
            case 2 -> "INFO";
            case 3 -> "ACK";
            default -> "?";
        } : "?";
    }
}
