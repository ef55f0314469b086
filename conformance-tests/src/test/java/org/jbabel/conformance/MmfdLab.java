package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Helpers of the services' conformance tests: the C mmfd's location, probe processes, packets, and what jbabeld's
 * mmfd and DDHCP say on its control socket.
 */
final class MmfdLab {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MmfdLab() {}

    /** The C mmfd ({@link CPeers#binary}). */
    static Path cMmfd() {
        return CPeers.binary("mmfd");
    }

    /** A process whose stdout lines are queued and whose stdin takes commands. */
    static final class Proc implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private final OutputStream stdin;

        Proc(List<String> command) throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            stdin = process.getOutputStream();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        all.add(l);
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("closed " + e);
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /**
         * The next line matching {@code p} within {@code limit}, skipping others; null when none came. Lines already
         * queued are looked at even when the limit is zero or past.
         */
        String next(Predicate<String> p, Duration limit) throws InterruptedException {
            return nextBefore(p, System.nanoTime() + limit.toNanos());
        }

        /** As {@link #next}, waiting until {@code end} ({@link System#nanoTime()}) at most. */
        String nextBefore(Predicate<String> p, long end) throws InterruptedException {
            while (true) {
                long left = end - System.nanoTime();
                String l = left <= 0 ? lines.poll() : lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null || p.test(l)) {
                    return l;
                }
            }
        }

        String expect(String what, Predicate<String> p, Duration limit) throws InterruptedException {
            String l = next(p, limit);
            if (l == null) {
                fail("no %s within %s; output: %s", what, limit, all);
            }
            return l;
        }

        void command(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        void send(String address, int port, byte[] data) throws IOException {
            command("send " + address + " " + port + " " + HexFormat.of().formatHex(data));
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The first line matching {@code p} at any of {@code listeners} (by name) within {@code quiet}, all of them watched
     * during the same window, as "NAME: LINE"; null when none came.
     */
    static String anyWithin(Map<String, Proc> listeners, Predicate<String> p, Duration quiet)
            throws InterruptedException {
        long end = System.nanoTime() + quiet.toNanos();
        for (Map.Entry<String, Proc> e : listeners.entrySet()) {
            String l = e.getValue().nextBefore(p, end);
            if (l != null) {
                return e.getKey() + ": " + l;
            }
        }
        return null;
    }

    /**
     * The listener {@code origin} of {@code listeners} (each on its node's mmfd0, by name) sends {@code text} to
     * ff05::2:1001: it must come out at every other listener within {@code arrival}, and then no second copy (nor one
     * at the origin) at any of them within {@code quiet}.
     */
    static void deliveredExactlyOnce(Map<String, Proc> listeners, String origin, String text, Duration arrival,
            Duration quiet) throws Exception {
        Proc from = listeners.get(origin);
        from.send("ff05::2:1001", 1001, text.getBytes(StandardCharsets.UTF_8));
        from.expect("the send on " + origin, "sent"::equals, quiet);
        for (Map.Entry<String, Proc> e : listeners.entrySet()) {
            if (!e.getKey().equals(origin)) {
                e.getValue().expect(text + " at " + e.getKey(), payload(text), arrival);
            }
        }
        String again = anyWithin(listeners, payload(text), quiet);
        if (again != null) {
            fail("a second copy of %s (or one at its origin %s) at %s", text, origin, again);
        }
    }

    /** An {@link MmfdProbe} in a namespace; returns once it is ready. */
    static Proc probe(String ns, String ifname, int port, String... groups) throws Exception {
        return ready(startProbe(ns, ifname, port, groups), ns + "/" + ifname);
    }

    /** An {@link MmfdProbe} in a namespace, started: {@link #ready} waits for it. */
    private static Proc startProbe(String ns, String ifname, int port, String... groups) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MmfdProbe.class.getName(), ifname,
                Integer.toString(port)));
        c.addAll(List.of(groups));
        return new Proc(c);
    }

    private static Proc ready(Proc p, String where) throws Exception {
        p.expect("ready from the probe on " + where, "ready"::equals, Duration.ofSeconds(30));
        return p;
    }

    /** A received datagram as the probe printed it. */
    record Recv(String source, byte[] data) {
        static Recv of(String line) {
            String[] w = line.split(" ");
            return new Recv(norm(w[1]), w.length > 2 ? HexFormat.of().parseHex(w[2]) : new byte[0]);
        }
    }

    static Predicate<String> recv(Predicate<Recv> p) {
        return l -> l.startsWith("recv ") && p.test(Recv.of(l));
    }

    /** The link-local address of an interface in a namespace (DAD off, so it is usable at once). */
    static String linkLocal(Lab lab, String ns, String ifname) throws Exception {
        String out = lab.ip(ns, "-6", "-o", "addr", "show", "dev", ifname, "scope", "link");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("inet6 (fe80::[0-9a-f:]+)/").matcher(out);
        if (!m.find()) {
            fail("no link-local address on %s in %s: %s", ifname, ns, out);
        }
        return norm(m.group(1));
    }

    /** An address in its canonical text form (fe80::1, not fe80:0:0:0:0:0:0:1). */
    static String norm(String address) {
        return org.jbabel.wire.IpAddress.parse(address).toString();
    }

    /** Turns off duplicate address detection in a namespace, before its links are made. */
    static void noDad(Lab lab, String ns) throws Exception {
        Lab.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
        Lab.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
    }

    /** A UDP/IPv6 packet with a correct checksum, hop limit 64. */
    static byte[] udp(String source, String destination, int port, byte[] payload) throws Exception {
        byte[] src = InetAddress.getByName(source).getAddress();
        byte[] dst = InetAddress.getByName(destination).getAddress();
        int udpLength = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + udpLength);
        b.putInt(0x6000_0000).putShort((short) udpLength).put((byte) 17).put((byte) 64).put(src).put(dst);
        b.putShort((short) port).putShort((short) port).putShort((short) udpLength).putShort((short) 0).put(payload);
        byte[] p = b.array();
        long sum = 0;
        for (int i = 8; i < 40; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum += udpLength + 17;
        for (int i = 40; i < p.length; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (i + 1 < p.length ? p[i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int checksum = (int) (~sum & 0xffff);
        if (checksum == 0) {
            checksum = 0xffff;
        }
        p[46] = (byte) (checksum >>> 8);
        p[47] = (byte) checksum;
        return p;
    }

    /** nonce + packet: an mmfd DATA datagram. */
    static byte[] data(byte[] nonce, byte[] packet) {
        return ByteBuffer.allocate(8 + packet.length).put(nonce).put(packet).array();
    }

    /** The UDP payload of the IPv6 packet inside an mmfd DATA datagram. */
    static String innerPayload(byte[] data) {
        return data.length < 56 ? "" : new String(data, 56, data.length - 56, StandardCharsets.UTF_8);
    }

    /** One request on the C mmfd's control socket (one line, the answer up to close). */
    static String cControl(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Channels.newOutputStream(ch).write((request + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Waits for {@code mmfd0} in a namespace, gives it fe80::1/64 and a route for ff05::/16 (as Gluon), listens. */
    static Proc mmfd0Listener(Lab lab, String ns, Duration limit) throws Exception {
        return mmfd0Listeners(lab, List.of(ns), limit).getFirst();
    }

    /**
     * {@link #mmfd0Listener} in each of the namespaces, the listeners started together; in the same order. The caller
     * closes them; when this fails, it closes those it started.
     */
    static List<Proc> mmfd0Listeners(Lab lab, List<String> namespaces, Duration limit) throws Exception {
        for (String ns : namespaces) {
            lab.await("mmfd0 in " + ns, limit, () -> {
                try {
                    return lab.exec(ns, "ip", "link", "show", "mmfd0") == 0 ? Boolean.TRUE : null;
                } catch (Exception e) {
                    return null;
                }
            });
            lab.ip(ns, "-6", "addr", "add", "fe80::1/64", "dev", "mmfd0");
            lab.ip(ns, "-6", "route", "add", "ff05::/16", "dev", "mmfd0", "table", "main");
        }
        List<Proc> started = new ArrayList<>();
        try {
            for (String ns : namespaces) {
                started.add(startProbe(ns, "mmfd0", 1001, "ff05::2:1001"));
            }
            for (int i = 0; i < started.size(); i++) {
                ready(started.get(i), namespaces.get(i) + "/mmfd0");
            }
            return started;
        } catch (Exception | AssertionError e) {
            for (Proc p : started) {
                p.close();
            }
            throw e;
        }
    }

    /** Lines of {@code recv} whose UDP payload (as the listener on mmfd0 got it) is {@code text}. */
    static Predicate<String> payload(String text) {
        return recv(r -> new String(r.data(), StandardCharsets.UTF_8).equals(text));
    }

    /** {@code jbabel ctl --socket SOCKET ARGS...}, its standard output (a JVM from the test's class path). */
    static String ctl(Path socket, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.jbabel.cli.Main", "ctl", "--socket",
                socket.toString()));
        c.addAll(List.of(args));
        Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    /**
     * jbabeld's answer to an extension's command as JSON ({@code COMMAND json} on its control socket: the line
     * {@code jbabel ctl COMMAND --json} prints, without starting a JVM for it); null when the socket does not answer
     * it with {@code ok}.
     */
    static JsonNode answer(Path socket, String command) {
        try {
            List<String> lines = Lab.ask(socket, command + " json");
            return lines.getLast().equals("ok") ? JSON.readTree(lines.get(lines.size() - 2)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The rows of every range of jbabeld's {@code ddhcp blocks}; null when the socket does not answer. */
    static List<JsonNode> ddhcpBlocks(Path socket) {
        JsonNode tree = answer(socket, "ddhcp blocks");
        if (tree == null) {
            return null;
        }
        List<JsonNode> rows = new ArrayList<>();
        tree.findValue("ddhcp_blocks").forEach(range -> range.get("rows").forEach(rows::add));
        return rows;
    }

    /** jbabeld's {@code ddhcp blocks}: block index to state ({@code OURS}, {@code CLAIMED}...); null as above. */
    static Map<Integer, String> ddhcpStates(Path socket) {
        List<JsonNode> rows = ddhcpBlocks(socket);
        if (rows == null) {
            return null;
        }
        Map<Integer, String> states = new HashMap<>();
        rows.forEach(r -> states.put(r.get("index").asInt(), r.get("state").asText()));
        return states;
    }

    /** The addresses jbabeld's DDHCP side holds LEASED ({@code ddhcp leases}); an exception when it does not answer. */
    static Set<String> ddhcpLeasesNow(Path socket) throws IOException {
        JsonNode tree = answer(socket, "ddhcp leases");
        if (tree == null) {
            throw new IOException("no answer to ddhcp leases on " + socket);
        }
        return leased(tree);
    }

    /**
     * As {@link #ddhcpLeasesNow}, through {@code jbabel ctl ddhcp leases --json} in a JVM of its own (a second or
     * more). Only {@code JbabeldKillNineTest} still asks this way: its last wait (12 s, for "one more renewal of every
     * client") leans on that pace, since the clients bound just after a restart renew 14-15 s after binding, and it
     * fails when the leases are read at once.
     */
    static Set<String> ddhcpLeases(Path socket) throws Exception {
        String out = ctl(socket, "ddhcp", "leases", "--json");
        return leased(JSON.readTree(out.substring(out.indexOf('{'))));
    }

    private static Set<String> leased(JsonNode tree) {
        Set<String> leased = new HashSet<>();
        for (JsonNode r : tree.findValue("ddhcp_leases")) {
            if (r.get("state").asText().equals("LEASED")) {
                leased.add(r.get("address").asText());
            }
        }
        return leased;
    }

    /** The neighbour addresses jbabeld's mmfd lists ({@code mmfd neighbours}), or null. */
    static List<String> jbabelMmfdNeighbours(Path socket) {
        JsonNode tree = answer(socket, "mmfd neighbours");
        if (tree == null) {
            return null;
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode n : tree.findValues("mmfd_neighbours")) {
            n.forEach(e -> addresses.add(norm(e.get("address").asText())));
        }
        return addresses;
    }

    /** A counter of jbabeld ({@code dump json}), 0 when absent. */
    static long counter(Path socket, String name) throws IOException {
        List<String> json = Lab.ask(socket, "dump json");
        JsonNode c = JSON.readTree(json.get(json.size() - 2)).get("counters");
        return c == null || c.get(name) == null ? 0 : c.get(name).asLong();
    }
}
