package org.jbabel.config;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.wire.IpAddress;

/**
 * babeld's command line: {@code babeld option... [--] interface...}, read as glibc's {@code getopt} reads it
 * (options may be clustered, {@code -d1} or {@code -d 1}; options and interface names may be mixed; {@code --} ends
 * the options).
 *
 * <p>{@link #toConfig(ConfigFiles)} applies everything in babeld's order, which was checked against babeld 1.12.1:
 * first the options in command-line order, each {@code -C} statement parsed where it stands; then the configuration
 * files ({@code -c}, in order, or /etc/babeld.conf if there is no {@code -c} and it exists); then the interfaces
 * named on the command line. A file therefore overrides a flag or {@code -C} statement setting the same thing, and
 * {@code -C} filter rules come before the files' rules.
 *
 * <p>Note that {@code -h} is the wireless hello interval, not help, and {@code -V} stops reading the command line.
 *
 * @param options the options in order ({@code -c} and {@code -C} included)
 * @param operands the interface names (or patterns) after the options
 * @param showVersion whether {@code -V} was given (the options after it are not read)
 */
public record CommandLineOptions(List<Option> options, List<String> operands, boolean showVersion) {

    /** The source name of command-line errors. */
    public static final String SOURCE = "command line";

    /** The letters babeld knows; those followed by ':' take an argument. */
    static final String OPTSTRING = "m:p:h:H:k:A:srS:d:g:G:lwz:M:t:T:c:C:DL:I:V";

    /** The option letters babeld and jbabeld accept, in babeld's order. */
    public static String optionLetters() {
        return OPTSTRING.replace(":", "");
    }

    public CommandLineOptions {
        options = List.copyOf(options);
        operands = List.copyOf(operands);
    }

    /** One option: its letter and its argument (null for flags). */
    public record Option(char letter, String argument) {}

    /** Splits argv into options and operands; unknown options and missing arguments are errors. */
    public static CommandLineOptions parse(List<String> argv) throws ConfigException {
        Getopt g = Getopt.parse(argv, OPTSTRING, Set.of(), "V", SOURCE);
        return new CommandLineOptions(g.options().stream().map(o -> new Option(o.letter(), o.argument())).toList(),
                g.operands(), g.stoppedAt() == 'V');
    }

    /** The configuration this command line gives, reading files through {@code files}, with no extension. */
    public DaemonConfig toConfig(ConfigFiles files) throws ConfigException {
        return toConfig(files, List.of());
    }

    /**
     * The configuration this command line gives, reading files through {@code files}; statements of the given
     * extensions (in files and {@code -C}) are parsed by their providers (see {@link ConfigParser}).
     */
    public DaemonConfig toConfig(ConfigFiles files, List<? extends ExtensionProvider> extensions)
            throws ConfigException {
        ConfigParser parser = new ConfigParser(extensions);
        GlobalSettings.Builder g = parser.globals();
        List<String> configFiles = new ArrayList<>();
        int statements = 0;
        for (Option o : options) {
            String a = o.argument();
            switch (o.letter()) {
                case 'm' -> g.protocolGroup = group(a, parser);
                case 'p' -> g.protocolPort = natural(o, 1, 0xFFFF);
                case 'h' -> g.wirelessHelloInterval = interval(o);
                case 'H' -> g.wiredHelloInterval = interval(o);
                case 'k' -> g.kernelPriority = natural(o, 0, 0xFFFF);
                case 'A' -> g.allowDuplicates = natural(o, 0, 0xFFFF);
                case 's' -> parser.warn(warning("-s", "'-s' has no effect (babeld ignores it too)"));
                case 'r' -> g.randomId = true;
                case 'S' -> g.stateFile = a;
                case 'd' -> g.debug = natural(o, 0, Integer.MAX_VALUE);
                case 'g', 'G' -> g.localServer = localServer(o);
                case 'l' -> g.linkDetect = true;
                case 'w' -> g.allWireless = true;
                case 'z' -> parser.warn(warning("-z " + a, "'-z' (diversity) was removed in babeld 1.13 and is ignored"));
                case 'M' -> g.smoothingHalfLife = Duration.ofSeconds(natural(o, 0, 3600));
                case 't' -> g.exportTable = natural(o, 0, 0xFFFF);
                case 'T' -> {
                    int t = natural(o, 0, 0xFFFF);
                    if (g.importTables.size() >= GlobalSettings.MAX_IMPORT_TABLES) {
                        throw error("-T " + a, "at most " + GlobalSettings.MAX_IMPORT_TABLES + " import tables");
                    }
                    g.importTables.add(t);
                }
                case 'c' -> configFiles.add(a);
                case 'C' -> parser.parseStatement("-C #" + ++statements, a);
                case 'D' -> g.daemonise = true;
                case 'L' -> g.logFile = a;
                case 'I' -> g.pidFile = a;
                default -> throw new IllegalStateException("option letter not in OPTSTRING: " + o.letter());
            }
        }
        if (configFiles.isEmpty() && files.exists(ConfigFiles.DEFAULT_FILE)) {
            configFiles.add(ConfigFiles.DEFAULT_FILE);
        }
        for (String path : configFiles) {
            String text;
            try {
                text = files.read(path);
            } catch (IOException e) {
                throw new ConfigException(new Position(path, 0, 0), null, null, "cannot read configuration file: " + e);
            }
            parser.parseText(path, text);
        }
        for (String name : operands) {
            if (name.isEmpty()) {
                throw error(name, "empty interface name");
            }
            parser.addCommandLineInterface(new InterfaceName(name));
        }
        return parser.build();
    }

    private static int natural(Option o, int min, int max) throws ConfigException {
        long v = Values.natural(o.argument());
        if (v < min || v > max) {
            throw error("-" + o.letter() + " " + o.argument(),
                    "'-" + o.letter() + "' needs an integer in " + min + ".." + max + ", not '" + o.argument() + "'");
        }
        return (int) v;
    }

    private static Duration interval(Option o) throws ConfigException {
        long ms = Values.thousands(o.argument().strip());
        if (ms <= 0 || ms > StatementParser.MAX_INTERVAL_MS) {
            throw error("-" + o.letter() + " " + o.argument(),
                    "'-" + o.letter() + "' needs an interval in seconds (0.001 to 655.35), not '" + o.argument() + "'");
        }
        return Duration.ofMillis(ms);
    }

    private static LocalServer localServer(Option o) throws ConfigException {
        boolean readWrite = o.letter() == 'G';
        if (o.argument().startsWith("/")) {
            return LocalServer.unix(o.argument(), readWrite);
        }
        return LocalServer.tcp(natural(o, 1, 0xFFFF), readWrite);
    }

    private static IpAddress group(String argument, ConfigParser parser) throws ConfigException {
        Cursor c = new Cursor(Lexer.lex(new Position(SOURCE, 0, 0), "-m " + argument));
        c.word("option");
        List<ConfigWarning> warnings = new ArrayList<>();
        IpAddress a = StatementParser.protocolGroup(c, warnings);
        c.end();
        warnings.forEach(parser::warn);
        return a;
    }

    private static ConfigException error(String words, String reason) {
        return new ConfigException(new Position(SOURCE, 0, 0), words, null, reason);
    }

    private static ConfigWarning warning(String words, String message) {
        return new ConfigWarning(new Position(SOURCE, 0, 0), words, message);
    }
}
