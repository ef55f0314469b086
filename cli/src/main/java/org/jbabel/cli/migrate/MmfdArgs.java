package org.jbabel.cli.migrate;

import java.util.List;
import java.util.Set;
import org.jbabel.config.Getopt;

/** mmfd's command line ({@code freifunk-gluon/mmfd}) and the {@code mmfd} statements it becomes. */
final class MmfdArgs {

    static final String OPTSTRING = "vhds:D:i:";

    private final DaemonArgs args;

    private MmfdArgs(DaemonArgs args) {
        this.args = args;
    }

    static MmfdArgs parse(List<String> argv) throws MigrationException {
        return new MmfdArgs(DaemonArgs.parse("mmfd", argv, OPTSTRING, Set.of()));
    }

    /** The interfaces mmfd floods on ({@code -i}): Babel's interfaces in jbabel. */
    List<String> meshInterfaces() {
        return args.all('i');
    }

    /**
     * The {@code mmfd} statements. mmfd on the same interfaces as l3roamd's intercom (or, without {@code -i}, on those
     * added at run time) is {@code mmfd} alone: every Babel interface, following them as they come and go, which is
     * what Gluon keeps up with {@code add_meshif}/{@code del_meshif}; otherwise one {@code mmfd interface IF} each.
     */
    void emit(Output out, List<String> l3roamdMeshInterfaces) {
        out.comment("mmfd: the mmfd extension (docs/CONFIGURATION.md, \"mmfd\")");
        List<String> ifs = meshInterfaces();
        if (ifs.isEmpty()) {
            out.statement("mmfd", "mmfd without -i: on every Babel interface");
        } else if (Set.copyOf(ifs).equals(Set.copyOf(l3roamdMeshInterfaces))) {
            out.statement("mmfd", "mmfd -i " + String.join(" -i ", ifs)
                    + ": l3roamd's mesh interfaces, so every Babel interface");
        } else {
            for (String i : ifs) {
                out.statement("mmfd interface " + i, "mmfd -i " + i);
            }
        }
        for (Getopt.Option o : args.options()) {
            String origin = args.origin(o);
            switch (o.letter()) {
                case 'i' -> { } // above
                case 'D' -> out.statement("mmfd device " + o.argument(), origin);
                case 's' -> out.dropped(origin, "one control socket: mmfd's get_neighbours is 'jbabel ctl mmfd"
                        + " neighbours' (--json gives the same JSON)");
                case 'v', 'd' -> out.dropped(origin, "log level: jbabeld's -d / debug");
                case 'h' -> out.dropped(origin, "ignored: prints and exits");
                default -> throw new IllegalStateException("option not in OPTSTRING: " + o.written());
            }
        }
    }
}
