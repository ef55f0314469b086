package org.jbabel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jbabel.cli.ControlClient.Failure;
import org.jbabel.cli.ControlClient.Refused;
import org.jbabel.cli.CtlTables.View;
import org.jbabel.control.JsonFormat;
import org.jbabel.wire.IpAddress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel ctl}: a client of the local control socket of jbabeld or babeld (docs/CONTROL.md, "The client").
 * Babel's tables ({@code interfaces}, {@code neighbours}, {@code xroutes}, {@code routes}; neighbours and routes
 * when nothing is asked) and an extension's command ({@code jbabel ctl mmfd neighbours}) are printed as aligned
 * tables made from the server's JSON, or as that JSON with {@code --json}; {@code --text} prints an extension's own
 * text answer. {@code dump} and {@code monitor} print the server's lines as they arrive, {@code monitor} until
 * interrupted, {@code --count} events or {@code --duration} seconds. {@code watch [WHAT]} redraws WHAT every
 * {@code --interval} seconds. A {@code bad} or {@code no} answer, or a server that goes away, exits with 1.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        description = "Show the tables of a running jbabeld (or babeld) through its local control socket, dump or "
                + "monitor it, or run a command of one of its extensions (e.g. 'mmfd neighbours'; 'mmfd help' lists "
                + "them). Without a request: the neighbours and routes tables.")
final class CtlCommand implements Callable<Integer> {

    /** The port Gluon, OpenWrt and Freifunk set up for babeld's local interface. */
    static final int DEFAULT_PORT = 33123;

    private static final InetAddress IPV6_LOOPBACK = IpAddress.parse("::1").toInetAddress();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Cursor home, clear the screen. */
    private static final String CLEAR = "\033[H\033[2J";
    /** Long lines are cut at the terminal's edge, not wrapped (DECAWM off), and back on at the end. */
    private static final String NO_WRAP = "\033[?7l";
    private static final String WRAP = "\033[?7h";

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

    @Parameters(arity = "0..*", paramLabel = "REQUEST",
            description = "interfaces|neighbours|xroutes|routes (tables; several may be given; none: neighbours "
                    + "and routes), dump, monitor, EXTENSION [COMMAND [ARGS...]] (a command of an extension), or "
                    + "watch followed by tables or an extension's command.")
    private List<String> request;

    @Option(names = "--json", description = "Print the server's JSON (one object per line) instead of tables or "
            + "babeld's text lines.")
    private boolean json;

    @Option(names = "--text", description = "An extension's command: print its own text answer, not a table.")
    private boolean text;

