package org.jbabel.runtime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.InterfaceEntry;
import org.jbabel.config.InterfaceName;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.Position;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.config.RuntimeStatements;
import org.jbabel.config.UnicastNeighbour;
import org.jbabel.control.ControlTarget;
import org.jbabel.control.NeighbourEntry;
import org.jbabel.control.NodeInfo;
import org.jbabel.control.RouteEntry;
import org.jbabel.control.StateSnapshot;
import org.jbabel.control.XrouteEntry;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.InterfaceView;
import org.jbabel.engine.LocalRouteView;
import org.jbabel.engine.NeighbourView;
import org.jbabel.engine.RouteView;

/**
 * The daemon as the control socket sees it: babeld's dump, field for field, built from the engine's views, and the
 * runtime statements of a read-write socket. Called on the daemon's event loop only.
 */
final class DaemonControl implements ControlTarget {

    private static final Position RUNTIME = new Position(RuntimeStatements.SOURCE, 0, 0);

    private final Daemon daemon;
    private final String host;

    DaemonControl(Daemon daemon) {
        this.daemon = daemon;
        this.host = hostName();
    }

    @Override
    public org.jbabel.control.ExtensionControls extensions() {
        return daemon.extensionControls();
    }

    @Override
    public void internalError(String what, RuntimeException error) {
        daemon.errors().report(what, error);
    }

    @Override
    public StateSnapshot snapshot() {
        BabelEngine engine = daemon.engine();
        return snapshot(new NodeInfo(Daemon.VERSION, host, engine.routerId()), daemon.tracker().configuredNames(),
                engine.interfaces(), engine.neighbours(), engine.localRoutes(), engine.routes(),
                daemon.allCounters());
    }

    /** The banner's information, without a snapshot of the tables. */
    @Override
    public NodeInfo node() {
        return new NodeInfo(Daemon.VERSION, host, daemon.engine().routerId());
    }

    /** The dump of a node from the engine's views; {@code names} are the interfaces to list, up or not. */
    static StateSnapshot snapshot(NodeInfo node, List<String> names, List<InterfaceView> interfaces,
            List<NeighbourView> neighbours, List<LocalRouteView> local, List<RouteView> routes,
            Map<String, Long> counters) {
        List<org.jbabel.control.InterfaceEntry> ifs = new ArrayList<>();
        for (String name : names) {
            InterfaceView v = interfaces.stream().filter(i -> i.name().equals(name) && i.up()).findFirst()
                    .orElse(null);
            ifs.add(v == null ? org.jbabel.control.InterfaceEntry.down(name)
                    : new org.jbabel.control.InterfaceEntry(name, true, v.linkLocal(), v.ipv4()));
        }
        List<NeighbourEntry> ns = new ArrayList<>();
        for (NeighbourView n : neighbours) {
            ns.add(new NeighbourEntry(NeighbourEntry.idOf(n.address(), n.ifname()), n.address(), n.ifname(),
                    n.reach() & 0xFFFF, n.unicastReach() & 0xFFFF, clamp(n.rxcost()), clamp(n.txcost()),
                    n.rttMicros() < 0 ? null : new NeighbourEntry.Rtt(n.rttMicros(), clamp(n.rttCost())), clamp(n.cost())));
        }
        List<XrouteEntry> xs = new ArrayList<>();
        for (LocalRouteView x : local) {
            xs.add(new XrouteEntry(x.key().prefix(), x.key().source(), clamp(x.metric())));
        }
        List<RouteEntry> rs = new ArrayList<>();
        for (RouteView r : routes) {
            rs.add(new RouteEntry(RouteEntry.idOf(r.key().prefix(), r.key().source(), r.neighbour(), r.ifname()),
                    r.key().prefix(), r.key().source(), r.installed(), r.routerId(), clamp(r.metric()),
                    clamp(r.refmetric()), r.neighbour(), r.ifname()));
        }
        return new StateSnapshot(node, ifs, ns, xs, rs, new TreeMap<>(counters));
    }

