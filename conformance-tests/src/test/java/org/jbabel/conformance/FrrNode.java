package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * FRR's babeld (with the zebra it needs) in a namespace of a {@link Lab}, without systemd: both run in the foreground
 * as daemons of the lab (so {@link Lab#close()} stops them), logging to {@code NAME-zebra.log} and
 * {@code NAME-babeld.log}, with their configuration, pid files, zebra socket and vty sockets in a directory
 * {@code NAME-frr} of the lab owned by user {@code frr}. The interfaces are put under Babel through vtysh once FRR
 * sees them up, not in the configuration file: with {@code network IF} in the file FRR 8.4 joins ff02::1:6 twice and
 * goes deaf on the second join's EADDRINUSE; given while the interface is down it never joins at all.
 */
final class FrrNode {

    static final Path BABELD = Path.of("/usr/lib/frr/babeld");
    static final Path ZEBRA = Path.of("/usr/lib/frr/zebra");
    private static final Duration START = Duration.ofSeconds(30);

    private final String ns;
    private final Path dir;
    final Lab.Daemon zebra;
    final Lab.Daemon babeld;

    private FrrNode(String ns, Path dir, Lab.Daemon zebra, Lab.Daemon babeld) {
        this.ns = ns;
        this.dir = dir;
        this.zebra = zebra;
        this.babeld = babeld;
    }

    /**
     * Checks that FRR's babeld, zebra and vtysh are installed. Missing: the test fails when {@code CI=true}, else it is
     * skipped with the way to install them.
     */
    static void require() {
        if (!Files.isExecutable(BABELD) || !Files.isExecutable(ZEBRA) || !Files.isExecutable(Path.of("/usr/bin/vtysh"))) {
            String message = "FRR's babeld is not installed (" + BABELD + ", " + ZEBRA + ", /usr/bin/vtysh): "
                    + "apt-get install frr (or run bin/test as root)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
    }

    /**
     * Starts zebra and FRR's babeld in {@code ns} with {@code babel wired} on each interface of {@code interfaces}
     * (which must be up) and {@code routerLines} under {@code router babel} (e.g. {@code redistribute ipv6 connected}),
     * FRR's default timers otherwise; returns once babeld runs on every interface and has joined ff02::1:6 there.
     */
    static FrrNode start(Lab lab, String ns, String name, List<String> interfaces, List<String> routerLines)
            throws Exception {
        require();
        // the daemons drop to user frr, which must reach the directory through the lab's (a private temporary one)
        Files.setPosixFilePermissions(lab.dir(), EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE));
        Path dir = Files.createDirectories(lab.dir().resolve(name + "-frr"));
        StringBuilder conf = new StringBuilder("hostname " + name + "\n");
        for (String i : interfaces) {
            conf.append("interface ").append(i).append("\n babel wired\nexit\n");
        }
        conf.append("router babel\n");
        for (String l : routerLines) {
            conf.append(' ').append(l).append('\n');
        }
        conf.append("exit\n");
        Files.writeString(dir.resolve("zebra.conf"), "hostname " + name + "\n");
        Files.writeString(dir.resolve("babeld.conf"), conf);
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        GroupPrincipal group = users.lookupPrincipalByGroupName("frr");
        for (Path p : List.of(dir, dir.resolve("zebra.conf"), dir.resolve("babeld.conf"))) {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName("frr"));
            view.setGroup(group);
        }

        Lab.Daemon zebra = lab.start(name + "-zebra", ns, command(ns, ZEBRA, dir, "zebra"));
        lab.await("zebra's socket in " + ns, START, () -> Files.exists(dir.resolve("zserv.api")) ? true : null);
        Lab.Daemon babeld = lab.start(name + "-babeld", ns, command(ns, BABELD, dir, "babeld"));
        FrrNode node = new FrrNode(ns, dir, zebra, babeld);
        lab.await("FRR babeld's vty socket in " + ns, START,
                () -> Files.exists(dir.resolve("babeld.vty")) ? true : null);
        for (String i : interfaces) {
            lab.await("FRR's babeld seeing " + i + " up", START,
                    () -> node.vtyshQuietly("show babel interface " + i).contains(i + " is up") ? true : null);
            node.vtysh("configure terminal", "router babel", "network " + i);
            lab.await("FRR's babeld running on " + i + " and in ff02::1:6", START, () -> {
                try {
                    return node.vtyshQuietly("show babel interface " + i).contains("Babel protocol is running")
                            && lab.ip(ns, "-6", "maddr", "show", "dev", i).contains("ff02::1:6") ? true : null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return node;
    }

    private static List<String> command(String ns, Path daemon, Path dir, String name) {
        return List.of("ip", "netns", "exec", ns, daemon.toString(), "-N", ns, "-u", "frr", "-g", "frr",
                "-f", dir.resolve(name + ".conf").toString(), "-i", dir.resolve(name + ".pid").toString(),
                "-z", dir.resolve("zserv.api").toString(), "--vty_socket", dir.toString(), "-P", "0",
                "--log", "stdout");
    }

    /** vtysh on this node's daemons with the commands in order (one {@code -c} each); fails on a non-zero exit. */
    String vtysh(String... commands) throws Exception {
        List<String> c = new ArrayList<>(List.of("vtysh", "--vty_socket", dir.toString()));
        for (String command : commands) {
            c.add("-c");
            c.add(command);
        }
        return Lab.run(c.toArray(String[]::new));
    }

    /** As {@link #vtysh}, for polling: the output, or the empty string when vtysh failed. */
    String vtyshQuietly(String... commands) {
        try {
            return vtysh(commands);
        } catch (Exception | AssertionError e) {
            return "";
        }
    }

    /** The namespace this node runs in. */
    String ns() {
        return ns;
    }

    /** The directory of its configuration and sockets. */
    Path dir() {
        return dir;
    }

    /** Whether FRR's babeld lists a neighbour with this address (a link-local one) in {@code show babel neighbor}. */
    boolean hasNeighbour(String address) {
        return vtyshQuietly("show babel neighbor").contains("Neighbour " + address + " ");
    }
}
