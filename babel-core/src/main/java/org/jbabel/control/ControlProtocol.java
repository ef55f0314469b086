package org.jbabel.control;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jbabel.config.ConfigException;
import org.jbabel.config.KnownExtensions;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.config.RuntimeStatements;
import org.jbabel.extension.ControlRegistry;

/**
 * One client's session on the control socket, as a state machine without I/O: bytes in, answers out.
 *
 * <p>{@link #open()} gives the banner. {@link #accept} takes whatever bytes arrived; {@link #next} answers the next
 * complete line with its data lines and exactly one status line computed for that line alone ({@code ok}, {@code
 * no [message]}, {@code bad}), so a {@code bad} never leaks into the status of a later pipelined line. The server
 * asks for the next answer only when the previous one is sent, so pipelined requests cost no more than the bytes
 * that carry them. {@code quit} gets no status: the session ends and the server half-closes. A line longer than
 * {@link #MAX_LINE} bytes, newline included, closes the connection. {@code monitor} / {@code monitor json} answer
 * with a dump and {@code ok}; then {@link #refresh} yields the events since the previous snapshot until {@code
 * unmonitor}. Answers are {@link Answer}s, written a chunk at a time from the snapshot's records.
 *
 * <p>Extensions ({@link ControlTarget#extensions()}): their sections follow Babel's entries in dumps and monitor
 * events, and a line {@code EXTENSION [COMMAND [ARGS...]] [json]} runs the extension's command (its {@code help}
 * when no command is named) and answers with its text lines (or one JSON line) and {@code ok}; {@code no MESSAGE}
 * when the command refused the request, {@code no unknown command ...} for a command it does not have.
 *
 * <p>Not thread-safe: the server calls it on the daemon's event loop only, where the {@link ControlTarget} lives.
 */
public final class ControlProtocol implements Session {

    /** The longest request line babeld reads, in bytes, newline included. */
    public static final int MAX_LINE = 1024;

    /** What the connection must do after an {@link Output} is written. */
    public enum Close {
        /** Keep going. */
        NONE,
        /** {@code quit}, or an HTTP answer: read no more, shut down our side after the answer; the client closes. */
        HALF,
        /** Close the connection (overlong line). */
        FULL
    }

    /**
     * An answer to send and what to do after it.
     *
     * @param answer the bytes to send, produced a chunk at a time
     * @param close what to do with the connection after them
     */
    public record Output(Answer answer, Close close) {

        /** The rest of the answer as lines (for tests and small answers; consumes it). */
        public List<String> lines() {
            return answer.lines();
        }
    }

