package org.jbabel.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Socket options the JDK and netty do not offer, set through FFM on a socket's file descriptor. */
public final class SocketOptions {

    private SocketOptions() {}

    /**
     * Sets the receive buffer with {@code SO_RCVBUFFORCE}, which ignores {@code net.core.rmem_max} but needs
     * CAP_NET_ADMIN.
     *
     * @return true when the kernel took it; false without the capability (the buffer stays as it was)
     */
    public static boolean forceReceiveBuffer(int fd, int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, bytes);
            return Libc.setsockopt(e, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, value) == 0;
        }
    }
}
