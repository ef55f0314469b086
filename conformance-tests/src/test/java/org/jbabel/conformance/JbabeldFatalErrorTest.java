package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Error is never survived: jbabeld with routes from babeld in its kernel runs out of heap (a real
 * OutOfMemoryError, injected through the test-only {@code jbabel.test.fault} property and SIGUSR1, in a task of
 * its loop or in its netlink reader thread) and must log it, remove its routes of protocol 42 and exit with status
 * 70, so that a supervisor restarts it.
 */
class JbabeldFatalErrorTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");

    private Lab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop-oom", "netlink-oom"})
    void anOutOfMemoryErrorEndsTheDaemonWithStatus70AndNoRouteOfProtocol42Left(String fault, @TempDir Path dir)
            throws Exception {
        Lab.tool("babeld", "babeld");
        lab = new Lab(dir);
        String a = lab.ns("a");
        String b = lab.ns("b");
        lab.link(a, "va", b, "vb");
        lab.link(a, "st0", a, "st1");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            batch.append("route add 2001:db8:c:").append(Integer.toHexString(i)).append("::/64 dev st0 proto static\n");
        }
        Path file = dir.resolve("routes.batch");
        Files.writeString(file, batch);
        lab.ip(a, "-batch", file.toString());
        lab.babeld(a, "a", List.of("-C", "default hello-interval 0.5 update-interval 4",
                "-C", "redistribute ip 2001:db8:c::/48 ge 64", "va"));
        Lab.Daemon jbabeld = lab.jbabeld(b, "b", List.of("-D" + "jbabel.test.fault=" + fault), concat(FAST, "vb"));
        lab.await("forwarding on, redirects off while jbabeld runs", CONVERGE,
                () -> sysctls(b).equals("1\n0") ? true : null);
        lab.await("babeld's 201 routes in jbabeld's kernel", CONVERGE, () -> {
            long n = lab.babelRoutes(b, "-6").lines().count();
            return n >= 201 ? n : null;
        });

        // SIGUSR1: with the fault property set, the heap is exhausted instead of the tables being dumped
        new ProcessBuilder("kill", "-USR1", Long.toString(jbabeld.process().pid())).start().waitFor();
        assertThat(jbabeld.process().waitFor(60, TimeUnit.SECONDS)).as("jbabeld exits").isTrue();
        String log = Files.readString(jbabeld.log());
        assertThat(jbabeld.process().exitValue()).as("exit status; the log: %s", log).isEqualTo(70);
        assertThat(log).contains("fatal error in thread " + (fault.equals("loop-oom") ? "jbabeld" : "jbabeld-netlink"))
                .contains("java.lang.OutOfMemoryError").contains("routes and rules of protocol 42");
        assertThat(lab.ip(b, "-6", "route", "show", "proto", "42") + lab.ip(b, "-4", "route", "show", "proto", "42"))
                .as("routes of protocol 42 left in the kernel").isEmpty();
        assertThat(sysctls(b)).as("the sysctls jbabeld changed are put back (a new namespace starts without forwarding, with"
                        + " redirects)").isEqualTo("0\n1");
    }

    /** IPv6 forwarding and accept_redirects of all interfaces in {@code ns}, one per line. */
    private static String sysctls(String ns) {
        try {
            return Lab.run("ip", "netns", "exec", ns, "cat", "/proc/sys/net/ipv6/conf/all/forwarding",
                    "/proc/sys/net/ipv6/conf/all/accept_redirects").strip();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> first, String last) {
        List<String> all = new java.util.ArrayList<>(first);
        all.add(last);
        return all;
    }
}