    @Option(names = "--count", paramLabel = "N", description = "monitor: stop after N events; watch: after N "
            + "refreshes.")
    private Integer count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "monitor: stop after this many seconds.")
    private Double duration;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "watch: seconds between refreshes "
            + "(default 2).")
    private Double interval;

    /** Babeld answered {@code dump json} with {@code bad}: the tables come from its {@code dump} lines. */
    private boolean textDump;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (Failure e) {
            out.flush();
            return fail(err, e.getMessage());
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws Failure {
        if (endpoint != null && endpoint.port != null && (endpoint.port < 1 || endpoint.port > 65535)) {
            throw new Failure("port must be 1..65535, not " + endpoint.port);
        }
        List<String> words = request == null ? List.of() : request;
        for (String w : words) {
            if (w.isEmpty() || w.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new Failure("a request word must be one word: '" + w + "'");
            }
        }
        boolean watch = !words.isEmpty() && words.getFirst().equals("watch");
        if (watch) {
            words = words.subList(1, words.size());
        }
        String first = words.isEmpty() ? null : words.getFirst();
        boolean raw = "dump".equals(first) || "monitor".equals(first);
        List<View> views = views(words);
        if (views == null && View.byWord(first) != null) {
            throw new Failure("give only tables (interfaces, neighbours, xroutes, routes) after '" + first + "'");
        }
        if (raw && watch) {
            throw new Failure("watch shows tables or an extension's command, not '" + first + "'");
        }
        if (raw && words.size() > 1) {
            throw new Failure("'" + first + "' takes no arguments");
        }
        if (count != null && !watch && !"monitor".equals(first)) {
            throw new Failure("--count is for monitor and watch");
        }
        if (duration != null && !"monitor".equals(first)) {
            throw new Failure("--duration is for monitor");
        }
        if (interval != null && (!watch || !(interval > 0) || interval > 86_400)) {
            throw new Failure(watch ? "--interval must be more than 0 and at most 86400 seconds"
                    : "--interval is for watch");
        }
        if (text && (raw || views != null || json)) {
            throw new Failure("--text is for an extension's command, without --json");
        }
        SocketAddress address = address();
        String where = endpoint != null && endpoint.socket != null ? endpoint.socket.toString()
                : "[::1]:" + ((InetSocketAddress) address).getPort();
        List<String> what = words;
        try (ControlClient client = ControlClient.connect(address, where)) {
            if (raw) {
                return raw(client, first, out);
            }
            if (!watch) {
                print(out, show(client, what, views, err));
                client.quit();
                return 0;
            }
            if (views == null && words.size() > 1) {
                refuseChanging(client, words.get(0), words.get(1));
            }
            return watch(client, String.join(" ", words.isEmpty() ? List.of("neighbours", "routes") : words),
                    () -> show(client, what, views, err), out);
        } catch (IOException e) {
            throw new Failure(where + ": " + e.getMessage());
        }
    }

    /** The Babel tables the words name (none: neighbours and routes), or null when they are not all tables. */
    private static List<View> views(List<String> words) {
        if (words.isEmpty()) {
            return List.of(View.NEIGHBOURS, View.ROUTES);
        }
        List<View> views = new ArrayList<>();
        for (String w : words) {
            View v = View.byWord(w);
            if (v == null) {
                return null;
            }
            views.add(v);
        }
        return views;
    }

    /** {@code dump} or {@code monitor}: the server's lines as they come. */
    private int raw(ControlClient client, String what, PrintWriter out) throws Failure, IOException {
        ScheduledExecutorService timer = null;
        if (duration != null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));
            timer.schedule(client::close, Math.round(duration * 1000), TimeUnit.MILLISECONDS);
        }
        try {
            client.request(what + (json ? " json" : ""), out::println);
            out.flush();
            if (what.equals("dump")) {
                client.quit();
                return 0;
            }
            for (int events = 0; count == null || events < count; events++) {
                out.println(client.event());
                out.flush();
            }
            return 0;
        } catch (AsynchronousCloseException e) {
            out.flush();
            return 0;
        } finally {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    /** What one look prints: the tables, or the JSON with --json, or an extension's text with --text. */
    private List<String> show(ControlClient client, List<String> words, List<View> views, PrintWriter err)
            throws Failure, IOException {
        if (views != null) {
            ObjectNode dump = dump(client, err);
            return json ? List.of(JsonFormat.line(CtlTables.select(dump, views)))
                    : CtlTables.lines(CtlTables.babel(dump, views));
        }
        String line = String.join(" ", words);
        if (text) {
            return client.request(line);
        }
        List<String> answer = client.request(line + " json");
        if (json) {
            return answer;
        }
        if (answer.size() != 1) {
            throw new Failure("the answer to '" + line + " json' is " + answer.size() + " lines, not one JSON line");
        }
        return CtlTables.lines(CtlTables.answer(parse(answer.getFirst(), line)));
    }

    /** Refuses to watch a command that changes something: its extension's help says it is read-write. */
    private static void refuseChanging(ControlClient client, String extension, String command)
            throws Failure, IOException {
        List<String> help = client.request(extension + " help json");
        if (help.size() == 1 && parse(help.getFirst(), extension + " help").path(command).path("read-write")
                .asBoolean(false)) {
            throw new Failure("'" + extension + " " + command + "' changes something; watch repeats only commands "
                    + "that read");
        }
    }

    /** The dump object: {@code dump json}, or, from a server that answers it {@code bad} (babeld), its lines read. */
    private ObjectNode dump(ControlClient client, PrintWriter err) throws Failure, IOException {
        if (!textDump) {
            try {
                List<String> answer = client.request("dump json");
                if (answer.size() == 1 && parse(answer.getFirst(), "dump") instanceof ObjectNode dump) {
                    return dump;
                }
                throw new Failure("the answer to 'dump json' is not one JSON object");
            } catch (Refused e) {
                if (!e.status().equals("bad")) {
                    throw e;
                }
                textDump = true;
            }
        }
        List<String> unread = new ArrayList<>();
        ObjectNode dump = CtlTables.dumpFromText(client.request("dump"), unread);
        if (!unread.isEmpty()) {
            err.println("jbabel ctl: " + unread.size() + " line(s) of the dump not shown, not read as babeld's: "
                    + CtlTables.clean(unread.getFirst()) + (unread.size() > 1 ? " ..." : ""));
            err.flush();
        }
        return dump;
    }

    private static JsonNode parse(String line, String request) throws Failure {
        try {
            return MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new Failure("the answer to '" + request + "' is not JSON: " + e.getOriginalMessage());
        }
    }

    private interface Look {
        List<String> lines() throws Failure, IOException;
    }

    /**
     * {@code watch}: a look every interval over one connection, until interrupted or {@code --count} looks. On a
     * terminal each look replaces the previous one (like top); otherwise the looks follow each other, a blank line
     * between two.
     */
    private int watch(ControlClient client, String what, Look look, PrintWriter out)
            throws Failure, IOException {
        boolean terminal = System.console() != null && System.console().isTerminal();
        double seconds = interval == null ? 2 : interval;
        String every = seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
        Thread restore = null;
        if (terminal) {
            restore = Thread.ofPlatform().unstarted(() -> {
                System.out.print(WRAP);
                System.out.flush();
            });
            Runtime.getRuntime().addShutdownHook(restore);
        }
        try {
            for (int i = 0; count == null || i < count; i++) {
                if (i > 0) {
                    Thread.sleep(Math.round(seconds * 1000));
                }
                List<String> lines = look.lines();
                StringBuilder frame = new StringBuilder();
                if (terminal) {
                    frame.append(CLEAR).append(NO_WRAP).append("every ").append(every).append(" s: ")
                            .append(what).append("   ")
                            .append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))).append("\n\n");
                } else if (i > 0) {
                    frame.append('\n');
                }
                lines.forEach(l -> frame.append(l).append('\n'));
                out.print(frame);
                out.flush();
            }
            client.quit();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (restore != null) {
                out.print(WRAP);
                out.flush();
                Runtime.getRuntime().removeShutdownHook(restore);
            }
        }
    }

    private static void print(PrintWriter out, List<String> lines) {
        lines.forEach(out::println);
        out.flush();
    }

    private SocketAddress address() {
        if (endpoint != null && endpoint.socket != null) {
            return UnixDomainSocketAddress.of(endpoint.socket);
        }
        int port = endpoint != null && endpoint.port != null ? endpoint.port : DEFAULT_PORT;
        return new InetSocketAddress(IPV6_LOOPBACK, port);
    }

    private static int fail(PrintWriter err, String message) {
        err.println("jbabel ctl: " + message);
        err.flush();
        return 1;
    }
}
