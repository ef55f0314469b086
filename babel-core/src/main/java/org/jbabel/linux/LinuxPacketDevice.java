package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jbabel.extension.Network.PacketDevice;
import org.jbabel.kernel.Errno;

/**
 * A TUN (layer 3) or TAP (layer 2) device opened through /dev/net/tun without packet information, non-blocking,
 * served by an {@link FdPoller}: each read is one whole packet or frame. The device is not persistent: it goes away
 * with {@link #close}.
 */
final class LinuxPacketDevice extends PolledFd implements PacketDevice {

    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final long SIOCSIFMTU = 0x8922;
    private static final long SIOCGIFINDEX = 0x8933;
    private static final int IFF_TUN = 0x1;
    private static final int IFF_TAP = 0x2;
    private static final int IFF_NO_PI = 0x1000;
    private static final int IFF_UP = 0x1;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ = 40;

    private final String name;
    private final int ifindex;
    private final Consumer<byte[]> receiver;
    private MemorySegment data;

    private LinuxPacketDevice(int fd, IoCounters counters, String name, int ifindex, Consumer<byte[]> receiver) {
        super(fd, counters);
        this.name = name;
        this.ifindex = ifindex;
        this.receiver = receiver;
    }

    /**
     * Creates (or attaches to) the TUN or TAP device {@code name}, sets its MTU and brings it up, in the calling
     * thread's namespace; not yet polled.
     */
    static LinuxPacketDevice open(IoCounters counters, String name, boolean tap, int mtu, Consumer<byte[]> receiver)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ || name.contains("/")) {
            throw new IOException("not an interface name: '" + name + "'");
        }
        if (mtu < 68 || mtu > 65_535) {
            throw new IOException("MTU out of range: " + mtu);
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            int fd = Libc.open(e, arena.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("cannot open /dev/net/tun: " + Errno.name(e.get()));
            }
            MemorySegment ifr = arena.allocate(IFREQ, 8);
            MemorySegment.copy(nameBytes, 0, ifr, JAVA_BYTE, 0, nameBytes.length);
            ifr.set(JAVA_SHORT, IFNAMSIZ, (short) ((tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI));
            if (Libc.ioctl(e, fd, TUNSETIFF, ifr) < 0) {
                int errno = e.get();
                Libc.close(e, fd);
                throw new IOException("cannot create " + (tap ? "TAP" : "TUN") + " device " + name + ": "
                        + Errno.name(errno));
            }
            try {
                int ifindex = configure(e, arena, ifr, mtu);
                return new LinuxPacketDevice(fd, counters, name, ifindex, receiver);
            } catch (IOException ex) {
                Libc.close(e, fd);
                throw ex;
            }
        }
    }

    /** Sets the MTU of the device named in {@code ifr}, brings it up, and returns its index. */
    private static int configure(Libc.Errno e, Arena arena, MemorySegment ifr, int mtu) throws IOException {
        int s = Libc.socket(e, Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (s < 0) {
            throw new IOException("cannot open a socket to configure the device: " + Errno.name(e.get()));
        }
        try {
            ifr.set(JAVA_INT, IFNAMSIZ, mtu);
            ioctl(e, s, SIOCSIFMTU, ifr, "set the MTU");
            ifr.set(JAVA_INT, IFNAMSIZ, 0);
            ioctl(e, s, SIOCGIFFLAGS, ifr, "read the flags");
            ifr.set(JAVA_SHORT, IFNAMSIZ, (short) (ifr.get(JAVA_SHORT, IFNAMSIZ) | IFF_UP));
            ioctl(e, s, SIOCSIFFLAGS, ifr, "bring it up");
            ifr.set(JAVA_INT, IFNAMSIZ, 0);
            ioctl(e, s, SIOCGIFINDEX, ifr, "read its index");
            return ifr.get(JAVA_INT, IFNAMSIZ);
        } finally {
            Libc.close(e, s);
        }
    }

    private static void ioctl(Libc.Errno e, int s, long request, MemorySegment ifr, String what) throws IOException {
        if (Libc.ioctl(e, s, request, ifr) < 0) {
            throw new IOException("cannot " + what + " of " + ifr.getString(0) + ": " + Errno.name(e.get()));
        }
    }

    @Override
    Runnable receive(FdPoller.Buffers b) {
        long n = b.read(fd, FdPoller.MAX_ITEM);
        if (n < 0) {
            return failed(b.errno.get());
        }
        errorsInRow = 0;
        byte[] packet = b.copy((int) n);
        return () -> receiver.accept(packet);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ifindex() {
        return ifindex;
    }

    @Override
    public boolean write(byte[] packet) {
        return write(packet, 0, packet.length);
    }

    @Override
    public synchronized boolean write(byte[] buffer, int offset, int length) {
        if (isClosed()) {
            counters.count(IoCounters.Kind.SEND_ERROR);
            return false;
        }
        if (data == null || data.byteSize() < length) {
            data = arena.allocate(Math.max(length, 2048), 8);
        }
        MemorySegment.copy(buffer, offset, data, JAVA_BYTE, 0, length);
        if (Libc.write(errno, fd, data, length) >= 0) {
            return true;
        }
        int e = errno.get();
        counters.count(e == Errno.EAGAIN || e == Errno.ENOBUFS ? IoCounters.Kind.SEND_DROPPED
                : IoCounters.Kind.SEND_ERROR);
        return false;
    }

    @Override
    public String toString() {
        return "device " + name + " (" + ifindex + ")";
    }
}
