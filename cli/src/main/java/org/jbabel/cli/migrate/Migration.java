package org.jbabel.cli.migrate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jbabel.config.CommandLineOptions;
import org.jbabel.config.ConfigException;
import org.jbabel.config.ConfigFiles;
import org.jbabel.config.ConfigParser;
import org.jbabel.config.ConfigWarning;
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.Filter;
import org.jbabel.config.FilterKind;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.wire.Prefix;

/**
 * {@code jbabel migrate}: the command lines of babeld, l3roamd, mmfd and ddhcpd (and babeld's configuration files)
 * as one jbabel configuration, a file for {@code jbabeld -c} (docs/MIGRATING.md). babeld's command line and files
 * are read with jbabeld's own parser ({@link CommandLineOptions}); each option becomes the statement that means the
 * same, in babeld's order (options and {@code -C} first, then the files, then the interfaces), so the file gives the
 * daemon the configuration babeld had. The printed configuration is parsed again, with the extensions' own parsers,
 * before it is returned: what this class prints, jbabeld accepts.
 */
public final class Migration {

    /**
     * What to migrate; a null command line means that daemon is not migrated. A command line is split as a shell
     * splits it ({@code -C 'redistribute local deny'} is two words); a leading program name is skipped.
     *
     * @param babeld babeld's command line
     * @param babeldConf babeld configuration files to read instead of the ones its {@code -c} names (for a copy taken
     *     off the node); empty to read those
     * @param prefixd the prefixes this node shares with prefixd (its uci {@code prefixd.SECTION.prefix})
     */
    public record Inputs(String babeld, List<String> babeldConf, String l3roamd, String mmfd, String ddhcpd,
            List<String> prefixd, Site site) {

        public Inputs {
            babeldConf = List.copyOf(babeldConf);
            prefixd = List.copyOf(prefixd);
        }
    }

    /**
     * The configuration and what the operator must know.
     *
     * @param configuration the file, with a comment naming the source of each line
     * @param commandLine jbabeld's options that have no statement (babeld's {@code -h}, {@code -H}, {@code -w}): they
     *     stay on its command line, next to {@code -c FILE}
     * @param warnings one line each for options that have no jbabel equivalent or that jbabel does differently
     */
    public record Result(String configuration, List<String> commandLine, List<String> warnings) {}

    private final Inputs in;
    private final List<String> babeldArgs;
    private final ConfigFiles files;
    private final List<? extends ExtensionProvider> providers;
    private final Output out = new Output();
    private final List<String> commandLine = new ArrayList<>();

    private Migration(Inputs in, ConfigFiles files, List<? extends ExtensionProvider> providers)
            throws MigrationException {
        this.in = in;
        this.babeldArgs = words("--babeld", in.babeld());
        this.files = files;
        this.providers = providers;
    }

    /**
     * Migrates, reading configuration files through {@code files}, and checks the result with the extensions'
     * parsers ({@code providers}) and {@code check} (which makes the extensions from the parsed configuration, so
     * their settings are checked too).
     */
    public static Result migrate(Inputs in, ConfigFiles files, List<? extends ExtensionProvider> providers,
            Consumer<DaemonConfig> check) throws MigrationException {
        return new Migration(in, files, providers).run(check);
    }

