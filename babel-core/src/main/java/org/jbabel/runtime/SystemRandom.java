package org.jbabel.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.random.RandomGenerator;

/**
 * Random numbers straight from the kernel's {@code /dev/urandom}: unpredictable, as the router-id, the first seqno
 * and the MAC challenges need, and what {@code SecureRandom} reads on Linux too, without the JDK's security
 * providers that it loads into every daemon (docs/DAEMON.md, "Memory"). Thread-safe.
 */
final class SystemRandom implements RandomGenerator {

    private static final String SOURCE = "/dev/urandom";
    private final InputStream in;
    private final byte[] buffer = new byte[256];
    private int next = buffer.length;

    private SystemRandom(InputStream in) {
        this.in = in;
    }

    /** The kernel's generator where {@code /dev/urandom} can be read, {@code SecureRandom} elsewhere. */
    static RandomGenerator open() {
        try {
            return new SystemRandom(new FileInputStream(SOURCE));
        } catch (IOException e) {
            return new java.security.SecureRandom();
        }
    }

    @Override
    public synchronized long nextLong() {
        if (next + Long.BYTES > buffer.length) {
            refill();
        }
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = v << 8 | buffer[next++] & 0xFF;
        }
        return v;
    }

    private void refill() {
        try {
            int n = 0;
            while (n < buffer.length) {
                int r = in.read(buffer, n, buffer.length - n);
                if (r < 0) {
                    throw new IOException(SOURCE + " ended");
                }
                n += r;
            }
            next = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SOURCE, e);
        }
    }
}
