package org.jbabel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jbabel}: the tool's entry point; each job is a subcommand in its own class. */
@Command(
        name = "jbabel",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "jbabel: a Babel routing daemon and its tools.",
        subcommands = {DecodeCommand.class, SimCommand.class, CtlCommand.class, DemoCommand.class,
            MigrateCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jbabel " + (v == null ? "(development build)" : v)};
        }
    }
}