    private Result run(Consumer<DaemonConfig> check) throws MigrationException {
        if (in.babeld() == null && in.babeldConf().isEmpty() && in.l3roamd() == null && in.mmfd() == null
                && in.ddhcpd() == null && in.prefixd().isEmpty()) {
            throw new MigrationException("nothing to migrate: give --babeld, --babeld-conf, --l3roamd, --mmfd,"
                    + " --ddhcpd or --prefixd");
        }
        L3roamdArgs l3roamd = in.l3roamd() == null ? null : L3roamdArgs.parse(words("--l3roamd", in.l3roamd()));
        MmfdArgs mmfd = in.mmfd() == null ? null : MmfdArgs.parse(words("--mmfd", in.mmfd()));
        DdhcpdArgs ddhcpd = in.ddhcpd() == null ? null : DdhcpdArgs.parse(words("--ddhcpd", in.ddhcpd()));
        List<Prefix> prefixd = new ArrayList<>();
        for (String p : in.prefixd()) {
            try {
                prefixd.add(Prefix.parse(p));
            } catch (IllegalArgumentException e) {
                throw new MigrationException("--prefixd " + p + ": " + e.getMessage());
            }
        }

        out.comment("jbabel configuration written by 'jbabel migrate' (docs/MIGRATING.md) from");
        source("babeld", babeldArgs);
        in.babeldConf().forEach(f -> out.comment("  babeld configuration file " + f));
        source("l3roamd", l3roamd == null ? null : words("--l3roamd", in.l3roamd()));
        source("mmfd", mmfd == null ? null : words("--mmfd", in.mmfd()));
        source("ddhcpd", ddhcpd == null ? null : words("--ddhcpd", in.ddhcpd()));
        in.prefixd().forEach(p -> out.comment("  prefixd sharing " + p));
        out.comment("");

        DaemonConfig babeld = babeld(l3roamd != null && l3roamd.roams() ? l3roamd.hostRoutePrefixes() : List.of(),
                prefixd);
        meshInterfaces(babeld, l3roamd, mmfd);
        if (l3roamd != null) {
            l3roamd.emit(out, in.site());
        } else if (!in.site().isEmpty()) {
            out.warn("--next-node, --next-node-ipv4, --next-node-mac and --domain-seed are roaming's: ignored"
                    + " without --l3roamd");
        }
        if (mmfd != null) {
            mmfd.emit(out, l3roamd == null ? List.of() : l3roamd.meshInterfaces());
        }
        if (!prefixd.isEmpty()) {
            out.comment("prefixd: the prefixd extension (docs/ROAMING.md, \"prefixd\")");
            for (Prefix p : prefixd) {
                out.statement("prefixd uplink-prefix " + p, "prefixd: the prefix this node shares (--prefixd)");
            }
        }
        if (ddhcpd != null) {
            ddhcpd.emit(out);
        }
        verify(check);
        return new Result(out.text(), List.copyOf(commandLine), out.warnings());
    }

    private static List<String> words(String option, String line) throws MigrationException {
        if (line == null) {
            return null;
        }
        try {
            return ShellWords.split(line);
        } catch (IllegalArgumentException e) {
            throw new MigrationException(option + ": " + e.getMessage());
        }
    }

    private void source(String daemon, List<String> argv) {
        if (argv != null) {
            out.comment("  " + daemon + " " + ShellWords.join(DaemonArgs.withoutProgramName(daemon, argv)));
        }
    }

