package org.jbabel.engine;

import java.util.LinkedHashSet;
import java.util.List;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;

/**
 * Where TLVs go: into the {@link SendBuffers}, addressed to the multicast group, or, on an interface in unicast
 * mode, to each configured and each known neighbour; IHUs with the Hellos or to the neighbour itself.
 */
final class Outbox {
    private static final List<IpAddress> GROUP = List.of(IpAddress.BABEL_GROUP);

    private final Interfaces interfaces;
    private final Neighbours neighbours;
    private final SendBuffers buffers;

    Outbox(Interfaces interfaces, Neighbours neighbours, SendBuffers buffers) {
        this.interfaces = interfaces;
        this.neighbours = neighbours;
        this.buffers = buffers;
    }

    /** Buffers a TLV for one destination on one interface, to be sent no later than {@code deadline}. */
    void add(Interfaces.Iface i, IpAddress destination, Tlv tlv, long deadline) {
        buffers.add(i, destination, tlv, deadline);
    }

    /** Buffers the update for a key for one destination on one interface, composed when it is sent. */
    void addUpdate(Interfaces.Iface i, IpAddress destination, RouteKey key, long deadline) {
        buffers.addUpdate(i, destination, key, deadline);
    }

    /** Buffers our whole table for one destination on one interface, composed when it is sent. */
    void addWholeTable(Interfaces.Iface i, IpAddress destination, long deadline) {
        buffers.addWholeTable(i, destination, deadline);
    }

    /**
     * Where TLVs meant for every neighbour on an interface go: the multicast group, or, on an interface in unicast
     * mode, each configured and each known neighbour.
     */
    List<IpAddress> groupDestinations(Interfaces.Iface i) {
        InterfaceConfig c = i.config();
        if (!c.unicastOnly()) {
            return GROUP;
        }
        LinkedHashSet<IpAddress> result = new LinkedHashSet<>(c.neighbours());
        for (Neighbour n : neighbours.on(i.name())) {
            result.add(n.address);
        }
        return List.copyOf(result);
    }

    void toGroup(Interfaces.Iface i, Tlv tlv, long deadline) {
        for (IpAddress d : groupDestinations(i)) {
            buffers.add(i, d, tlv, deadline);
        }
    }

    /** A TLV for every neighbour on every interface that is up. */
    void everywhere(Tlv tlv, long deadline) {
        for (Interfaces.Iface i : interfaces.allUp()) {
            toGroup(i, tlv, deadline);
        }
    }

    void updateToGroup(Interfaces.Iface i, RouteKey key, long deadline) {
        for (IpAddress d : groupDestinations(i)) {
            buffers.addUpdate(i, d, key, deadline);
        }
    }

    void sendUpdateEverywhere(RouteKey key, long deadline) {
        for (Interfaces.Iface i : interfaces.allUp()) {
            updateToGroup(i, key, deadline);
        }
    }

    /** IHUs go with the multicast Hellos, or to the neighbour itself on an interface in unicast mode. */
    static IpAddress ihuDestination(Neighbour n) {
        return n.iface.config().unicastOnly() ? n.address : IpAddress.BABEL_GROUP;
    }

    /** Requests for IPv4 prefixes always use AE 1, as babeld's do. */
    static AddressEncoding requestEncoding(Prefix prefix) {
        return prefix.family() == Family.V4 ? AddressEncoding.IPV4 : AddressEncoding.IPV6;
    }

    /** A route request for one key (RFC 8966 §4.6.5). */
    static Tlv.RouteRequest routeRequest(RouteKey key) {
        return new Tlv.RouteRequest(requestEncoding(key.prefix()), key.prefix(), key.source(), List.of());
    }
}
