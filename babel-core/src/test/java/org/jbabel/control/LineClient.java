package org.jbabel.control;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client of the control socket: lines are read in the background; {@link #next()} waits for one. */
final class LineClient implements AutoCloseable {
    static final String EOF = "<end of stream>";

    private final SocketChannel channel;
    private final OutputStream out;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    LineClient(SocketAddress address) throws IOException {
        channel = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET6);
        channel.connect(address);
        out = Channels.newOutputStream(channel);
        BufferedReader in = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            try {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // connection reset: reported as the end of the stream
            }
            lines.add(EOF);
        });
    }

    static LineClient tcp(InetSocketAddress a) throws IOException {
        return new LineClient(a);
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    String next() throws InterruptedException {
        String l = lines.poll(20, TimeUnit.SECONDS);
        if (l == null) {
            fail("no line from the server");
        }
        return l;
    }

    /** The lines up to and including the next status line (ok, no..., bad). */
    List<String> untilStatus() throws InterruptedException {
        List<String> got = new ArrayList<>();
        while (true) {
            String l = next();
            got.add(l);
            if (l.equals("ok") || l.equals("bad") || l.equals("no") || l.startsWith("no ") || l.equals(EOF)) {
                return got;
            }
        }
    }

    /** Whether a line has arrived (without waiting). */
    boolean hasLine() {
        return !lines.isEmpty();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
