package org.jbabel.roaming.mmfd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jbabel.extension.BabelApi;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;

/**
 * An {@link ExtensionContext} for unit tests: a manual clock with timers, captured sends and TUN writes, injectable
 * datagrams and TUN packets, interfaces the test changes, counters and control registrations it reads back. No Babel
 * and no kernel: those calls fail.
 */
final class FakeContext implements ExtensionContext {

    record Sent(IpAddress destination, int port, int ifindex, byte[] data) {}

    record Membership(IpAddress group, int ifindex) {}

    private long now = 1_000_000_000L;
    private long sequence;
    private final PriorityQueue<FakeTimer> timers = new PriorityQueue<>(
            Comparator.comparingLong((FakeTimer t) -> t.due).thenComparingLong(t -> t.order));
    private final Map<String, NetInterface> interfaces = new LinkedHashMap<>();
    private final List<Consumer<NetInterface>> interfaceObservers = new ArrayList<>();
    final Map<String, Long> counters = new TreeMap<>();
    final Map<String, Supplier<List<ControlRegistry.Item>>> sections = new LinkedHashMap<>();
    final Map<String, ControlRegistry.Command> commands = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();

    final List<Sent> sent = new ArrayList<>();
    final List<byte[]> tunWritten = new ArrayList<>();
    final List<Membership> joined = new ArrayList<>();
    FakeSocket socket;
    FakeTun tun;
    UdpSocket.Options socketOptions;

    void addInterface(NetInterface i) {
        interfaces.put(i.name(), i);
    }

    /** Changes an interface and tells the observers. */
    void changeInterface(NetInterface i) {
        interfaces.put(i.name(), i);
        for (Consumer<NetInterface> o : List.copyOf(interfaceObservers)) {
            o.accept(i);
        }
    }

    /** Moves the clock forward, running every timer that falls due on the way, in order. */
    void advance(long nanos) {
        long end = now + nanos;
        while (!timers.isEmpty() && timers.peek().due <= end) {
            FakeTimer t = timers.poll();
            now = Math.max(now, t.due);
            if (t.period > 0) {
                t.due += t.period;
                timers.add(t);
            }
            t.task.run();
        }
        now = end;
    }

    void advanceSeconds(double seconds) {
        advance((long) (seconds * 1e9));
    }

    void receive(IpAddress source, IpAddress destination, int ifindex, byte[] data) {
        socket.receiver.accept(new Network.Datagram(source, MmfdEngine.PORT, destination, ifindex, data));
    }

    void fromTun(byte[] packet) {
        tun.receiver.accept(packet);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    int pendingTimers() {
        return timers.size();
    }

    @Override
    public String name() {
        return "mmfd";
    }

    @Override
    public BabelApi babel() {
        throw new UnsupportedOperationException("no Babel in this test");
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Timer schedule(long delayNanos, Runnable task) {
        return add(new FakeTimer(now + delayNanos, 0, task, sequence++));
    }

    @Override
    public Timer every(long initialDelayNanos, long periodNanos, Runnable task) {
        return add(new FakeTimer(now + initialDelayNanos, periodNanos, task, sequence++));
    }

    private Timer add(FakeTimer t) {
        timers.add(t);
        return () -> timers.remove(t);
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public List<NetInterface> interfaces() {
        return List.copyOf(interfaces.values());
    }

    @Override
    public BabelApi.Subscription onInterfaceChange(Consumer<NetInterface> observer) {
        interfaceObservers.add(observer);
        return () -> interfaceObservers.remove(observer);
    }

    @Override
    public Network network() {
        return new Network() {
            @Override
            public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) {
                socketOptions = options;
                socket = new FakeSocket(receiver);
                return socket;
            }

            @Override
            public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) {
                tun = new FakeTun(name, mtu, receiver);
                return tun;
            }

            @Override
            public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
                throw new IOException("no TAP in this test");
            }

            @Override
            public LinkSocket packet(String ifname, int ethertype, byte[] bpf, Consumer<LinkFrame> receiver)
                    throws IOException {
                throw new IOException("no AF_PACKET in this test");
            }

            @Override
            public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver)
                    throws IOException {
                throw new IOException("no ICMPv6 in this test");
            }
        };
    }

    @Override
    public KernelAccess kernel() {
        throw new UnsupportedOperationException("no kernel in this test");
    }

    @Override
    public Counters counters() {
        return new Counters() {
            @Override
            public void increment(String name) {
                add(name, 1);
            }

            @Override
            public void add(String name, long delta) {
                counters.merge(name, delta, Long::sum);
            }
        };
    }

    @Override
    public ControlRegistry control() {
        return new ControlRegistry() {
            @Override
            public void section(String kind, Supplier<List<Item>> items) {
                sections.put(kind, items);
            }

            @Override
            public void command(String name, String help, Command handler) {
                commands.put(name, handler);
            }
        };
    }

    @Override
    public Log log() {
        return new Log() {
            @Override
            public void info(String message) {
                log.add(message);
            }

            @Override
            public void debug(String message) {
                log.add(message);
            }

            @Override
            public void error(String message, Throwable cause) {
                log.add(message + ": " + cause);
            }
        };
    }

    private static final class FakeTimer {
        long due;
        final long period;
        final Runnable task;
        final long order;

        FakeTimer(long due, long period, Runnable task, long order) {
            this.due = due;
            this.period = period;
            this.task = task;
            this.order = order;
        }
    }

    final class FakeSocket implements UdpSocket {
        final Consumer<Network.Datagram> receiver;
        boolean closed;

        FakeSocket(Consumer<Network.Datagram> receiver) {
            this.receiver = receiver;
        }

        @Override
        public void join(IpAddress group, int ifindex) {
            joined.add(new Membership(group, ifindex));
        }

        @Override
        public void leave(IpAddress group, int ifindex) {
            joined.remove(new Membership(group, ifindex));
        }

        @Override
        public boolean send(IpAddress destination, int port, int ifindex, byte[] data) {
            sent.add(new Sent(destination, port, ifindex, data));
            return true;
        }

        @Override
        public int localPort() {
            return socketOptions.port();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    final class FakeTun implements Network.PacketDevice {
        final String name;
        final int mtu;
        final Consumer<byte[]> receiver;
        boolean closed;

        FakeTun(String name, int mtu, Consumer<byte[]> receiver) {
            this.name = name;
            this.mtu = mtu;
            this.receiver = receiver;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int ifindex() {
            return 99;
        }

        @Override
        public boolean write(byte[] packet) {
            tunWritten.add(packet);
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
