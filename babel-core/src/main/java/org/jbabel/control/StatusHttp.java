package org.jbabel.control;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jbabel.extension.ControlRegistry;

/**
 * One connection to the status page (docs/CONTROL.md, "The status page"), as a state machine without I/O: it reads
 * one HTTP/1.x request and answers it, then the server ends its side of the connection. {@code GET /} is the page ({@link StatusPage}),
 * {@code GET /mesh.svg} the picture ({@link MeshSvg}), {@code GET /state.json} the {@code dump json} object, streamed
 * from its snapshot; {@code HEAD} gives the same heads. Nothing here changes the daemon's state.
 *
 * <p>Bounds: the request head (request line and header fields) at most {@value #MAX_HEAD} bytes and
 * {@value #MAX_HEADERS} fields, the request line at most {@value #MAX_REQUEST_LINE} bytes (431 or 414, counted in
 * {@code control.http-oversized}); a malformed request is answered 400, another method 405, a Host that is not a
 * loopback address or {@code localhost} 421 (all counted in {@code control.http-bad-requests}); any other path
 * 404. A request body is never read.
 */
final class StatusHttp implements Session {

    static final int MAX_HEAD = 8 << 10;
    static final int MAX_REQUEST_LINE = 2 << 10;
    static final int MAX_HEADERS = 32;