    @Override
    public Result apply(RuntimeStatement statement) {
        DaemonConfig c = daemon.tracker().config();
        return switch (statement) {
            case RuntimeStatement.AddInterface a -> {
                daemon.reconfigure(withInterface(c, a));
                yield Result.OK;
            }
            case RuntimeStatement.FlushInterface f -> {
                DaemonConfig next = withoutInterface(c, f.name());
                if (next == null) {
                    yield Result.no("No such interface");
                }
                daemon.reconfigure(next);
                yield Result.OK;
            }
            case RuntimeStatement.SetDefaults d -> {
                daemon.reconfigure(new DaemonConfig(c.globals(), c.keys(), d.settings().over(c.defaults()),
                        c.interfaces(), c.commandLineInterfaces(), c.neighbours(), c.filters(), c.warnings(),
                        c.extensions()));
                yield Result.OK;
            }
            case RuntimeStatement.SetLinkDetect l -> {
                daemon.setLinkDetect(l.on());
                yield Result.OK;
            }
            case RuntimeStatement.SetLogFile l -> reopen(l.path());
            case RuntimeStatement.ReopenLogfile r -> reopen(daemon.log().file());
            case RuntimeStatement.AddKey k -> {
                Map<String, KeyConfig> keys = new LinkedHashMap<>(c.keys());
                keys.put(k.key().id(), k.key());
                daemon.reconfigure(new DaemonConfig(c.globals(), keys, c.defaults(), c.interfaces(),
                        c.commandLineInterfaces(), c.neighbours(), c.filters(), c.warnings(), c.extensions()));
                yield Result.OK;
            }
            case RuntimeStatement.AddNeighbour n -> {
                List<UnicastNeighbour> neighbours = new ArrayList<>(c.neighbours());
                if (!neighbours.contains(n.neighbour())) {
                    neighbours.add(n.neighbour());
                }
                daemon.reconfigure(new DaemonConfig(c.globals(), c.keys(), c.defaults(), c.interfaces(),
                        c.commandLineInterfaces(), neighbours, c.filters(), c.warnings(), c.extensions()));
                yield Result.OK;
            }
            case RuntimeStatement.SetSmoothingHalfLife s -> Result.no("smoothing-half-life cannot be changed at run time");
            case RuntimeStatement.Dump d -> Result.OK;
            case RuntimeStatement.Monitor m -> Result.OK;
            case RuntimeStatement.Unmonitor u -> Result.OK;
            case RuntimeStatement.Quit q -> Result.OK;
        };
    }

    @Override
    public Map<String, KeyConfig> keys() {
        return daemon.tracker().config().keys();
    }

    private Result reopen(String path) {
        try {
            daemon.log().reopen(path);
            return Result.OK;
        } catch (IOException e) {
            return Result.no("cannot open log file: " + e.getMessage());
        }
    }

    private static DaemonConfig withInterface(DaemonConfig c, RuntimeStatement.AddInterface a) {
        List<InterfaceEntry> entries = new ArrayList<>();
        boolean merged = false;
        for (InterfaceEntry e : c.interfaces()) {
            if (e.name().equals(a.name())) {
                entries.add(new InterfaceEntry(e.name(), a.settings().over(e.settings()), e.position()));
                merged = true;
            } else {
                entries.add(e);
            }
        }
        if (!merged) {
            entries.add(new InterfaceEntry(a.name(), a.settings(), RUNTIME));
        }
        return new DaemonConfig(c.globals(), c.keys(), c.defaults(), entries, c.commandLineInterfaces(),
                c.neighbours(), c.filters(), c.warnings(), c.extensions());
    }

    /** The configuration without the interface (or pattern) {@code name}, or null when it was not configured. */
    private static DaemonConfig withoutInterface(DaemonConfig c, String name) {
        List<InterfaceEntry> entries = c.interfaces().stream().filter(e -> !e.name().text().equals(name)).toList();
        List<InterfaceName> operands = c.commandLineInterfaces().stream().filter(n -> !n.text().equals(name)).toList();
        if (entries.size() == c.interfaces().size() && operands.size() == c.commandLineInterfaces().size()) {
            return null;
        }
        return new DaemonConfig(c.globals(), c.keys(), c.defaults(), entries, operands, c.neighbours(), c.filters(),
                c.warnings(), c.extensions());
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(0xFFFF, v));
    }

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            if (!h.isEmpty() && h.chars().noneMatch(ch -> ch <= ' ')) {
                return h;
            }
        } catch (IOException e) {
            // fall through to the default below
        }
        return "localhost";
    }
}
