package org.jbabel.conformance;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two TUN devices joined by this process with a fixed one-way delay in each direction: a point-to-point link with a
 * known round-trip time, for kernels without {@code sch_netem}. The devices are made in the test's own namespace;
 * move them with {@code ip link set NAME netns NS} (the relay keeps working). Packets are relayed in order; a packet
 * still waiting when the tunnel is closed is dropped. A tunnel made {@link #withoutMulticast} drops every IPv6 packet
 * to a multicast address, as a WireGuard link does.
 */
final class DelayedTunnel implements AutoCloseable {

    private static final int O_RDWR = 2;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short POLLIN = 1;
    private static final int MTU = 65536;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fdA;
    private final int fdB;
    private final long delayNanos;
    private final boolean multicast;
    private final AtomicLong multicastDropped = new AtomicLong();
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor();
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean running = true;

    /** Creates TUN devices {@code nameA} and {@code nameB} (at most 15 characters) and starts relaying. */
    DelayedTunnel(String nameA, String nameB, Duration oneWay) throws Throwable {
        this(nameA, nameB, oneWay, true);
    }

    /** A tunnel without delay that carries unicast only: IPv6 packets to multicast addresses are dropped, counted. */
    static DelayedTunnel withoutMulticast(String nameA, String nameB) throws Throwable {
        return new DelayedTunnel(nameA, nameB, Duration.ZERO, false);
    }

    private DelayedTunnel(String nameA, String nameB, Duration oneWay, boolean multicast) throws Throwable {
        this.delayNanos = oneWay.toNanos();
        this.multicast = multicast;
        this.fdA = openTun(nameA);
        int b;
        try {
            b = openTun(nameB);
        } catch (Throwable t) {
            close(fdA);
            throw t;
        }
        this.fdB = b;
        readers.add(Thread.ofPlatform().daemon().name("tun-" + nameA).start(() -> relay(fdA, fdB)));
        readers.add(Thread.ofPlatform().daemon().name("tun-" + nameB).start(() -> relay(fdB, fdA)));
    }

    private static int openTun(String name) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom("/dev/net/tun"), O_RDWR);
            if (fd < 0) {
                throw new IllegalStateException("cannot open /dev/net/tun");
            }
            MemorySegment ifreq = arena.allocate(40);
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            if (n.length > 15) {
                throw new IllegalArgumentException("interface name too long: " + name);
            }
            MemorySegment.copy(n, 0, ifreq, JAVA_BYTE, 0, n.length);
            ifreq.set(JAVA_SHORT, 16, (short) (IFF_TUN | IFF_NO_PI));
            if ((int) IOCTL.invokeExact(fd, TUNSETIFF, ifreq) < 0) {
                close(fd);
                throw new IllegalStateException("TUNSETIFF " + name + " failed");
            }
            return fd;
        }
    }

    private void relay(int from, int to) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(MTU);
            MemorySegment pollfd = arena.allocate(8);
            while (running) {
                pollfd.set(JAVA_INT, 0, from);
                pollfd.set(JAVA_SHORT, 4, POLLIN);
                pollfd.set(JAVA_SHORT, 6, (short) 0);
                if ((int) POLL.invokeExact(pollfd, 1L, 100) <= 0) {
                    continue;
                }
                long n = (long) READ.invokeExact(from, buffer, (long) MTU);
                if (n <= 0) {
                    continue;
                }
                byte[] packet = buffer.asSlice(0, n).toArray(JAVA_BYTE);
                if (!multicast && isIpv6Multicast(packet)) {
                    multicastDropped.incrementAndGet();
                    continue;
                }
                delayer.schedule(() -> write(to, packet), delayNanos, TimeUnit.NANOSECONDS);
            }
        } catch (Throwable t) {
            running = false;
        }
    }

    /** How many multicast packets a tunnel {@link #withoutMulticast} dropped. */
    long multicastDropped() {
        return multicastDropped.get();
    }

    /** An IPv6 packet (version 6) whose destination address (bytes 24 to 39) starts with 0xff. */
    private static boolean isIpv6Multicast(byte[] packet) {
        return packet.length >= 40 && (packet[0] & 0xF0) == 0x60 && (packet[24] & 0xFF) == 0xFF;
    }

    private void write(int fd, byte[] packet) {
        if (!running) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            // A failed write is a lost packet, as on a real link.
            long ignored = (long) WRITE.invokeExact(fd, arena.allocateFrom(JAVA_BYTE, packet), (long) packet.length);
        } catch (Throwable t) {
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : readers) {
            t.join(2_000);
        }
        delayer.shutdownNow();
        delayer.awaitTermination(2, TimeUnit.SECONDS);
        close(fdA);
        close(fdB);
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // Nothing more can be done about a descriptor that does not close.
        }
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }
}
