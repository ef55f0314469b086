package org.jbabel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jbabel.config.CommandLineOptions;
import org.jbabel.runtime.Daemon;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man pages and bash completions of {@code jbabel} and {@code jbabeld}, written from picocli's model of the
 * commands (docs/PACKAGING.md): {@code jbabel.1} and the completion of {@code jbabel} from {@link Main}'s annotations,
 * {@code jbabeld.8} and its completion from {@link #jbabeldSpec()}, a picocli model of babeld's command line that
 * {@link CommandLineOptions} parses (jbabeld itself does not use picocli). The pages are troff (the man macros)
 * written here: picocli's own generator writes AsciiDoc, which would need asciidoctor to become a man page.
 *
 * <p>{@code java -cp jbabel-cli.jar org.jbabel.cli.Manuals DIR} writes {@code DIR/jbabel.1}, {@code DIR/jbabeld.8},
 * {@code DIR/completion/jbabel} and {@code DIR/completion/jbabeld} ({@code dist/build-deb.sh} runs it).
 */
public final class Manuals {

    /**
     * What each of babeld's option letters means to jbabeld: its argument's label (null for a flag) and a line.
     * {@code ManualsTest} checks that the letters are exactly those {@link CommandLineOptions} accepts.
     */
    static final Map<Character, String[]> JBABELD_OPTIONS = jbabeldOptions();

    private Manuals() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Manuals DIR   (writes jbabel.1, jbabeld.8, completion/jbabel, completion/jbabeld)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir.resolve("completion"));
        CommandLine jbabel = new CommandLine(new Main());
        CommandLine jbabeld = new CommandLine(jbabeldSpec());
        write(dir.resolve("jbabel.1"), manPage(jbabel.getCommandSpec(), 1, "the tools of jbabel: control client, simulator, decoder",
                JBABEL_END));
        write(dir.resolve("jbabeld.8"), manPage(jbabeld.getCommandSpec(), 8, "a Babel routing daemon with mesh services",
                JBABELD_END));
        write(dir.resolve("completion/jbabel"), AutoComplete.bash("jbabel", jbabel));
        write(dir.resolve("completion/jbabeld"), AutoComplete.bash("jbabeld", jbabeld));
    }

    private static final Map<String, String> JBABEL_END = Map.of("SEE ALSO",
            "jbabeld(8); in jbabel's sources docs/CONTROL.md (the control socket), docs/SIMULATOR.md (sim), "
                    + "docs/WIRE.md (decode).");
    private static final Map<String, String> JBABELD_END = new LinkedHashMap<>(Map.of(
            "FILES", "/etc/jbabel/jbabeld.conf: the configuration the package's systemd unit gives with -c. "
                    + "/usr/lib/jbabel/bin/jbabeld.options: the JVM's options; JBABEL_JAVA_OPTS in the environment "
                    + "adds more after them. /var/cache/jbabel/jbabeld.aot: the JVM's ahead-of-time cache, recorded "
                    + "when the package is installed; JBABEL_AOT_CACHE names another, empty for none.",
            "SEE ALSO", "jbabel(1), babeld(8); in jbabel's sources docs/DAEMON.md, docs/CONFIGURATION.md (the options "
                    + "and the configuration file's grammar), docs/PACKAGING.md."));

    private static Map<Character, String[]> jbabeldOptions() {
        Map<Character, String[]> m = new LinkedHashMap<>();
        m.put('m', new String[] {"GROUP", "multicast group, default ff02::1:6"});
        m.put('p', new String[] {"PORT", "UDP port, default 6696"});
        m.put('h', new String[] {"SECONDS", "hello interval of wireless interfaces without their own, default 4 (not help)"});
        m.put('H', new String[] {"SECONDS", "hello interval of the other interfaces without their own, default 4"});
        m.put('k', new String[] {"N", "kernel priority (metric) of installed routes, default 0"});
        m.put('A', new String[] {"N", "allow duplicates: a learned route is installed next to a local one whose metric is below N"});
        m.put('s', new String[] {null, "accepted with a warning, without effect"});
        m.put('r', new String[] {null, "a random router-id"});
        m.put('S', new String[] {"FILE", "state file, default /var/lib/babel-state"});
        m.put('d', new String[] {"LEVEL", "debug level"});
        m.put('g', new String[] {"PORT|PATH", "read-only control socket: TCP on [::1] or a UNIX domain socket"});
        m.put('G', new String[] {"PORT|PATH", "read-write control socket: TCP on [::1] or a UNIX domain socket"});
        m.put('l', new String[] {null, "carrier sense decides whether an interface is up"});
        m.put('w', new String[] {null, "interfaces of undetermined type are wireless"});
        m.put('z', new String[] {"KIND", "accepted with a warning, without effect (diversity routing)"});
        m.put('M', new String[] {"SECONDS", "metric smoothing half-life, 0 for none, default 4"});
        m.put('t', new String[] {"TABLE", "kernel table of the installed routes, default main (254)"});
        m.put('T', new String[] {"TABLE", "kernel table to redistribute from, repeatable, default main"});
        m.put('c', new String[] {"FILE", "configuration file, repeatable; default /etc/babeld.conf when it exists"});
        m.put('C', new String[] {"STATEMENT", "one configuration statement, repeatable"});
        m.put('D', new String[] {null, "daemonise"});
        m.put('L', new String[] {"FILE", "log file; default standard error, or /var/log/babeld.log when daemonised"});
        m.put('I', new String[] {"FILE", "pid file, default /var/run/babeld.pid; empty for none"});
        m.put('V', new String[] {null, "print the version and exit"});
        return m;
    }

    /** A picocli model of jbabeld's command line, for its man page and completion; not a parser of it. */
    static CommandSpec jbabeldSpec() {
        CommandSpec spec = CommandSpec.create().name("jbabeld");
        spec.parser().separator(" ");
        spec.usageMessage().description(
                "jbabeld is a Babel routing daemon (RFC 8966) with babeld's command line and configuration files, "
                        + "and the layer-3 mesh services of a Freifunk node as extensions (roaming, mmfd, prefixd, "
                        + "NAT426/NAT64, DDHCP), configured by statements of the configuration file.",
                "The options are read as babeld reads them: letters may be clustered, an argument may follow its "
                        + "letter directly, options and interface names may be mixed. The command line is applied "
                        + "first, then the configuration files, then the interfaces named on the command line: a file "
                        + "wins over an option that sets the same thing. Interface names may be patterns (wg-*).",
                "SIGTERM and SIGINT stop the daemon, which then removes its kernel routes; SIGUSR1 writes its tables "
                        + "to the log; SIGUSR2 reopens the log file and reads interfaces and kernel routes again. "
                        + "Exit status: 0 after a clean stop, 1 for a bad command line or configuration, 70 after a "
                        + "fatal error (its routes removed).");
        for (Map.Entry<Character, String[]> o : JBABELD_OPTIONS.entrySet()) {
            OptionSpec.Builder b = OptionSpec.builder("-" + o.getKey()).description(o.getValue()[1]);
            if (o.getValue()[0] == null) {
                b.arity("0").type(boolean.class);
            } else {
                b.arity("1").type(String.class).paramLabel(o.getValue()[0]);
            }
            spec.addOption(b.build());
        }
        spec.addPositional(PositionalParamSpec.builder().paramLabel("INTERFACE").arity("0..*").type(String.class)
                .description("interfaces to run Babel on (names or patterns), after those of the configuration files")
                .build());
        spec.version(Daemon.VERSION);
        return spec;
    }

    /** The man page (troff, man macros) of a command and its subcommands, in section {@code section}. */
    static String manPage(CommandSpec spec, int section, String summary, Map<String, String> end) {
        StringBuilder s = new StringBuilder();
        s.append(".TH ").append(spec.name().toUpperCase()).append(' ').append(section).append(" \"\" \"")
                .append(Daemon.VERSION).append("\" \"jbabel\"\n");
        s.append(".SH NAME\n").append(spec.name()).append(" \\- ")
                .append(text(summary)).append('\n');
        s.append(".SH SYNOPSIS\n");
        synopses(spec, s);
        s.append(".SH DESCRIPTION\n");
        paragraphs(spec.usageMessage().description(), s);
        if (!spec.subcommands().isEmpty()) {
            s.append("Each job is a subcommand, described below with its options.\n");
        }
        s.append(".SH OPTIONS\n");
        arguments(spec, s);
        for (CommandLine sub : subcommands(spec)) {
            CommandSpec c = sub.getCommandSpec();
            s.append(".SH \"").append(text(c.qualifiedName())).append("\"\n");
            paragraphs(c.usageMessage().description(), s);
            arguments(c, s);
        }
        for (String heading : List.of("FILES", "SEE ALSO")) {
            if (end.containsKey(heading)) {
                s.append(".SH \"").append(heading).append("\"\n").append(text(end.get(heading))).append('\n');
            }
        }
        return s.toString();
    }

    private static List<CommandLine> subcommands(CommandSpec spec) {
        List<CommandLine> all = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values().stream().distinct().toList()) {
            if (sub.getCommandSpec().usageMessage().hidden() || sub.getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            all.add(sub);
            all.addAll(subcommands(sub.getCommandSpec()));
        }
        return all;
    }

    private static void synopses(CommandSpec spec, StringBuilder s) {
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        s.append(".nf\n").append(text(help.synopsis(0).strip())).append('\n');
        for (CommandLine sub : subcommands(spec)) {
            Help h = new Help(sub.getCommandSpec(), Help.defaultColorScheme(Help.Ansi.OFF));
            s.append(text(h.synopsis(0).strip())).append('\n');
        }
        s.append(".fi\n");
    }

    private static void arguments(CommandSpec spec, StringBuilder s) {
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            String names = o.names().length == 0 ? "" : String.join(", ", o.names());
            s.append(".TP\n\\fB").append(text(names)).append("\\fR");
            if (o.arity().max() > 0) {
                s.append(" \\fI").append(text(o.paramLabel())).append("\\fR");
            }
            s.append('\n').append(text(description(o))).append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            s.append(".TP\n\\fI").append(text(p.paramLabel())).append("\\fR\n").append(text(description(p))).append('\n');
        }
    }

    /** An argument's description, with picocli's variables that its help would render replaced. */
    private static String description(ArgSpec a) {
        String d = String.join(" ", a.description());
        String candidates = a.completionCandidates() == null ? ""
                : java.util.stream.StreamSupport.stream(a.completionCandidates().spliterator(), false)
                        .collect(Collectors.joining(", "));
        return d.replace("${DEFAULT-VALUE}", String.valueOf(a.defaultValueString()))
                .replace("${COMPLETION-CANDIDATES}", candidates);
    }

    private static void paragraphs(String[] lines, StringBuilder s) {
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                s.append(".PP\n");
            }
            s.append(text(lines[i])).append('\n');
        }
    }

    /** Text made safe for troff: backslashes and hyphens escaped, no line starting with a control character. */
    static String text(String t) {
        String escaped = t.replace("\\", "\\e").replace("-", "\\-");
        return escaped.lines().map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l)
                .collect(Collectors.joining("\n"));
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
