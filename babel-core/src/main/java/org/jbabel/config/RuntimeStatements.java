package org.jbabel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses control-socket lines into {@link RuntimeStatement}s with the same grammar as configuration files. A
 * {@link ConfigException} means the socket answers {@code bad}.
 */
public final class RuntimeStatements {

    /** The source name used in errors. */
    public static final String SOURCE = "control socket";

    private RuntimeStatements() {}

    /**
     * Parses one request line.
     *
     * @param keys the keys defined so far (an {@code interface} line may refer to them)
     * @param readWrite whether the socket is read-write; read-only sockets only accept dump, monitor, unmonitor, quit
     * @param warnings receives warnings (e.g. deprecated interface options)
     * @return the statement, or null for a blank or comment-only line
     */
    public static RuntimeStatement parse(
            String line, Map<String, KeyConfig> keys, boolean readWrite, List<ConfigWarning> warnings)
            throws ConfigException {
        Statement s = Lexer.lex(new Position(SOURCE, 0, 0), line);
        if (s.isEmpty()) {
            return null;
        }
        Cursor c = new Cursor(s);
        String keyword = c.word("statement");
        RuntimeStatement readOnly = switch (keyword) {
            case "dump" -> new RuntimeStatement.Dump();
            case "monitor" -> new RuntimeStatement.Monitor();
            case "unmonitor" -> new RuntimeStatement.Unmonitor();
            case "quit" -> new RuntimeStatement.Quit();
            default -> null;
        };
        if (readOnly != null) {
            c.end();
            return readOnly;
        }
        if (!readWrite) {
            throw c.error(c.last(), "'" + keyword + "' is not allowed on a read-only control socket");
        }
        if (FilterKind.byWord(keyword) != null) {
            throw c.error(c.last(), "filters cannot be changed at run time");
        }
        return switch (keyword) {
            case "interface" -> new RuntimeStatement.AddInterface(
                    ConfigParser.interfaceName(c), StatementParser.interfaceOptions(c, keys, warnings));
            case "default" -> new RuntimeStatement.SetDefaults(StatementParser.interfaceOptions(c, keys, warnings));
            case "flush" -> {
                String what = c.word("'interface'");
                if (!what.equals("interface")) {
                    throw c.error(c.last(), "expected 'flush interface NAME'");
                }
                String name = c.word("interface name");
                c.end();
                yield new RuntimeStatement.FlushInterface(name);
            }
            case "key" -> new RuntimeStatement.AddKey(StatementParser.key(c));
            case "neighbour" -> new RuntimeStatement.AddNeighbour(StatementParser.neighbour(c));
            case "reopen-logfile" -> {
                c.end();
                yield new RuntimeStatement.ReopenLogfile();
            }
            case "link-detect", "log-file", "smoothing-half-life" -> runtimeGlobal(c, keyword);
            default -> {
                throw c.error(c.last(), StatementParser.GLOBAL_OPTIONS.contains(keyword)
                        ? "'" + keyword + "' cannot be changed at run time"
                        : KnownExtensions.isKnown(keyword)
                        ? "'" + keyword + "' is an extension: the control socket takes its commands, not statements"
                        : "unknown statement '" + keyword + "'");
            }
        };
    }

    private static RuntimeStatement runtimeGlobal(Cursor c, String keyword) throws ConfigException {
        GlobalSettings.Builder g = new GlobalSettings.Builder();
        StatementParser.global(c, keyword, g, new ArrayList<>());
        return switch (keyword) {
            case "link-detect" -> new RuntimeStatement.SetLinkDetect(g.linkDetect);
            case "log-file" -> new RuntimeStatement.SetLogFile(g.logFile);
            default -> new RuntimeStatement.SetSmoothingHalfLife(g.smoothingHalfLife);
        };
    }
}
