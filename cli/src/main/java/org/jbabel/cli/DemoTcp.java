package org.jbabel.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code jbabel demo}'s TCP transfer: a client {@link Source} writes a known byte stream at a steady rate over the
 * whole demo, a server {@link Sink} checks every byte against the same stream; when the source ends, the sink answers
 * with how many bytes it got and where the first wrong one was, and the transfer is byte-exact when that is all of
 * them and none. The stream is {@link #pattern}: no file, no random numbers to agree on.
 */
final class DemoTcp {

    /** Bytes written per chunk. */
    static final int CHUNK = 16 * 1024;

    private DemoTcp() {}

    /** Byte {@code i} of the stream. */
    static byte pattern(long i) {
        return (byte) ((i * 0x9E37_79B9L) >>> 13 ^ i >>> 8);
    }

    /** The server side: takes one connection at a time, checks what it reads, answers at its end. */
    static final class Sink {
        private final AtomicLong received = new AtomicLong();

        /** Serves {@code server} (bound, listening) on a thread until it is closed; returns the thread. */
        Thread serve(ServerSocketChannel server, String name) {
            return Thread.ofPlatform().daemon().name(name).start(() -> {
                while (server.isOpen()) {
                    try (SocketChannel c = server.accept()) {
                        check(c);
                    } catch (IOException e) {
                        // closed, or the connection broke: the source reports it
                    }
                }
            });
        }

        private void check(SocketChannel c) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            long n = 0;
            long wrong = -1;
            while (c.read(b.clear()) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    if (b.get() != pattern(n) && wrong < 0) {
                        wrong = n;
                    }
                    n++;
                }
                received.set(n);
            }
            c.write(ByteBuffer.allocate(16).putLong(n).putLong(wrong).flip());
        }

        /** Bytes of the current (or last) connection read so far. */
        long received() {
            return received.get();
        }
    }

    /** What the sink answered (or -1, -1 when no answer came), and what the source wrote. */
    record Result(long sent, long received, long firstWrong, String error) {
        boolean exact() {
            return error == null && received == sent && firstWrong < 0 && sent > 0;
        }
    }

    /** The client side: a steady stream to the sink, over a channel opened where the client is. */
    static final class Source {
        private final SocketChannel channel;
        private final long bytesPerSecond;
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean running = true;
        private volatile String error;
        private Thread thread;

        Source(SocketChannel channel, long bytesPerSecond) {
            this.channel = channel;
            this.bytesPerSecond = bytesPerSecond;
        }

        /** Connects (within {@code connectMillis}) and writes on a thread of its own until {@link #finish}. */
        void start(SocketAddress sink, int connectMillis, String name) {
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                try {
                    channel.socket().connect(sink, connectMillis);
                    ByteBuffer b = ByteBuffer.allocate(CHUNK);
                    long pause = Math.max(1, CHUNK * 1000L / bytesPerSecond);
                    while (running) {
                        long n = sent.get();
                        b.clear();
                        for (int i = 0; i < CHUNK; i++) {
                            b.put(pattern(n + i));
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            channel.write(b);
                        }
                        sent.addAndGet(CHUNK);
                        Thread.sleep(pause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    if (running) {
                        error = e.getMessage() == null ? e.toString() : e.getMessage();
                    }
                }
            });
        }

        long sent() {
            return sent.get();
        }

        /** Stops writing, closes the direction to the sink and waits at most {@code millis} for its answer. */
        Result finish(int millis) {
            running = false;
            try {
                // not interrupted: an interrupt in a write would close the channel
                if (thread != null) {
                    thread.join(millis);
                    if (thread.isAlive()) {
                        return new Result(sent.get(), -1, -1, "still writing after " + millis + " ms");
                    }
                }
                if (error != null) {
                    return new Result(sent.get(), -1, -1, error);
                }
                if (!channel.isConnected()) {
                    return new Result(sent.get(), -1, -1, "not connected");
                }
                channel.socket().shutdownOutput();
                channel.socket().setSoTimeout(millis);
                InputStream in = channel.socket().getInputStream();
                DataInputStream answer = new DataInputStream(in);
                return new Result(sent.get(), answer.readLong(), answer.readLong(), null);
            } catch (IOException e) {
                return new Result(sent.get(), -1, -1, "no answer from the server: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(sent.get(), -1, -1, "interrupted");
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }
}
