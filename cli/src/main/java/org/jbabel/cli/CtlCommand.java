package org.jbabel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jbabel.wire.IpAddress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel ctl [-G PORT | --socket PATH] dump|monitor [--json]} and {@code jbabel ctl [-G PORT | --socket PATH]
 * EXTENSION [COMMAND [ARGS...]] [--json]}: a client of the local control socket of jbabeld or babeld. It prints the
 * data lines as they arrive (without the banner and the {@code ok} after them); {@code monitor} prints the dump and
 * then every event until interrupted, or until {@code --count} events or {@code --duration} seconds. An extension's
 * command ({@code jbabel ctl mmfd neighbours}) prints its answer. A {@code bad} or {@code no} answer, or a server
 * that goes away, exits with 1.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        description = "Dump or monitor a running jbabeld (or babeld) through its local control socket, or run a "
                + "command of one of its extensions (e.g. 'mmfd neighbours'; 'mmfd help' lists them).")
final class CtlCommand implements Callable<Integer> {

    /** The port Gluon, OpenWrt and Freifunk set up for babeld's local interface. */
    static final int DEFAULT_PORT = 33123;

    private static final InetAddress IPV6_LOOPBACK = IpAddress.parse("::1").toInetAddress();

    static final class Endpoint {
        @Option(names = {"-G", "--port"}, paramLabel = "PORT",
                description = "TCP port on [::1] (default " + DEFAULT_PORT + ").")
        Integer port;

        @Option(names = "--socket", paramLabel = "PATH", description = "UNIX domain socket path.")
        Path socket;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Endpoint endpoint;

    @Parameters(arity = "1..*", paramLabel = "REQUEST",
            description = "dump, monitor, or EXTENSION [COMMAND [ARGS...]] (a command of an extension).")
    private List<String> request;

    @Option(names = "--json", description = "Ask for JSON (one object per line) instead of babeld's text lines.")
    private boolean json;

    @Option(names = "--count", paramLabel = "N", description = "monitor: stop after N events.")
    private Integer count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "monitor: stop after this many seconds.")
    private Double duration;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (endpoint != null && endpoint.port != null && (endpoint.port < 1 || endpoint.port > 65535)) {
            return fail(err, "port must be 1..65535, not " + endpoint.port);
        }
        boolean babel = request.getFirst().equals("dump") || request.getFirst().equals("monitor");
        if (babel && request.size() > 1) {
            return fail(err, "'" + request.getFirst() + "' takes no arguments");
        }
        for (String w : request) {
            if (w.isEmpty() || w.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                return fail(err, "a request word must be one word: '" + w + "'");
            }
        }
        if (!babel && (count != null || duration != null)) {
            return fail(err, "--count and --duration are for monitor");
        }
        SocketAddress address = address();
        String where = endpoint != null && endpoint.socket != null ? endpoint.socket.toString()
                : "[::1]:" + ((InetSocketAddress) address).getPort();
        ScheduledExecutorService timer = null;
        try (SocketChannel channel = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET6)) {
            try {
                channel.connect(address);
            } catch (IOException e) {
                return fail(err, "cannot connect to " + where + ": " + e.getMessage());
            }
            if (duration != null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));
                timer.schedule(() -> closeQuietly(channel), Math.round(duration * 1000), TimeUnit.MILLISECONDS);
            }
            return converse(channel, out, err, where);
        } catch (AsynchronousCloseException e) {
            out.flush();
            return 0;
        } catch (IOException e) {
            out.flush();
            return fail(err, where + ": " + e.getMessage());
        } finally {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    private int converse(SocketChannel channel, PrintWriter out, PrintWriter err, String where) throws IOException {
        BufferedReader in = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        OutputStream to = Channels.newOutputStream(channel);
        String first = in.readLine();
        if (first == null || !first.startsWith("BABEL ")) {
            return fail(err, where + " is not a Babel control socket");
        }
        for (String l = first; !l.equals("ok"); l = in.readLine()) {
            if (l == null) {
                return fail(err, where + ": connection closed during the banner");
            }
        }
        to.write((String.join(" ", request) + (json ? " json" : "") + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
        for (String l = in.readLine(); ; l = in.readLine()) {
            if (l == null) {
                return fail(err, where + ": connection closed before the answer was complete");
            }
            if (l.equals("ok")) {
                break;
            }
            if (l.equals("bad") || l.equals("no") || l.startsWith("no ")) {
                return fail(err, where + " answered: " + l);
            }
            out.println(l);
        }
        out.flush();
        if (!request.getFirst().equals("monitor")) {
            to.write("quit\n".getBytes(StandardCharsets.UTF_8));
            to.flush();
            return 0;
        }
        for (int events = 0; count == null || events < count; events++) {
            String l = in.readLine();
            if (l == null) {
                return fail(err, where + ": connection closed by the server");
            }
            out.println(l);
            out.flush();
        }
        return 0;
    }

    private SocketAddress address() {
        if (endpoint != null && endpoint.socket != null) {
            return UnixDomainSocketAddress.of(endpoint.socket);
        }
        int port = endpoint != null && endpoint.port != null ? endpoint.port : DEFAULT_PORT;
        return new InetSocketAddress(IPV6_LOOPBACK, port);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed: the reading side ends either way
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("jbabel ctl: " + message);
        err.flush();
        return 1;
    }
}
