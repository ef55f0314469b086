package org.jbabel.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection to the local control socket of jbabeld or babeld (docs/CONTROL.md, "Session"): the banner is
 * skipped on connecting; a request's data lines are delivered until its status line. Errors are {@link Failure}s
 * whose message says what happened and where.
 */
final class ControlClient implements Closeable {

    /** Something went wrong; the message is for the user (without the program's name). */
    static class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    /** The server answered {@code bad} or {@code no ...}: {@link #status()} is that line. */
    static final class Refused extends Failure {
        private final String status;

        Refused(String where, String status) {
            super(where + " answered: " + status);
            this.status = status;
        }

        String status() {
            return status;
        }
    }

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private final String where;

    private ControlClient(SocketChannel channel, String where) {
        this.channel = channel;
        this.where = where;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects to {@code address} ({@code where} names it in messages) and reads the banner. */
    static ControlClient connect(SocketAddress address, String where) throws Failure, IOException {
        SocketChannel channel = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET6);
        ControlClient client = new ControlClient(channel, where);
        try {
            try {
                channel.connect(address);
            } catch (IOException e) {
                throw new Failure("cannot connect to " + where + ": " + e.getMessage());
            }
            String first = client.in.readLine();
            if (first == null || !first.startsWith("BABEL ")) {
                throw new Failure(where + " is not a Babel control socket");
            }
            for (String l = first; !l.equals("ok"); l = client.in.readLine()) {
                if (l == null) {
                    throw new Failure(where + ": connection closed during the banner");
                }
            }
            return client;
        } catch (Failure | IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends {@code request} and hands each data line of the answer to {@code line} as it arrives. */
    void request(String request, Consumer<String> line) throws Failure, IOException {
        send(request);
        for (String l = in.readLine(); ; l = in.readLine()) {
            if (l == null) {
                throw new Failure(where + ": connection closed before the answer was complete");
            }
            if (l.equals("ok")) {
                return;
            }
            if (l.equals("bad") || l.equals("no") || l.startsWith("no ")) {
                throw new Refused(where, l);
            }
            line.accept(l);
        }
    }

    /** Sends {@code request} and returns the data lines of its answer. */
    List<String> request(String request) throws Failure, IOException {
        List<String> lines = new ArrayList<>();
        request(request, lines::add);
        return lines;
    }

    /** The next line after an answer (a monitor event). */
    String event() throws Failure, IOException {
        String l = in.readLine();
        if (l == null) {
            throw new Failure(where + ": connection closed by the server");
        }
        return l;
    }

    /** Says {@code quit}, so that the server ends the session. */
    void quit() throws IOException {
        send("quit");
    }

    private void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Closes the connection; a thread reading from it gets an {@code AsynchronousCloseException}. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed: the reading side ends either way
        }
    }
}
