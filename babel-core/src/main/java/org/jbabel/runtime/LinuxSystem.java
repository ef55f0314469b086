package org.jbabel.runtime;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.Network;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.LinkMonitor;
import org.jbabel.kernel.Rules;
import org.jbabel.linux.EmergencyFlush;
import org.jbabel.linux.FdPoller;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxFib;
import org.jbabel.linux.LinuxKernelAccess;
import org.jbabel.linux.LinuxLinkMonitor;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.NetlinkCounters;
import org.jbabel.wire.IpAddress;

/**
 * The Linux kernel of the calling thread's network namespace: routes and rules over rtnetlink, link monitoring,
 * {@link BabelSocket}, the sysctls under {@code /proc/sys}, and the emergency flush's sockets, opened at once so that
 * routes can still be removed after an {@link OutOfMemoryError}.
 */
public final class LinuxSystem implements DaemonSystem {

    private final NetlinkCounters netlinkCounters = new NetlinkCounters();
    private final LinuxFib fib;
    private final LinuxLinkMonitor monitor;
    private final EmergencyFlush emergencyFlush;

    /** Opens the netlink sockets in the calling thread's network namespace. */
    public LinuxSystem() {
        this.fib = new LinuxFib(netlinkCounters);
        try {
            this.monitor = new LinuxLinkMonitor(netlinkCounters);
            this.emergencyFlush = new EmergencyFlush();
        } catch (RuntimeException e) {
            fib.close();
            throw e;
        }
    }

    @Override
    public Fib fib() {
        return fib;
    }

    @Override
    public Rules rules() {
        return fib;
    }

    @Override
    public LinkMonitor links() {
        return monitor;
    }

    @Override
    public Transport openTransport(Executor loop, IpAddress group, int port, Transport.Receiver receiver) {
        return BabelSocket.open(loop, group, port, receiver);
    }

    @Override
    public KernelSetup kernelSetup() {
        return new KernelSetup(Path.of("/proc/sys"));
    }

    @Override
    public byte[] hardwareAddress(String name) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(name);
            return ni == null ? null : ni.getHardwareAddress();
        } catch (SocketException e) {
            return null;
        }
    }

    @Override
    public int emergencyFlush(int protocol) {
        return emergencyFlush.flush(protocol);
    }

    @Override
    public Map<String, Long> counters() {
        return netlinkCounters.snapshot();
    }

    @Override
    public ExtensionIo extensionIo(Executor loop) {
        return new LinuxExtensionIo(loop);
    }

    @Override
    public void close() {
        fib.close();
        monitor.close();
        emergencyFlush.close();
    }

    /** Sockets and devices read by one poller thread, started when the first is opened. */
    private final class LinuxExtensionIo implements ExtensionIo {
        private final Executor loop;
        private final IoCounters ioCounters = new IoCounters();
        private final List<LinuxNetwork> networks = new ArrayList<>();
        private final List<LinuxKernelAccess> kernels = new ArrayList<>();
        private FdPoller poller;

        LinuxExtensionIo(Executor loop) {
            this.loop = loop;
        }

        private FdPoller poller() {
            if (poller == null) {
                poller = new FdPoller(loop, ioCounters);
            }
            return poller;
        }

        @Override
        public Network network(String extension) {
            LinuxNetwork n = new LinuxNetwork(poller());
            networks.add(n);
            return n;
        }

        @Override
        public KernelAccess kernel(String extension) {
            LinuxKernelAccess k = new LinuxKernelAccess(poller(), fib, netlinkCounters);
            kernels.add(k);
            return k;
        }

        @Override
        public Map<String, Long> counters() {
            return poller == null ? Map.of() : ioCounters.snapshot();
        }

        @Override
        public void close(DaemonLog log) {
            networks.forEach(LinuxNetwork::close);
            networks.clear();
            for (LinuxKernelAccess k : kernels) {
                List<Integer> left = k.flushOwnRoutes();
                if (!left.isEmpty() && log != null) {
                    log.info("could not flush the routes of protocol(s) " + left);
                }
                k.close();
            }
            kernels.clear();
            if (poller != null) {
                poller.close();
            }
        }
    }
}
