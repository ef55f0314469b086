package org.jbabel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.extension.ExtensionProvider;

/**
 * Reads babeld configuration statements, in the order babeld applies them, into a {@link DaemonConfig}. Feed it
 * files, texts and single statements ({@code -C}) in order, then call {@link #build()}. The first bad statement
 * stops parsing with a {@link ConfigException} naming the source, line and statement; warnings are collected in
 * the result.
 *
 * <p>Extensions add statements through the {@link ExtensionProvider}s the parser is made with: a statement whose
 * first word is a provider's {@link ExtensionProvider#name() name} is parsed by that provider and kept, in order,
 * in {@link DaemonConfig#extensions()}. A statement of an extension jbabel knows ({@link KnownExtensions}) but that
 * has no provider here is an error saying it is not built in.
 */
public final class ConfigParser {

    private final GlobalSettings.Builder globals = new GlobalSettings.Builder();
    private final Map<String, KeyConfig> keys = new LinkedHashMap<>();
    private InterfaceSettings defaults = InterfaceSettings.NONE;
    private final Map<String, InterfaceEntry> interfaces = new LinkedHashMap<>();
    private final List<InterfaceName> commandLineInterfaces = new ArrayList<>();
    private final List<UnicastNeighbour> neighbours = new ArrayList<>();
    private final Map<FilterKind, List<Filter>> filters = new EnumMap<>(FilterKind.class);
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final Map<String, ExtensionProvider> providers = new LinkedHashMap<>();
    private final List<ExtensionStatement> extensions = new ArrayList<>();

    /** The words that start babeld's own statements, which no extension may take. */
    private static final Set<String> OWN_STATEMENTS = Set.of(
            "interface", "default", "key", "neighbour", "reopen-logfile", "dump", "monitor", "unmonitor", "quit",
            "flush");

    /** A parser that knows no extension. */
    public ConfigParser() {
        this(List.of());
    }

    /**
     * A parser that hands the statements of these extensions to their providers.
     *
     * @throws IllegalArgumentException if two providers have the same name, or a name that is not one word or is
     *     the keyword of one of babeld's own statements
     */
    public ConfigParser(List<? extends ExtensionProvider> extensionProviders) {
        for (FilterKind k : FilterKind.values()) {
            filters.put(k, new ArrayList<>());
        }
        for (ExtensionProvider p : extensionProviders) {
            String name = p.name();
            if (!isExtensionName(name)) {
                throw new IllegalArgumentException("an extension name must be one word: '" + name + "'");
            }
            if (OWN_STATEMENTS.contains(name) || StatementParser.GLOBAL_OPTIONS.contains(name)
                    || FilterKind.byWord(name) != null) {
                throw new IllegalArgumentException("extension name '" + name + "' is a babeld statement");
            }
            if (providers.putIfAbsent(name, p) != null) {
                throw new IllegalArgumentException("two extensions named '" + name + "'");
            }
        }
    }

