package org.jbabel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A command line read as glibc's {@code getopt} reads it: options may be clustered ({@code -lw}), an option's
 * argument may be attached ({@code -d1}) or separate ({@code -d 1}), options and operands may be mixed, {@code --}
 * ends the options. Long options ({@code --no-ndp}) are flags without arguments; an unknown one is an error naming
 * it, as glibc's getopt names it. babeld's command line
 * ({@link CommandLineOptions}) and the C daemons' command lines that {@code jbabel migrate} reads use it.
 *
 * @param options the options in order
 * @param operands the words that are not options, in order
 * @param stoppedAt the stop letter that ended reading (the options after it are not read), or 0
 */
public record Getopt(List<Option> options, List<String> operands, char stoppedAt) {

    public Getopt {
        options = List.copyOf(options);
        operands = List.copyOf(operands);
    }

    /**
     * One option: its letter (0 for a long option) and its argument (null for flags).
     *
     * @param name the long option's name without {@code --}, null for a letter
     */
    public record Option(char letter, String name, String argument) {

        /** How the option is written: {@code -a}, {@code --no-ndp}. */
        public String flag() {
            return name != null ? "--" + name : "-" + letter;
        }

        /** The option and its argument as written on a command line: {@code -a 2001:db8::1}, {@code -L}. */
        public String written() {
            return argument == null ? flag() : flag() + " " + argument;
        }
    }

    /**
     * Splits {@code argv}.
     *
     * @param optstring the letters known, those followed by ':' take an argument (getopt's syntax)
     * @param longFlags the long options known (flags)
     * @param stopLetters letters that end reading at once ({@code -V} in babeld)
     * @param source names the command line in errors, e.g. {@code command line}
     * @throws ConfigException for an unknown option or a missing argument
     */
    public static Getopt parse(List<String> argv, String optstring, Set<String> longFlags, String stopLetters,
            String source) throws ConfigException {
        List<Option> options = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("--")) {
                operands.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                if (!longFlags.contains(name)) {
                    throw error(source, arg, "unknown option '" + arg + "'");
                }
                options.add(new Option((char) 0, name, null));
                continue;
            }
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                operands.add(arg);
                continue;
            }
            for (int j = 1; j < arg.length(); j++) {
                char letter = arg.charAt(j);
                int at = letter == ':' ? -1 : optstring.indexOf(letter);
                if (at < 0) {
                    throw error(source, arg, "unknown option '-" + letter + "'");
                }
                if (stopLetters.indexOf(letter) >= 0) {
                    return new Getopt(options, operands, letter);
                }
                boolean takesArgument = at + 1 < optstring.length() && optstring.charAt(at + 1) == ':';
                if (!takesArgument) {
                    options.add(new Option(letter, null, null));
                    continue;
                }
                String value;
                if (j + 1 < arg.length()) {
                    value = arg.substring(j + 1);
                } else if (i + 1 < argv.size()) {
                    value = argv.get(++i);
                } else {
                    throw error(source, arg, "option '-" + letter + "' requires an argument");
                }
                options.add(new Option(letter, null, value));
                break;
            }
        }
        return new Getopt(options, operands, (char) 0);
    }

    private static ConfigException error(String source, String words, String reason) {
        return new ConfigException(new Position(source, 0, 0), words, null, reason);
    }
}