    /** The extensions' read-only commands the page shows when their extension runs. */
    static final List<List<String>> LOOKS = List.of(List.of("roaming", "clients"), List.of("ddhcp", "leases"),
            List.of("nat426", "clients"), List.of("nat64", "sessions"), List.of("mmfd", "neighbours"));

    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]{1,16}) (\\S{1,2048}) HTTP/1\\.([01])");
    private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern LOOPBACK_HOST = Pattern.compile(
            "(localhost|\\[[0-9A-Fa-f:.]+\\]|[0-9]{1,3}(\\.[0-9]{1,3}){3})(:[0-9]{1,5})?");

    private final ControlTarget target;
    private final ControlCounters counters;
    private final Supplier<StateSnapshot> snapshots;
    private final byte[] head = new byte[MAX_HEAD];
    private int length;
    private boolean unread;
    private boolean answered;

    StatusHttp(ControlTarget target, ControlCounters counters, Supplier<StateSnapshot> snapshots) {
        this.target = target;
        this.counters = counters;
        this.snapshots = snapshots;
    }

    @Override
    public ControlProtocol.Output open() {
        return new ControlProtocol.Output(Answer.empty(), ControlProtocol.Close.NONE);
    }

    @Override
    public void accept(byte[] data) {
        if (answered || data.length == 0) {
            return;
        }
        int n = Math.min(data.length, MAX_HEAD - length);
        System.arraycopy(data, 0, head, length, n);
        length += n;
        unread = true;
    }

    @Override
    public boolean hasInput() {
        return !answered && unread;
    }

    @Override
    public StateSnapshot monitored() {
        return null;
    }

    @Override
    public ControlProtocol.Output refresh(StateSnapshot now) {
        return open();
    }

    @Override
    public ControlProtocol.Output next() {
        if (answered || !unread) {
            return null;
        }
        unread = false;
        int end = endOfHead();
        if (end < 0) {
            int firstLine = indexOf((byte) '\n', 0);
            if (firstLine < 0 ? length > MAX_REQUEST_LINE : firstLine > MAX_REQUEST_LINE) {
                return refuse(414, "URI Too Long", "the request line is longer than " + MAX_REQUEST_LINE + " bytes",
                        true);
            }
            if (length == MAX_HEAD) {
                return refuse(431, "Request Header Fields Too Large",
                        "the request head is longer than " + MAX_HEAD + " bytes", true);
            }
            return null; // wait for the rest
        }
        answered = true;
        String text = new String(head, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = (text.endsWith("\r") ? text.substring(0, text.length() - 1) : text).split("\r?\n", -1);
        if (lines[0].length() > MAX_REQUEST_LINE) {
            return refuse(414, "URI Too Long", "the request line is longer than " + MAX_REQUEST_LINE + " bytes", true);
        }
        var request = REQUEST_LINE.matcher(lines[0]);
        if (!request.matches()) {
            return refuse(400, "Bad Request", "not an HTTP/1.0 or HTTP/1.1 request line", false);
        }
        if (lines.length - 1 > MAX_HEADERS) {
            return refuse(431, "Request Header Fields Too Large", "more than " + MAX_HEADERS + " header fields",
                    true);
        }
        String host = null;
        for (String field : Arrays.asList(lines).subList(1, lines.length)) {
            int colon = field.indexOf(':');
            if (colon <= 0 || !FIELD_NAME.matcher(field.substring(0, colon)).matches()
                    || field.chars().anyMatch(c -> c < ' ' && c != '\t' || c == 0x7f)) {
                return refuse(400, "Bad Request", "a malformed header field", false);
            }
            if (field.substring(0, colon).equalsIgnoreCase("host")) {
                if (host != null) {
                    return refuse(400, "Bad Request", "more than one Host field", false);
                }
                host = field.substring(colon + 1).strip();
            }
        }
        if (host == null && request.group(3).equals("1")) {
            return refuse(400, "Bad Request", "an HTTP/1.1 request without Host", false);
        }
        if (host != null && !LOOPBACK_HOST.matcher(host).matches()) {
            // a name that is not ours reached a loopback port: a page elsewhere trying DNS rebinding
            return refuse(421, "Misdirected Request", "this page answers to localhost and to addresses only", false);
        }
        String method = request.group(1);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return refuse(405, "Method Not Allowed", "the status page only reads: GET or HEAD", false);
        }
        boolean bodyToo = method.equals("GET");
        String path = request.group(2);
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        return switch (path) {
            case "/", "/index.html" -> page("text/html; charset=utf-8",
                    StatusPage.html(state(), looks()), bodyToo);
            case "/mesh.svg" -> page("image/svg+xml; charset=utf-8", MeshSvg.render(state()), bodyToo);
            case "/state.json" -> {
                Answer a = Answer.empty().thenBytes(head(200, "OK", "application/json", -1, ""));
                yield close(bodyToo ? a.thenJsonDump(state()) : a);
            }
            default -> close(Answer.empty().thenBytes(response(404, "Not Found", "no such page: try /", bodyToo)));
        };
    }

    /** The snapshot to show, with the control server's counters. */
    private StateSnapshot state() {
        return snapshots.get().withCounters(counters.snapshot());
    }

    /** What the running extensions' read-only commands in {@link #LOOKS} answer, as JSON values. */
    private List<StatusPage.Look> looks() {
        List<StatusPage.Look> looks = new ArrayList<>();
        for (List<String> look : LOOKS) {
            ExtensionControls.Registered command = target.extensions().command(look.get(0), look.get(1));
            if (command == null || command.changes()) {
                continue;
            }
            String title = look.get(0) + " " + look.get(1);
            try {
                ControlRegistry.Answer answer = command.handler().run(List.of());
                looks.add(answer == null || answer.json() == null ? new StatusPage.Look(title, null, "no answer")
                        : new StatusPage.Look(title, JsonFormat.plainTree(answer.json()), null));
            } catch (RuntimeException e) {
                counters.increment(ControlCounters.INTERNAL_ERRORS);
                target.extensions().commandFailed(title, e);
                looks.add(new StatusPage.Look(title, null, "internal error"));
            }
        }
        return looks;
    }

    private static ControlProtocol.Output page(String type, String body, boolean bodyToo) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Answer a = Answer.empty().thenBytes(head(200, "OK", type, bytes.length, ""));
        return close(bodyToo ? a.thenBytes(bytes) : a);
    }

    /** A refused request: counted, answered with a line of text, and the connection closed. */
    private ControlProtocol.Output refuse(int status, String reason, String why, boolean oversized) {
        answered = true;
        counters.increment(ControlCounters.HTTP_BAD_REQUESTS);
        if (oversized) {
            counters.increment(ControlCounters.HTTP_OVERSIZED);
        }
        return close(Answer.empty().thenBytes(response(status, reason, why, true)));
    }

    private static byte[] response(int status, String reason, String text, boolean bodyToo) {
        byte[] body = (status + " " + reason + ": " + text + "\n").getBytes(StandardCharsets.UTF_8);
        String extra = status == 405 ? "Allow: GET, HEAD\r\n" : "";
        byte[] h = head(status, reason, "text/plain; charset=utf-8", body.length, extra);
        if (!bodyToo) {
            return h;
        }
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** A response head; without a length ({@code -1}) the body ends when the connection closes. */
    private static byte[] head(int status, String reason, String type, int contentLength, String extra) {
        String h = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: " + type + "\r\n"
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "")
                + "Cache-Control: no-store\r\n"
                + "X-Content-Type-Options: nosniff\r\n"
                + "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
                + "Referrer-Policy: no-referrer\r\n"
                + extra
                + "Connection: close\r\n\r\n";
        return h.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The answer, after which the server shuts its side down and reads (and drops) what the client still sends until
     * it closes: closing at once with unread bytes would reset the connection and could cost the client the answer.
     */
    private static ControlProtocol.Output close(Answer a) {
        return new ControlProtocol.Output(a, ControlProtocol.Close.HALF);
    }

    /** Where the request head's last line ends (before its newline), or -1 while the head is incomplete. */
    private int endOfHead() {
        for (int i = indexOf((byte) '\n', 0); i >= 0; i = indexOf((byte) '\n', i + 1)) {
            if (i + 1 < length && head[i + 1] == '\n') {
                return i;
            }
            if (i + 2 < length && head[i + 1] == '\r' && head[i + 2] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(byte b, int from) {
        for (int i = from; i < length; i++) {
            if (head[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