    /**
     * {@code [A-Za-z0-9][A-Za-z0-9_.-]*}, checked by hand: a regular expression here would load and run the regex
     * machinery at every daemon start for this one check (docs/DAEMON.md, "Start-up").
     */
    static boolean isExtensionName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '_' && c != '.' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    /** Parses a whole configuration file (UTF-8); an unreadable file is an error at line 0. */
    public ConfigParser parseFile(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(
                    new Position(file.toString(), 0, 0), null, null, "cannot read configuration file: " + e);
        }
        return parseText(file.toString(), text);
    }

    /**
     * Parses the text of a configuration file line by line ({@code \n} ends a line); {@code source} names it in
     * errors and warnings.
     */
    public ConfigParser parseText(String source, String text) throws ConfigException {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            apply(Lexer.lex(new Position(source, i + 1, 0), lines[i]), false);
        }
        return this;
    }

    /**
     * Parses one statement, as babeld's {@code -C} does: it must be a single line (a trailing newline is
     * tolerated), and it must not be empty. {@code source} names it, e.g. {@code -C #2}.
     */
    public ConfigParser parseStatement(String source, String statement) throws ConfigException {
        Position position = new Position(source, 0, 0);
        if (statement.isEmpty()) {
            throw new ConfigException(position, null, null, "empty statement");
        }
        String text = statement.endsWith("\n") ? statement.substring(0, statement.length() - 1) : statement;
        if (text.indexOf('\n') >= 0) {
            throw new ConfigException(position, null, statement.strip(), "a statement must be a single line");
        }
        apply(Lexer.lex(position, text), true);
        return this;
    }

    /** Adds an interface named on the command line (after all statements, as babeld does). */
    ConfigParser addCommandLineInterface(InterfaceName name) {
        commandLineInterfaces.add(name);
        return this;
    }

    /** The global settings being built, for command-line flags applied between statements. */
    GlobalSettings.Builder globals() {
        return globals;
    }

    void warn(ConfigWarning warning) {
        warnings.add(warning);
    }

    /** The configuration so far, with the implicit {@code redistribute local allow} and {@code install allow}. */
    public DaemonConfig build() {
        Map<FilterKind, List<Filter>> all = new EnumMap<>(FilterKind.class);
        filters.forEach((k, v) -> all.put(k, new ArrayList<>(v)));
        all.get(FilterKind.REDISTRIBUTE).add(Filter.implicit(FilterKind.REDISTRIBUTE, true, "redistribute local allow"));
        all.get(FilterKind.INSTALL).add(Filter.implicit(FilterKind.INSTALL, false, "install allow"));
        return new DaemonConfig(globals.build(), keys, defaults, List.copyOf(interfaces.values()),
                commandLineInterfaces, neighbours, new Filters(all), warnings, extensions);
    }

    private void apply(Statement s, boolean commandLine) throws ConfigException {
        if (s.isEmpty()) {
            return;
        }
        Cursor c = new Cursor(s);
        String keyword = c.word("statement");
        FilterKind kind = FilterKind.byWord(keyword);
        if (kind != null) {
            filters.get(kind).add(StatementParser.filter(c, kind, warnings));
            return;
        }
        switch (keyword) {
            case "interface" -> {
                InterfaceName name = interfaceName(c);
                InterfaceSettings settings = StatementParser.interfaceOptions(c, keys, warnings);
                interfaces.merge(name.text(), new InterfaceEntry(name, settings, s.position()),
                        (old, now) -> new InterfaceEntry(name, now.settings().over(old.settings()), old.position()));
            }
            case "default" -> defaults = StatementParser.interfaceOptions(c, keys, warnings).over(defaults);
            case "key" -> {
                KeyConfig key = StatementParser.key(c);
                keys.put(key.id(), key);
            }
            case "neighbour" -> {
                UnicastNeighbour n = StatementParser.neighbour(c);
                if (neighbours.stream().noneMatch(
                        o -> o.address().equals(n.address()) && o.interfaceName().equals(n.interfaceName()))) {
                    neighbours.add(n);
                }
            }
            case "reopen-logfile" -> {
                if (!commandLine) {
                    throw c.error(c.last(), "'reopen-logfile' is only accepted on the control socket and in -C");
                }
                c.end();
                warnings.add(c.warning("'reopen-logfile' has no effect at start-up"));
            }
            case "dump", "monitor", "unmonitor", "quit", "flush" ->
                    throw c.error(c.last(), "'" + keyword + "' is only accepted on the control socket");
            default -> {
                ExtensionProvider provider = providers.get(keyword);
                if (provider != null) {
                    extensions.add(new ExtensionStatement(keyword, extension(provider, c), s.position()));
                } else if (!StatementParser.global(c, keyword, globals, warnings)) {
                    throw c.error(c.last(), KnownExtensions.isKnown(keyword)
                            ? KnownExtensions.notBuiltIn(keyword) : "unknown statement '" + keyword + "'");
                }
            }
        }
    }

    /**
     * The provider's value for the rest of the statement. Words it left unread are an error, and so is a failure
     * of the provider itself (it is reported at the statement, never thrown on).
     */
    private static Object extension(ExtensionProvider provider, Cursor c) throws ConfigException {
        Token keyword = c.last();
        Object value;
        try {
            value = provider.parse(new StatementWords(c));
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw c.error(keyword, "extension '" + keyword.text() + "' failed to parse its statement: " + e);
        }
        if (value == null) {
            throw c.error(keyword, "extension '" + keyword.text() + "' gave no value for its statement");
        }
        c.end();
        return value;
    }

    static InterfaceName interfaceName(Cursor c) throws ConfigException {
        String name = c.string("interface name");
        if (name.isEmpty()) {
            throw c.error(c.last(), "empty interface name");
        }
        return new InterfaceName(name);
    }
}
