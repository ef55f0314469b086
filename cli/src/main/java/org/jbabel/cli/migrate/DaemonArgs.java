package org.jbabel.cli.migrate;

import java.util.List;
import java.util.Set;
import org.jbabel.config.ConfigException;
import org.jbabel.config.Getopt;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * A C daemon's command line, read with its own getopt string: the options in order. A leading program name (the
 * daemon's name, with or without a path) is skipped, so a line from an init script or {@code /proc/PID/cmdline} can be
 * given whole. An unknown option or a word that is not an option is an error naming it.
 */
record DaemonArgs(String daemon, List<Getopt.Option> options) {

    static DaemonArgs parse(String daemon, List<String> argv, String optstring, Set<String> longFlags)
            throws MigrationException {
        List<String> args = withoutProgramName(daemon, argv);
        Getopt g;
        try {
            g = Getopt.parse(args, optstring, longFlags, "", daemon);
        } catch (ConfigException e) {
            throw new MigrationException(e.getMessage() + " (" + daemon + "'s options: see docs/MIGRATING.md)");
        }
        if (!g.operands().isEmpty()) {
            throw new MigrationException(daemon + ": unexpected argument '" + g.operands().getFirst()
                    + "' (not an option)");
        }
        return new DaemonArgs(daemon, g.options());
    }

    static List<String> withoutProgramName(String daemon, List<String> argv) {
        if (!argv.isEmpty() && (argv.getFirst().equals(daemon) || argv.getFirst().endsWith("/" + daemon))) {
            return argv.subList(1, argv.size());
        }
        return argv;
    }

    /** How an option is named in comments and warnings: {@code l3roamd -p 2001:db8::/64}. */
    String origin(Getopt.Option o) {
        return daemon + " " + o.written();
    }

    boolean has(char letter) {
        return options.stream().anyMatch(o -> o.letter() == letter);
    }

    /** The arguments of every {@code -letter}, in order. */
    List<String> all(char letter) {
        return options.stream().filter(o -> o.letter() == letter).map(Getopt.Option::argument).toList();
    }

    Prefix prefix(Getopt.Option o) throws MigrationException {
        try {
            return Prefix.parse(o.argument());
        } catch (IllegalArgumentException e) {
            throw new MigrationException(origin(o) + ": not a prefix: " + e.getMessage());
        }
    }

    IpAddress address(Getopt.Option o) throws MigrationException {
        try {
            return IpAddress.parse(o.argument());
        } catch (IllegalArgumentException e) {
            throw new MigrationException(origin(o) + ": " + e.getMessage());
        }
    }

    /** A C integer as {@code strtoul(text, NULL, 0)} reads a whole word ({@code 0x} hex, leading 0 octal). */
    long number(Getopt.Option o) throws MigrationException {
        return number(o.argument(), origin(o));
    }

    static long number(String text, String origin) throws MigrationException {
        String t = text.strip();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseLong(t.substring(2), 16);
            }
            if (t.length() > 1 && t.startsWith("0")) {
                return Long.parseLong(t.substring(1), 8);
            }
            long v = Long.parseLong(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new MigrationException(origin + ": '" + text + "' is not a non-negative integer");
        }
    }
}
