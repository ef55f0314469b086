package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package (dist/build-deb.sh, docs/PACKAGING.md), built from the jars of this build and installed with
 * {@code dpkg -i} into a copy of this machine's root that only this test sees: an overlay whose writable layer is a
 * tmpfs, in a mount namespace of its own, entered with chroot. What it proves: the package installs (its maintainer
 * scripts run, the postinst records the JVM's ahead-of-time cache), the command of its systemd unit (parsed from the
 * installed unit, with the directories systemd would make for it) starts the installed jbabeld with the package's
 * Java runtime and configuration, which routes next to a babeld 1.12 and maps the cache; the installed {@code jbabel
 * ctl} reads its control socket; man renders both pages without a warning; bash loads the completions; a purge leaves
 * nothing behind. What it does not prove: systemd itself running the unit (there is no systemd here), a Debian system
 * without the test's packages (the overlay's lower layer is this machine).
 */
class JbabeldDebianPackageTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String SOCKET = "/run/jbabel/jbabeld.sock";

    private Lab lab;
    private Path dir;
    private Process holder;
    private Path root;

    @BeforeEach
    void network(@TempDir Path tmp) throws Exception {
        Lab.tool("babeld", "babeld");
        Lab.scriptRoot();
        dir = tmp;
        lab = new Lab(dir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (holder != null) { // the mount namespace, its overlay and tmpfs go with its last process
                holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void thePackageInstallsAndItsUnitsCommandRoutesNextToBabeld() throws Exception {
        Path project = Lab.scriptRoot();
        String deb = Lab.run(Duration.ofMinutes(5), project.resolve("dist/build-deb.sh").toString(), "--compress", "gzip",
                "--out", dir.toString()).strip();
        deb = deb.substring(deb.lastIndexOf('\n') + 1);
        assertThat(Path.of(deb)).isRegularFile();

        cleanRoot();
        Files.copy(Path.of(deb), dir.resolve("jbabel.deb"));
        String installed = inRoot("dpkg", "-i", "/tmp/pkg/jbabel.deb");
        assertThat(installed).contains("Setting up jbabel", "recording the ahead-of-time cache");
        String cache = inRoot("stat", "-c", "%s", "/var/cache/jbabel/jbabeld.aot");
        assertThat(Long.parseLong(cache.strip())).as("the cache recorded by the postinst").isGreaterThan(1 << 20);

        String a = lab.ns("a");
        String b = lab.ns("b");
        lab.link(a, "va", b, "vb");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
        lab.babeld(a, "a", List.of("-C", "default hello-interval 0.5 update-interval 4", "va"));

        // the administrator's one step: the interface in the configuration file
        inRoot("sh", "-c", "echo 'interface vb' >>/etc/jbabel/jbabeld.conf");
        List<String> unit = inRoot("cat", "/lib/systemd/system/jbabeld.service").lines().toList();
        for (String kind : List.of("RuntimeDirectory=/run/", "StateDirectory=/var/lib/", "CacheDirectory=/var/cache/")) {
            String key = kind.substring(0, kind.indexOf('=') + 1);
            String name = unit.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow().substring(key.length());
            inRoot("mkdir", "-p", kind.substring(key.length()) + name);
        }
        String execStart = unit.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
                .substring("ExecStart=".length());
        assertThat(execStart).doesNotContain("$", "\"", "'"); // plain words: split as systemd would
        Lab.Daemon daemon = lab.start("installed", b, inRootCommand(b, execStart.split(" +")));

        lab.await("babeld's route to the installed jbabeld", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via fe80:") ? true : null);
        lab.await("the installed jbabeld's route to babeld", CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
        String dump = inRoot("/usr/bin/jbabel", "ctl", "--socket", SOCKET, "dump");
        assertThat(dump).contains("add neighbour", "prefix 2001:db8:a::1/128");
        long pid = Long.parseLong(inRoot("cat", "/run/jbabel/jbabeld.pid").strip());
        assertThat(pid).isEqualTo(daemon.process().pid());
        String maps = Files.readString(Path.of("/proc/" + pid + "/maps"));
        assertThat(maps).as("the package's runtime, from the cache")
                .contains("/usr/lib/jbabel/runtime/lib/server/libjvm.so", "/var/cache/jbabel/jbabeld.aot");
        lab.stop(daemon);
        assertThat(lab.babelRoutes(b, "-6")).as("its routes removed at SIGTERM").doesNotContain("2001:db8:a::1");

        for (String page : List.of("/usr/share/man/man8/jbabeld.8.gz", "/usr/share/man/man1/jbabel.1.gz")) {
            String[] rendered = inRootSplit("env", "MANWIDTH=100", "man", "--warnings", "-l", page);
            assertThat(rendered[1]).as("man's warnings for " + page).isEmpty();
            assertThat(rendered[0]).contains("NAME", "SYNOPSIS", "OPTIONS");
        }
        assertThat(inRoot("env", "MANWIDTH=100", "man", "-l", "/usr/share/man/man8/jbabeld.8.gz"))
                .contains("jbabeld - a Babel routing daemon", "-G PORT|PATH");
        String completion = inRoot("bash", "-c", "source /usr/share/bash-completion/completions/jbabel && "
                + "source /usr/share/bash-completion/completions/jbabeld && complete -p jbabel jbabeld && "
                + "COMP_WORDS=(jbabel c) COMP_CWORD=1 COMP_LINE='jbabel c' COMP_POINT=8 && _picocli_jbabel && "
                + "echo \"reply: ${COMPREPLY[*]}\"");
        assertThat(completion).contains("-F _complete_jbabel jbabel", "-F _complete_jbabeld jbabeld",
                "reply: ctl");

        inRoot("dpkg", "--purge", "jbabel");
        assertThat(inRoot("sh", "-c", "ls -d /usr/lib/jbabel /var/cache/jbabel /var/lib/jbabel /etc/jbabel "
                + "/usr/sbin/jbabeld 2>/dev/null || true")).as("left after a purge").isEmpty();
        assertThat(Lab.run("sh", "-n", project.resolve("dist/openwrt/jbabeld.init").toString()))
                .as("the OpenWrt init script parses").isEmpty();
    }

    /** The copy of the machine's root: an overlay on / with a tmpfs on top, in a mount namespace of its own. */
    private void cleanRoot() throws Exception {
        Path base = dir.resolve("root");
        Files.createDirectories(base);
        root = base.resolve("merged");
        String script = "set -e; d=$0; mount -t tmpfs tmpfs $d; mkdir $d/upper $d/work $d/merged; "
                + "mount -t overlay overlay -o lowerdir=/,upperdir=$d/upper,workdir=$d/work $d/merged; "
                + "for m in proc sys dev; do mount --rbind /$m $d/merged/$m; done; "
                + "mount -t tmpfs tmpfs $d/merged/run; mount -t tmpfs tmpfs $d/merged/tmp; "
                + "mkdir $d/merged/tmp/pkg; mount --bind $1 $d/merged/tmp/pkg; echo ready; exec sleep 3600";
        holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script, base.toString(),
                dir.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            fail("the overlay root could not be made: %s", line);
        }
    }

    /** A command in the clean root, in namespace {@code ns} (null: the host's network) with its own sysfs. */
    private List<String> inRootCommand(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holder.pid()), "-m"));
        if (ns != null) {
            c.addAll(List.of("--net=/run/netns/" + ns, "unshare", "-m", "sh", "-c",
                    "mount -t sysfs sysfs \"$0/sys\" && exec chroot \"$0\" \"$@\"", root.toString()));
        } else {
            c.addAll(List.of("chroot", root.toString()));
        }
        c.addAll(Arrays.asList(command));
        return c;
    }

    private String inRoot(String... command) throws Exception {
        return Lab.run(Duration.ofMinutes(2), inRootCommand(null, command).toArray(String[]::new));
    }

    /** A command in the clean root: its standard output and standard error apart. */
    private String[] inRootSplit(String... command) throws Exception {
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(inRootCommand(null, command)).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {out, Files.readString(err)};
    }
}
