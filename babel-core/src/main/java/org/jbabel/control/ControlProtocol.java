package org.jbabel.control;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.config.RuntimeStatements;

/**
 * One client's session on the control socket, as a state machine without I/O: bytes in, lines out.
 *
 * <p>{@link #open()} gives the banner. {@link #receive} takes whatever bytes arrived and answers every complete
 * line with its data lines and exactly one status line computed for that line alone ({@code ok}, {@code no
 * [message]}, {@code bad}), so a {@code bad} never leaks into the status of a later pipelined line. {@code quit}
 * gets no status: the session ends and the server half-closes. A line longer than {@link #MAX_LINE} bytes,
 * newline included, closes the connection. {@code monitor} / {@code monitor json} answer with a dump and
 * {@code ok}; then {@link #refresh} yields the events since the previous snapshot until {@code unmonitor}.
 *
 * <p>Not thread-safe: the server calls it on the daemon's event loop only, where the {@link ControlTarget} lives.
 */
public final class ControlProtocol {

    /** The longest request line babeld reads, in bytes, newline included. */
    public static final int MAX_LINE = 1024;

    /** What the connection must do after the lines of an {@link Output} are written. */
    public enum Close {
        /** Keep going. */
        NONE,
        /** {@code quit}: read no more, shut down our side after the lines; the client closes. */
        HALF,
        /** Close the connection (overlong line). */
        FULL
    }

    /**
     * Lines to send (without newlines) and what to do after them.
     *
     * @param lines the lines, in order
     * @param close what to do with the connection after them
     */
    public record Output(List<String> lines, Close close) {
        public Output {
            lines = List.copyOf(lines);
        }

        static final Output NOTHING = new Output(List.of(), Close.NONE);
    }

    private final ControlTarget target;
    private final boolean readWrite;
    private final ControlCounters counters;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] pending = new byte[MAX_LINE];
    private int pendingLength;
    private boolean ended;
    private StateSnapshot monitored;
    private boolean monitorJson;

    /**
     * @param target the daemon
     * @param readWrite whether runtime configuration is allowed (read-only sessions answer it {@code bad})
     * @param counters where bad requests and overlong lines are counted
     */
    public ControlProtocol(ControlTarget target, boolean readWrite, ControlCounters counters) {
        this.target = target;
        this.readWrite = readWrite;
        this.counters = counters;
    }

    /** The banner: {@code BABEL 1.0}, {@code version}, {@code host}, {@code my-id}, {@code ok}. */
    public Output open() {
        List<String> lines = new ArrayList<>(BabeldText.banner(target.node()));
        lines.add("ok");
        return new Output(lines, Close.NONE);
    }

    /** Whether the session is over (after {@code quit} or an overlong line); further input is ignored. */
    public boolean ended() {
        return ended;
    }

    /** Whether {@code monitor} is on. */
    public boolean monitoring() {
        return monitored != null;
    }

    /** Handles received bytes: every complete line is answered; an incomplete one waits for more. */
    public Output receive(byte[] data, int offset, int length) {
        if (ended) {
            return Output.NOTHING;
        }
        List<String> out = new ArrayList<>();
        for (int i = offset; i < offset + length; i++) {
            byte b = data[i];
            if (b == '\n') {
                byte[] line = Arrays.copyOf(pending, pendingLength);
                pendingLength = 0;
                if (!handle(line, out)) {
                    ended = true;
                    return new Output(out, Close.HALF);
                }
                continue;
            }
            if (pendingLength == MAX_LINE - 1) {
                counters.increment(ControlCounters.OVERLONG_LINES);
                ended = true;
                return new Output(out, Close.FULL);
            }
            pending[pendingLength++] = b;
        }
        return new Output(out, Close.NONE);
    }

    /** Convenience for {@link #receive(byte[], int, int)} over a whole array. */
    public Output receive(byte[] data) {
        return receive(data, 0, data.length);
    }

    /** The monitor events since the last snapshot this session showed; nothing when not monitoring. */
    public Output refresh(StateSnapshot now) {
        if (ended || monitored == null) {
            return Output.NOTHING;
        }
        List<ChangeEvent> events = StateDiff.between(monitored, now);
        monitored = now;
        List<String> out = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            out.add(monitorJson ? JsonFormat.line(JsonFormat.event(e)) : BabeldText.format(e));
        }
        return new Output(out, Close.NONE);
    }

    /** Answers one line; false for {@code quit}. */
    private boolean handle(byte[] raw, List<String> out) {
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
            StateSnapshot s = target.snapshot();
            out.add(JsonFormat.line(JsonFormat.dump(s.withCounters(counters.snapshot()))));
            if (words[0].equals("monitor")) {
                monitored = s;
                monitorJson = true;
            }
            out.add("ok");
            return true;
        }
        RuntimeStatement statement;
        try {
            statement = RuntimeStatements.parse(line, target.keys(), readWrite, new ArrayList<>());
        } catch (ConfigException e) {
            bad(out);
            return true;
        } catch (RuntimeException e) {
            counters.increment(ControlCounters.INTERNAL_ERRORS);
            bad(out);
            return true;
        }
        switch (statement) {
            case null -> out.add("ok");
            case RuntimeStatement.Quit q -> {
                return false;
            }
            case RuntimeStatement.Dump d -> {
                out.addAll(BabeldText.dump(target.snapshot()));
                out.add("ok");
            }
            case RuntimeStatement.Monitor m -> {
                StateSnapshot s = target.snapshot();
                out.addAll(BabeldText.dump(s));
                monitored = s;
                monitorJson = false;
                out.add("ok");
            }
            case RuntimeStatement.Unmonitor u -> {
                monitored = null;
                out.add("ok");
            }
            default -> out.add(apply(statement));
        }
        return true;
    }

    private String apply(RuntimeStatement statement) {
        try {
            ControlTarget.Result r = target.apply(statement);
            return r == null ? "ok" : r.statusLine();
        } catch (RuntimeException e) {
            counters.increment(ControlCounters.INTERNAL_ERRORS);
            return "no internal error";
        }
    }

    private void bad(List<String> out) {
        counters.increment(ControlCounters.BAD_REQUESTS);
        out.add("bad");
    }

    private String decode(byte[] raw) throws CharacterCodingException {
        utf8.reset();
        CharBuffer chars = utf8.decode(ByteBuffer.wrap(raw));
        return chars.toString();
    }
}
