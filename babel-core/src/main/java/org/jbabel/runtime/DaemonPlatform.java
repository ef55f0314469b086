package org.jbabel.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.HostPlatform;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.Link;
import org.jbabel.wire.IpAddress;

/**
 * The daemon as a host of extensions: its event loop is the extensions' thread and clock, an engine turn is the
 * daemon's end-of-turn, and the interfaces are those Babel is configured on.
 */
final class DaemonPlatform implements HostPlatform {

    private final DaemonLoop loop;
    private final DaemonLog log;
    private final InterfaceTracker tracker;
    private final Runnable turn;
    /** The sockets, devices and kernel access of the system the daemon runs on. */
    private final DaemonSystem.ExtensionIo io;
    private final Function<String, ControlRegistry> control;
    private final java.util.function.BiPredicate<Integer, org.jbabel.wire.IpAddress> admits;

    /**
     * @param control each extension's registry on the control socket
     * @param admits whether a datagram from a source on an interface may reach an extension ({@link #admits})
     */
    DaemonPlatform(DaemonLoop loop, DaemonLog log, InterfaceTracker tracker, Runnable turn,
            DaemonSystem.ExtensionIo io, Function<String, ControlRegistry> control,
            java.util.function.BiPredicate<Integer, org.jbabel.wire.IpAddress> admits) {
        this.loop = loop;
        this.log = log;
        this.tracker = tracker;
        this.turn = turn;
        this.io = io;
        this.control = control;
        this.admits = admits;
    }

    @Override
    public boolean admits(int ifindex, org.jbabel.wire.IpAddress source) {
        return admits.test(ifindex, source);
    }

    @Override
    public long now() {
        return System.nanoTime();
    }

    @Override
    public ExtensionContext.Timer schedule(long delayNanos, Runnable task) {
        return loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS)::cancel;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public boolean onHostThread() {
        return loop.inLoop();
    }

    @Override
    public void engineTurn() {
        turn.run();
    }

    @Override
    public List<NetInterface> interfaces() {
        List<NetInterface> out = new ArrayList<>();
        for (String name : tracker.configuredNames()) {
            InterfaceConfig running = tracker.running().get(name);
            Link link = tracker.link(name);
            int ifindex = running != null ? running.ifindex() : link == null ? 0 : link.ifindex();
            List<IpAddress> addresses = new ArrayList<>();
            for (InterfaceAddress a : tracker.addresses()) {
                if (a.ifindex() == ifindex && ifindex != 0) {
                    addresses.add(a.address());
                }
            }
            // An interface whose link-local address is still tentative is not up for extensions: Babel only listens
            // there, and nothing can be sent from that address until duplicate address detection has finished.
            boolean usable = running != null && !tracker.isTentative(name);
            out.add(new NetInterface(name, ifindex, usable, usable ? running.linkLocal() : null, addresses));
        }
        return out;
    }

    @Override
    public Network network(String extension) {
        return io.network(extension);
    }

    @Override
    public KernelAccess kernel(String extension) {
        return io.kernel(extension);
    }

    @Override
    public ControlRegistry control(String extension) {
        return control.apply(extension);
    }

    @Override
    public ExtensionContext.Log log(String extension) {
        return new ExtensionContext.Log() {
            @Override
            public void info(String message) {
                log.info(extension + ": " + message);
            }

            @Override
            public void debug(String message) {
                log.debug(extension + ": " + message);
            }

            @Override
            public void error(String message, Throwable cause) {
                log.error(extension + ": " + message, cause);
            }
        };
    }
}
