package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layer-3 roaming between two jbabeld nodes, in network namespaces with a plain Linux client (issue 12). A and B
 * run jbabeld with {@code roaming}; S, the server, runs babeld behind M (babeld too), so the clients' host routes
 * travel through the reference implementation; the client namespace has a static address in the client prefix and
 * the next-node as its default router. Its veth moves from A's client bridge to B's and back.
 */
class JbabeldRoamingTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String CLIENT = "2001:db8:c::100";
    private static final String SERVER = "2001:db8:5::1";
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");

    @TempDir
    Path dir;

    private static List<String> roaming(String nodeAddress, String... interfaces) {
        List<String> args = new ArrayList<>(FAST);
        args.addAll(List.of("-C", "roaming client-interface br-client client-prefix 2001:db8:c::/64 node-address "
                + nodeAddress));
        args.addAll(List.of(interfaces));
        return args;
    }

    @Test
    void aClientKeepsItsAddressAndIsReachableFromTheServerAfterMovingBetweenNodes() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String s = lab.ns("s");
            String m = lab.ns("m");
            String a = lab.ns("a");
            String b = lab.ns("b");
            String c = lab.ns("c");
            lab.link(s, "vsm", m, "vms");
            lab.link(m, "vma", a, "vam");
            lab.link(m, "vmb", b, "vbm");
            lab.link(a, "vab", b, "vba");
            lab.ip(s, "-6", "addr", "add", SERVER + "/128", "dev", "lo");
            for (String node : List.of(a, b)) {
                lab.ip(node, "link", "add", "br-client", "type", "bridge");
                lab.ip(node, "link", "set", "br-client", "up");
            }
            lab.link(c, "c0", a, "ca");
            lab.ip(a, "link", "set", "ca", "master", "br-client");
            lab.ip(c, "-6", "addr", "add", CLIENT + "/64", "dev", "c0", "nodad");
            lab.ip(c, "-6", "route", "add", "default", "via", "fe80::1", "dev", "c0");

            lab.babeld(s, "s", with(FAST, "-C", "redistribute local ip " + SERVER + "/128", "-C",
                    "redistribute local deny", "vsm"));
            lab.babeld(m, "m", with(FAST, "-C", "redistribute local deny", "vms", "vma", "vmb"));
            Lab.Daemon ja = lab.jbabeld(a, "a", roaming("2001:db8:a::1", "vam", "vab"));
            Lab.Daemon jb = lab.jbabeld(b, "b", roaming("2001:db8:b::1", "vbm", "vba"));

            lab.await("the server's route at A and B", CONVERGE, () ->
                    lab.babelRoutes(a, "-6").contains(SERVER) && lab.babelRoutes(b, "-6").contains(SERVER) ? true
                            : null);
            lab.await("ping from the server reaches the client at A", CONVERGE,
                    () -> ping(lab, s, CLIENT) ? true : null);
            assertThat(lab.babelRoutes(m, "-6")).as("M learns the client's /128 from A").contains(CLIENT + " via");
            assertThat(clients(ja)).contains(CLIENT);

            // roam: the client's cable moves from A's bridge to B's
            lab.run("ip", "-n", a, "link", "set", "ca", "netns", b);
            lab.ip(b, "link", "set", "ca", "master", "br-client");
            lab.ip(b, "link", "set", "ca", "up");
            lab.await("ping from the server reaches the client at B", CONVERGE,
                    () -> ping(lab, s, CLIENT) ? true : null);
            lab.await("B serves the client", CONVERGE, () -> clients(jb).contains(CLIENT) ? true : null);
            lab.await("A has let it go", CONVERGE, () -> clients(ja).contains(CLIENT) ? null : true);
            System.out.println(Files.readString(ja.log()));
            System.out.println(Files.readString(jb.log()));
        }
    }

    private static String clients(Lab.Daemon d) {
        try {
            return String.join("\n", Lab.ask(d.socket(), "roaming clients"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static boolean ping(Lab lab, String ns, String address) {
        try {
            return lab.exec(ns, "ping", "-6", "-c", "1", "-W", "1", address) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