    /**
     * babeld's options, {@code -C} statements, files and interfaces as statements, in babeld's order; the
     * redistribution rules that only fed l3roamd's or prefixd's routes to babeld become comments. Returns babeld's
     * configuration as jbabeld reads it (empty without babeld).
     */
    private DaemonConfig babeld(List<Prefix> roamingPrefixes, List<Prefix> prefixd) throws MigrationException {
        if (in.babeld() == null && in.babeldConf().isEmpty()) {
            return DaemonConfig.empty();
        }
        List<String> argv = babeldArgs == null ? List.of() : DaemonArgs.withoutProgramName("babeld", babeldArgs);
        CommandLineOptions cl;
        try {
            cl = CommandLineOptions.parse(argv);
        } catch (ConfigException e) {
            throw new MigrationException("babeld " + e.getMessage());
        }
        if (cl.showVersion()) {
            throw new MigrationException("babeld -V: prints the version and exits; nothing to migrate");
        }
        List<CommandLineOptions.Option> options = new ArrayList<>();
        List<String> paths = new ArrayList<>(in.babeldConf());
        for (CommandLineOptions.Option o : cl.options()) {
            if (o.letter() != 'c') {
                options.add(o);
            } else if (in.babeldConf().isEmpty()) {
                paths.add(o.argument());
            } else {
                out.warn("babeld -c " + o.argument() + ": read from --babeld-conf instead");
            }
        }
        if (paths.isEmpty() && (in.babeld() != null && files.exists(ConfigFiles.DEFAULT_FILE))) {
            paths.add(ConfigFiles.DEFAULT_FILE);
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (String p : paths) {
            try {
                texts.put(p, files.read(p));
            } catch (IOException e) {
                throw new MigrationException("babeld configuration file " + p + ": cannot read it: " + e);
            }
        }
        paths.forEach(p -> options.add(new CommandLineOptions.Option('c', p)));
        DaemonConfig config;
        try {
            config = new CommandLineOptions(options, cl.operands(), false).toConfig(ConfigFiles.of(texts), providers);
        } catch (ConfigException e) {
            throw new MigrationException("babeld: jbabeld does not accept it: " + e.getMessage());
        }
        for (ConfigWarning w : config.warnings()) {
            out.warn("babeld " + w);
        }

        out.comment("babeld's command line");
        int statements = 0;
        for (CommandLineOptions.Option o : cl.options()) {
            String a = o.argument();
            String origin = "babeld -" + o.letter() + (a == null ? "" : " " + a);
            switch (o.letter()) {
                case 'm' -> out.statement("protocol-group " + a, origin);
                case 'p' -> out.statement("protocol-port " + a, origin);
                case 'k' -> out.statement("kernel-priority " + a, origin);
                case 'A' -> out.statement("allow-duplicates " + a, origin);
                case 'r' -> out.statement("random-id true", origin);
                case 'S' -> out.statement("state-file " + quoted(a), origin);
                case 'd' -> out.statement("debug " + a, origin);
                case 'g' -> out.statement(a.startsWith("/") ? "local-path " + quoted(a) : "local-port " + a, origin);
                case 'G' -> out.statement(a.startsWith("/") ? "local-path-readwrite " + quoted(a)
                        : "local-port-readwrite " + a, origin);
                case 'l' -> out.statement("link-detect true", origin);
                case 'M' -> out.statement("smoothing-half-life " + a, origin);
                case 't' -> out.statement("export-table " + a, origin);
                case 'T' -> out.statement("import-table " + a, origin);
                case 'C' -> out.statement(a.strip(), "babeld -C #" + ++statements);
                case 'D' -> out.statement("daemonise true", origin);
                case 'L' -> out.statement("log-file " + quoted(a), origin);
                case 'I' -> out.statement("pid-file " + quoted(a), origin);
                case 'h', 'H', 'w' -> {
                    commandLine.add("-" + o.letter());
                    if (a != null) {
                        commandLine.add(a);
                    }
                    out.comment(origin + ": no statement; stays on jbabeld's command line");
                }
                case 's', 'z' -> out.dropped(origin, "ignored: no effect in babeld either");
                case 'c' -> { } // the files follow
                default -> throw new IllegalStateException("babeld option not handled: -" + o.letter());
            }
        }
        Map<String, Map<Integer, String>> notNeeded = notNeeded(config, roamingPrefixes, prefixd);
        for (Map.Entry<String, String> file : texts.entrySet()) {
            out.comment("babeld's configuration file " + file.getKey());
            String[] lines = file.getValue().split("\n", -1);
            int n = lines.length;
            if (n > 0 && lines[n - 1].isEmpty()) {
                n--; // the file's last newline
            }
            Map<Integer, String> mine = notNeeded.getOrDefault(file.getKey(), Map.of());
            for (int i = 0; i < n; i++) {
                String why = mine.get(i + 1);
                if (why == null) {
                    out.verbatim(lines[i]);
                } else {
                    out.comment(lines[i].strip() + "  (" + why + ")");
                    out.warn(file.getKey() + ":" + (i + 1) + ": \"" + lines[i].strip() + "\" left out: " + why);
                }
            }
        }
        if (!cl.operands().isEmpty()) {
            out.comment("babeld's interfaces (command line)");
            for (String name : cl.operands()) {
                out.statement("interface " + quoted(name), "babeld " + name);
            }
        }
        return config;
    }

    /**
     * The redistribute rules (file and line) that only announced what an extension now originates itself: client
     * and node-client host routes (roaming), the shared prefix's source-specific routes (prefixd).
     */
    private static Map<String, Map<Integer, String>> notNeeded(DaemonConfig config, List<Prefix> roaming,
            List<Prefix> prefixd) {
        Map<String, Map<Integer, String>> out = new HashMap<>();
        for (Filter f : config.filters().rules(FilterKind.REDISTRIBUTE)) {
            if (f.action().denies() || f.position().line() == 0) {
                continue;
            }
            String why = null;
            if (f.prefix() != null && roaming.contains(f.prefix())
                    && f.minLength() == f.prefix().family().bits()) {
                why = "not needed: the roaming extension announces these host routes itself";
            } else if (f.action().sourcePrefix() != null && prefixd.contains(f.action().sourcePrefix())) {
                why = "not needed: the prefixd extension announces ::/0 from " + f.action().sourcePrefix() + " itself";
            }
            if (why != null) {
                out.computeIfAbsent(f.position().source(), k -> new HashMap<>()).put(f.position().line(), why);
            }
        }
        return out;
    }

    /**
     * Every interface of l3roamd's intercom and of mmfd that babeld does not run on becomes a Babel interface: jbabel's
     * roaming and mmfd run on Babel's interfaces (Gluon adds them to babeld at run time over its socket).
     */
    private void meshInterfaces(DaemonConfig babeld, L3roamdArgs l3roamd, MmfdArgs mmfd) {
        Map<String, List<String>> from = new LinkedHashMap<>();
        if (l3roamd != null) {
            l3roamd.meshInterfaces().forEach(i -> from.computeIfAbsent(i, k -> new ArrayList<>()).add("l3roamd -m " + i));
        }
        if (mmfd != null) {
            mmfd.meshInterfaces().forEach(i -> from.computeIfAbsent(i, k -> new ArrayList<>()).add("mmfd -i " + i));
        }
        Set<String> added = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : from.entrySet()) {
            if (!babeld.isConfigured(e.getKey())) {
                if (added.isEmpty()) {
                    out.comment("mesh interfaces: jbabel's roaming and mmfd run on Babel's interfaces");
                }
                out.statement("interface " + quoted(e.getKey()), String.join(", ", e.getValue()));
                added.add(e.getKey());
            }
        }
        if (!added.isEmpty() && (in.babeld() != null || !in.babeldConf().isEmpty())) {
            out.warn("Babel also runs on " + String.join(", ", added) + " (l3roamd's and mmfd's mesh interfaces)");
        }
        if (l3roamd != null && l3roamd.roams() && !l3roamd.meshInterfaces().isEmpty()) {
            for (String name : babeld.exactInterfaceNames()) {
                if (!l3roamd.meshInterfaces().contains(name)) {
                    out.warn("roaming's intercom also runs on the Babel interface " + name
                            + " (l3roamd had no -m " + name + ")");
                }
            }
        }
    }

    /** Parses the configuration again with jbabeld's parser and the extensions'; an error names the line's source. */
    private void verify(Consumer<DaemonConfig> check) throws MigrationException {
        List<Output.Line> lines = out.lines();
        DaemonConfig config;
        try {
            config = new ConfigParser(providers).parseText("migrated", out.text()).build();
        } catch (ConfigException e) {
            int line = e.line();
            String origin = line >= 1 && line <= lines.size() && lines.get(line - 1).origin() != null
                    ? lines.get(line - 1).origin() : "line " + line;
            throw new MigrationException(origin + ": " + e.reason()
                    + (e.statement() == null ? "" : " in \"" + e.statement() + "\""));
        }
        try {
            check.accept(config);
        } catch (RuntimeException e) {
            throw new MigrationException("the extensions do not accept the configuration: " + e.getMessage());
        }
    }

    /** A path or name as a configuration word: in double quotes when it is empty or has blanks, quotes or '#'. */
    static String quoted(String word) {
        boolean plain = !word.isEmpty() && word.chars().allMatch(c -> c > ' ' && c != '"' && c != '#' && c != '\\');
        return plain ? word : "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
