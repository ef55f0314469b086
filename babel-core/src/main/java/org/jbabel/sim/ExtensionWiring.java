package org.jbabel.sim;

import java.util.List;
import java.util.Objects;
import org.jbabel.extension.NetInterface;
import org.jbabel.wire.IpAddress;

/**
 * What the extensions on the nodes of a {@link Simulation} reach through their {@link SimNodeHost}s: the clock and
 * the timeline, their node's interfaces, the {@link LinkLayer} for their own datagrams (lost and counted as Babel's
 * are), the other nodes' hosts, the FIBs, the clients, and the observer of TUN devices.
 */
final class ExtensionWiring implements SimNodeHost.Wiring {

    private final Timeline timeline;
    private final LinkLayer links;
    private final DataPlane plane;
    private final SimConfig config;
    private final List<String> nodeIds;
    private final SimNode[] nodes;
    private final SimClients clients;
    private Simulation.DeviceObserver deviceObserver = (node, device, packet) -> {};
    private Thread runner = Thread.currentThread();

    /** {@code nodes} is filled by the caller once the nodes exist (they need this wiring). */
    ExtensionWiring(Timeline timeline, LinkLayer links, DataPlane plane, SimConfig config, List<String> nodeIds,
            SimNode[] nodes, SimClients clients) {
        this.timeline = timeline;
        this.links = links;
        this.plane = plane;
        this.config = config;
        this.nodeIds = nodeIds;
        this.nodes = nodes;
        this.clients = clients;
    }

    void setDeviceObserver(Simulation.DeviceObserver observer) {
        this.deviceObserver = Objects.requireNonNull(observer);
    }

    /** The thread that runs the events from now on. */
    void setRunner(Thread runner) {
        this.runner = runner;
    }

    @Override
    public long now() {
        return timeline.engineNow();
    }

    @Override
    public void at(long delay, int node, int incarnation, Runnable task) {
        timeline.at(timeline.now() + Math.max(0, delay), new SimEvent.Task(node, incarnation, task));
    }

    @Override
    public List<NetInterface> interfaces(int node) {
        return nodes[node].netInterfaces();
    }

    @Override
    public SimNodeHost peer(int node, int ifindex) {
        LinkLayer.Port p = links.portByIndex(node, ifindex);
        if (p == null || links.loses(p)) {
            return null;
        }
        return nodes[links.peer(p).node()].host();
    }

    @Override
    public IpAddress peerAddress(int node, int ifindex) {
        LinkLayer.Port p = links.portByIndex(node, ifindex);
        return p == null ? null : links.peer(p).linkLocal();
    }

    @Override
    public int peerIfindex(int node, int ifindex) {
        LinkLayer.Port p = links.portByIndex(node, ifindex);
        return p == null ? 0 : links.peer(p).ifindex();
    }

    @Override
    public int peerNode(int node, int ifindex) {
        LinkLayer.Port p = links.portByIndex(node, ifindex);
        return p == null ? -1 : links.peer(p).node();
    }

    @Override
    public boolean linkUp(int node, int ifindex) {
        LinkLayer.Port p = links.portByIndex(node, ifindex);
        return p != null && links.up(p.link());
    }

    @Override
    public boolean lost(int node, int ifindex) {
        return links.loses(links.portByIndex(node, ifindex));
    }

    @Override
    public long delay() {
        return config.delay();
    }

    @Override
    public SimFib fib(int node) {
        return plane.fib(node);
    }

    @Override
    public SimNodeHost host(int node) {
        return nodes[node].host();
    }

    @Override
    public SimClients clients() {
        return clients;
    }

    @Override
    public String nodeName(int node) {
        return nodeIds.get(node);
    }

    @Override
    public void turn(int node) {
        nodes[node].turn();
    }

    @Override
    public void tunWritten(int node, String device, byte[] packet) {
        deviceObserver.written(node, device, packet);
    }

    @Override
    public boolean onSimulationThread() {
        return Thread.currentThread() == runner;
    }
}
