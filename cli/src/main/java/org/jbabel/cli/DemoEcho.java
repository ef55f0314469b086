package org.jbabel.cli;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * {@code jbabel demo}'s ping stream, without ping: a UDP echo server that sends every datagram back, and a client
 * {@link Stream} that sends a numbered datagram every period and notes when each comes back. A datagram not back
 * within the timeout is lost; the hand-over time of a move at time T is the time from T to the first answer to a
 * datagram sent at T or later (so it includes up to one period of waiting for the next datagram).
 */
final class DemoEcho {

    private DemoEcho() {}

    /** Echoes every datagram that arrives on {@code channel} (a bound one) until it is closed; returns the thread. */
    static Thread server(DatagramChannel channel, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            ByteBuffer b = ByteBuffer.allocate(2048);
            while (channel.isOpen()) {
                try {
                    b.clear();
                    SocketAddress from = channel.receive(b);
                    b.flip();
                    channel.send(b, from);
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    // no route back for a moment (the client between two nodes): this answer is lost, as counted
                }
            }
        });
    }

    /** The client side: numbered datagrams every period, their answers noted. Thread-safe. */
    static final class Stream implements AutoCloseable {
        private static final int SIZE = 16;

        private final DatagramChannel channel;
        private final SocketAddress server;
        private final long period;
        private final long timeout;
        private final LongSupplier clock;
        private long[] sentAt = new long[1024];
        private long[] answeredAt = new long[1024];
        private int sent;
        private int answered;
        private volatile boolean running;
        private Thread sender;
        private Thread receiver;

        /**
         * A stream over {@code channel} (opened where the client is) to {@code server}, a datagram every
         * {@code period} nanoseconds, lost after {@code timeout}, times from {@code clock} (nanoseconds).
         */
        Stream(DatagramChannel channel, SocketAddress server, long period, long timeout, LongSupplier clock) {
            this.channel = channel;
            this.server = server;
            this.period = period;
            this.timeout = timeout;
            this.clock = clock;
        }

        /** Starts sending and receiving, each on a thread of its own. */
        void start(String name) {
            running = true;
            receiver = Thread.ofPlatform().daemon().name(name + "-rx").start(this::receive);
            sender = Thread.ofPlatform().daemon().name(name + "-tx").start(this::send);
        }

        private void send() {
            ByteBuffer b = ByteBuffer.allocate(SIZE);
            try {
                while (running) {
                    int seq;
                    long now = clock.getAsLong();
                    synchronized (this) {
                        seq = sent;
                        note(seq, now);
                    }
                    b.clear();
                    b.putLong(seq).putLong(now).flip();
                    try {
                        channel.send(b, server);
                    } catch (ClosedChannelException e) {
                        return;
                    } catch (IOException e) {
                        // no route for a moment (the client between two nodes): the datagram is lost, as counted
                    }
                    Thread.sleep(period / 1_000_000, (int) (period % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void receive() {
            ByteBuffer b = ByteBuffer.allocate(2048);
            while (channel.isOpen()) {
                try {
                    b.clear();
                    channel.receive(b);
                    b.flip();
                    if (b.remaining() == SIZE) {
                        answer(b.getLong(), clock.getAsLong());
                    }
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    // an error reported on the socket: keep receiving
                }
            }
        }

        private synchronized void note(int seq, long now) {
            if (seq == sentAt.length) {
                sentAt = Arrays.copyOf(sentAt, seq * 2);
                answeredAt = Arrays.copyOf(answeredAt, seq * 2);
            }
            sentAt[seq] = now;
            sent++;
        }

        /** Notes the answer to datagram {@code seq} at {@code now} (a duplicate or a stranger is ignored). */
        synchronized void answer(long seq, long now) {
            if (seq >= 0 && seq < sent && answeredAt[(int) seq] == 0) {
                answeredAt[(int) seq] = now;
                answered++;
            }
        }

        /** Notes that datagram number {@link #sent()} was sent at {@code now} (for tests: no socket needed). */
        synchronized int noteSent(long now) {
            int seq = sent;
            note(seq, now);
            return seq;
        }

        synchronized int sent() {
            return sent;
        }

        synchronized int answered() {
            return answered;
        }

        /** Datagrams sent more than the timeout before {@code now} and never answered. */
        synchronized int lost(long now) {
            int n = 0;
            for (int i = 0; i < sent && sentAt[i] <= now - timeout; i++) {
                if (answeredAt[i] == 0) {
                    n++;
                }
            }
            return n;
        }

        /**
         * The hand-over time of a move at {@code at}: from then to the first answer to a datagram sent at or after
         * it; -1 while there is none.
         */
        synchronized long handover(long at) {
            long first = Long.MAX_VALUE;
            for (int i = sent - 1; i >= 0 && sentAt[i] >= at; i--) {
                if (answeredAt[i] != 0) {
                    first = Math.min(first, answeredAt[i]);
                }
            }
            return first == Long.MAX_VALUE ? -1 : first - at;
        }

        /** Stops sending; answers still arrive until {@link #close}. */
        void stop() {
            running = false;
            if (sender != null) {
                sender.interrupt();
            }
        }

        @Override
        public void close() {
            stop();
            try {
                channel.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