    private final ControlTarget target;
    private final Supplier<StateSnapshot> snapshots;
    private final boolean readWrite;
    private final ControlCounters counters;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] pending = new byte[MAX_LINE];
    private int pendingLength;
    /** Received bytes not yet looked at, in order; the first from {@link #inputOffset}. */
    private final ArrayDeque<byte[]> input = new ArrayDeque<>();
    private int inputOffset;
    private boolean ended;
    private StateSnapshot monitored;
    private boolean monitorJson;

    /**
     * @param target the daemon
     * @param readWrite whether runtime configuration is allowed (read-only sessions answer it {@code bad})
     * @param counters where bad requests and overlong lines are counted
     */
    public ControlProtocol(ControlTarget target, boolean readWrite, ControlCounters counters) {
        this(target, readWrite, counters, () -> state(target));
    }

    /**
     * As {@link #ControlProtocol(ControlTarget, boolean, ControlCounters)}, with the snapshots for {@code dump} and
     * {@code monitor} taken from {@code snapshots} (the server's, which bounds how many are alive at once).
     */
    ControlProtocol(ControlTarget target, boolean readWrite, ControlCounters counters,
            Supplier<StateSnapshot> snapshots) {
        this.target = target;
        this.readWrite = readWrite;
        this.counters = counters;
        this.snapshots = snapshots;
    }

    /** The banner: {@code BABEL 1.0}, {@code version}, {@code host}, {@code my-id}, {@code ok}. */
    @Override
    public Output open() {
        List<String> lines = new ArrayList<>(BabeldText.banner(target.node()));
        lines.add("ok");
        return new Output(Answer.lines(lines), Close.NONE);
    }

    /** Whether the session is over (after {@code quit} or an overlong line); further input is ignored. */
    public boolean ended() {
        return ended;
    }

    /** Whether {@code monitor} is on. */
    @Override
    public boolean monitoring() {
        return monitored != null;
    }

    /** The snapshot this monitoring session showed last, or null when not monitoring. */
    @Override
    public StateSnapshot monitored() {
        return monitored;
    }

    /** Takes received bytes (kept, not copied, until {@link #next} has looked at them). */
    @Override
    public void accept(byte[] data) {
        if (!ended && data.length > 0) {
            input.add(data);
        }
    }

    /**
     * The answer to the next complete line of the input, or null when the input holds no complete line (an
     * incomplete one waits for more bytes) or the session has ended.
     */
    @Override
    public Output next() {
        while (!ended && !input.isEmpty()) {
            byte[] data = input.peek();
            while (inputOffset < data.length) {
                byte b = data[inputOffset++];
                if (b == '\n') {
                    byte[] line = Arrays.copyOf(pending, pendingLength);
                    pendingLength = 0;
                    Answer answer = Answer.empty();
                    if (!handle(line, answer)) {
                        end();
                        return new Output(answer, Close.HALF);
                    }
                    return new Output(answer, Close.NONE);
                }
                if (pendingLength == MAX_LINE - 1) {
                    counters.increment(ControlCounters.OVERLONG_LINES);
                    end();
                    return new Output(Answer.empty(), Close.FULL);
                }
                pending[pendingLength++] = b;
            }
            input.poll();
            inputOffset = 0;
        }
        return null;
    }

    /** Whether bytes that {@link #next} has not looked at are waiting. */
    @Override
    public boolean hasInput() {
        return !ended && !input.isEmpty();
    }

    /**
     * Takes received bytes and answers every complete line in them at once, as one output (which closes the
     * connection when one of the lines did): a convenience for tests and small requests.
     */
    public Output receive(byte[] data) {
        accept(data);
        Answer all = Answer.empty();
        for (Output o = next(); o != null; o = next()) {
            all.then(o.answer());
            if (o.close() != Close.NONE) {
                return new Output(all, o.close());
            }
        }
        return new Output(all, Close.NONE);
    }

    /** The monitor events since the last snapshot this session showed; nothing when not monitoring. */
    @Override
    public Output refresh(StateSnapshot now) {
        if (ended || monitored == null) {
            return new Output(Answer.empty(), Close.NONE);
        }
        List<ChangeEvent> events = StateDiff.between(monitored, now);
        monitored = now;
        return new Output(Answer.empty().thenEvents(events, monitorJson), Close.NONE);
    }

    private void end() {
        ended = true;
        input.clear();
    }

    /** What dump and monitor show: the target's snapshot with the extensions' sections after Babel's entries. */
    static StateSnapshot state(ControlTarget target) {
        return target.snapshot().withExtensions(target.extensions().entries());
    }

    /** Answers one line; false for {@code quit}. */
    private boolean handle(byte[] raw, Answer out) {
        String line;
        try {
            line = decode(raw);
        } catch (CharacterCodingException e) {
            counters.increment(ControlCounters.INVALID_UTF8);
            bad(out);
            return true;
        }
        String[] words = line.strip().split("[ \\t\\r]+");
        if (words.length == 2 && words[1].equals("json") && (words[0].equals("dump") || words[0].equals("monitor"))) {
            StateSnapshot s = snapshots.get();
            out.thenJsonDump(s.withCounters(counters.snapshot())).thenLines("ok");
            if (words[0].equals("monitor")) {
                monitored = s;
                monitorJson = true;
            }
            return true;
        }
        if (target.extensions().has(words[0])) {
            extensionCommand(words, out);
            return true;
        }
        if (KnownExtensions.isKnown(words[0])) {
            out.thenLines(ControlTarget.Result.no("extension '" + words[0] + "' is not running").statusLine());
            return true;
        }
        RuntimeStatement statement;
        try {
            statement = RuntimeStatements.parse(line, target.keys(), readWrite, new ArrayList<>());
        } catch (ConfigException e) {
            bad(out);
            return true;
        } catch (RuntimeException e) {
            internalError("parsing a control line", e);
            bad(out);
            return true;
        }
        switch (statement) {
            case null -> out.thenLines("ok");
            case RuntimeStatement.Quit q -> {
                return false;
            }
            case RuntimeStatement.Dump d -> out.thenDump(snapshots.get()).thenLines("ok");
            case RuntimeStatement.Monitor m -> {
                StateSnapshot s = snapshots.get();
                out.thenDump(s).thenLines("ok");
                monitored = s;
                monitorJson = false;
            }
            case RuntimeStatement.Unmonitor u -> {
                monitored = null;
                out.thenLines("ok");
            }
            default -> out.thenLines(apply(statement));
        }
        return true;
    }

    /**
     * {@code EXTENSION [COMMAND [ARGS...]] [json]}: runs the command (the extension's {@code help} when none is
     * named), on this thread, and answers with its text or JSON, then {@code ok}.
     */
    private void extensionCommand(String[] words, Answer out) {
        int end = words.length;
        boolean json = end >= 2 && words[end - 1].equals("json");
        if (json) {
            end--;
        }
        String name = end >= 2 ? words[1] : ExtensionControls.HELP;
        ExtensionControls.Registered command = target.extensions().command(words[0], name);
        if (command == null) {
            out.thenLines(ControlTarget.Result.no("unknown command '" + name + "' of " + words[0] + " (try '"
                    + words[0] + " " + ExtensionControls.HELP + "')").statusLine());
            return;
        }
        if (command.changes() && !readWrite) {
            out.thenLines(ControlTarget.Result.no(
                    "'" + words[0] + " " + name + "' is not allowed on a read-only control socket").statusLine());
            return;
        }
        List<String> arguments = end > 2 ? List.of(Arrays.copyOfRange(words, 2, end)) : List.of();
        ControlRegistry.Answer answer;
        try {
            answer = command.handler().run(arguments);
        } catch (IllegalArgumentException e) {
            out.thenLines(ControlTarget.Result.no(e.getMessage()).statusLine());
            return;
        } catch (RuntimeException e) {
            counters.increment(ControlCounters.INTERNAL_ERRORS);
            target.extensions().commandFailed(words[0] + " command " + name, e);
            out.thenLines("no internal error");
            return;
        }
        if (answer != null && json) {
            if (answer.json() == null) {
                out.thenLines(ControlTarget.Result.no(
                        "'" + words[0] + " " + name + "' has no JSON answer").statusLine());
                return;
            }
            out.thenJson(answer.json());
        } else if (answer != null) {
            out.thenText(answer.text());
        }
        out.thenLines("ok");
    }

    private String apply(RuntimeStatement statement) {
        try {
            ControlTarget.Result r = target.apply(statement);
            return r == null ? "ok" : r.statusLine();
        } catch (RuntimeException e) {
            internalError("applying " + statement, e);
            return "no internal error";
        }
    }

    private void internalError(String what, RuntimeException e) {
        counters.increment(ControlCounters.INTERNAL_ERRORS);
        try {
            target.internalError("control socket: " + what, e);
        } catch (RuntimeException ignored) {
            // counted already; a failing report must not end the session
        }
    }

    private void bad(Answer out) {
        counters.increment(ControlCounters.BAD_REQUESTS);
        out.thenLines("bad");
    }

    private String decode(byte[] raw) throws CharacterCodingException {
        utf8.reset();
        CharBuffer chars = utf8.decode(ByteBuffer.wrap(raw));
        return chars.toString();
    }
}
