package org.jbabel.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.engine.Action;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.engine.Time;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * A hop-count distance-vector stand-in for the Babel engine, for testing the simulator's driver: every second it
 * sends its table on every interface (poisoned reverse), takes any better route and any news from its current
 * next hop, and retracts the routes of an interface that goes down. It records what the driver did to it.
 */
final class ToyDistanceVector implements SimEngine {
    static final long PERIOD = Time.seconds(1);
    /** RIP's infinity: bounds counting to infinity after a failure. */
    static final int UNREACHABLE = 16;

    record Received(long now, String ifname, IpAddress source, IpAddress destination) {}

    /** What the driver told the engine about an interface: {@code up}, {@code down} or {@code ready}. */
    record InterfaceEvent(long now, String what, String ifname) {}

    private record Route(int metric, IpAddress nextHop, String ifname) {}

    final RouterId routerId;
    final int seqno;
    final List<Received> received = new ArrayList<>();
    final List<Long> ticks = new ArrayList<>();
    final List<InterfaceEvent> interfaceEvents = new ArrayList<>();
    private final Map<String, InterfaceConfig> interfaces = new LinkedHashMap<>();
    private final Map<RouteKey, Integer> local = new TreeMap<>();
    private final Map<RouteKey, Route> routes = new TreeMap<>();
    /** Routes lost with an interface, advertised as unreachable until a new route replaces them. */
    private final java.util.Set<RouteKey> retracted = new java.util.TreeSet<>();
    private final List<Action> actions = new ArrayList<>();
    private long nextTick = Long.MAX_VALUE;

    ToyDistanceVector(RouterId routerId, int seqno) {
        this.routerId = routerId;
        this.seqno = seqno;
    }

    @Override
    public void interfaceUp(long now, InterfaceConfig iface) {
        interfaceEvents.add(new InterfaceEvent(now, "up", iface.name()));
        interfaces.put(iface.name(), iface);
        nextTick = Math.min(nextTick, now);
    }

    @Override
    public void interfaceReady(long now, String ifname) {
        interfaceEvents.add(new InterfaceEvent(now, "ready", ifname));
    }

    @Override
    public void interfaceDown(long now, String ifname) {
        interfaceEvents.add(new InterfaceEvent(now, "down", ifname));
        interfaces.remove(ifname);
        routes.entrySet().removeIf(e -> {
            if (e.getValue().ifname().equals(ifname)) {
                actions.add(new Action.FibUpdate(Action.FibOp.REMOVE, e.getKey(), null, null, 0));
                retracted.add(e.getKey());
                return true;
            }
            return false;
        });
    }

    @Override
    public void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {
        received.add(new Received(now, ifname, source, destination));
        for (Tlv tlv : packet.body()) {
            if (!(tlv instanceof Tlv.Update u)) {
                continue;
            }
            RouteKey key = new RouteKey(u.prefix(), u.sourcePrefix());
            if (local.containsKey(key)) {
                continue;
            }
            int metric = Math.min(UNREACHABLE, u.metric() + 1);
            Route current = routes.get(key);
            boolean fromNextHop = current != null && current.nextHop().equals(source);
            if (metric >= UNREACHABLE) {
                if (fromNextHop) {
                    routes.remove(key);
                    actions.add(new Action.FibUpdate(Action.FibOp.REMOVE, key, null, null, 0));
                }
            } else if (current == null || metric < current.metric() || (fromNextHop && metric != current.metric())) {
                routes.put(key, new Route(metric, source, ifname));
                retracted.remove(key);
                actions.add(new Action.FibUpdate(
                        current == null ? Action.FibOp.ADD : Action.FibOp.REPLACE, key, source, ifname, metric));
            }
        }
    }

    @Override
    public void originate(long now, RouteKey key, int metric) {
        local.put(key, metric);
    }

    @Override
    public void withdraw(long now, RouteKey key) {
        local.remove(key);
    }

    @Override
    public void tick(long now) {
        ticks.add(now);
        if (now < nextTick) {
            return;
        }
        nextTick = now + PERIOD;
        for (InterfaceConfig iface : interfaces.values()) {
            List<Tlv> tlvs = new ArrayList<>();
            local.forEach((k, m) -> tlvs.add(update(k, m)));
            retracted.forEach(k -> tlvs.add(update(k, UNREACHABLE)));
            routes.forEach((k, r) -> tlvs.add(update(k, r.ifname().equals(iface.name()) ? UNREACHABLE : r.metric())));
            actions.add(new Action.Send(iface.name(), IpAddress.BABEL_GROUP, tlvs));
        }
    }

    private Tlv.Update update(RouteKey k, int metric) {
        return new Tlv.Update(AddressEncoding.IPV6, 0, k.prefix(), k.source(), 400, seqno, metric, routerId, null,
                List.of());
    }

    @Override
    public long nextWakeup() {
        return nextTick;
    }

    @Override
    public List<Action> pollActions() {
        List<Action> out = List.copyOf(actions);
        actions.clear();
        return out;
    }

    @Override
    public List<SelectedRoute> selectedRoutes() {
        List<SelectedRoute> out = new ArrayList<>();
        routes.forEach((k, r) -> out.add(new SelectedRoute(k, routerId, seqno, r.metric(), r.nextHop(), r.ifname(), false)));
        return out;
    }
}
