package org.jbabel.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jbabel.cli.migrate.Migration;
import org.jbabel.cli.migrate.MigrationException;
import org.jbabel.cli.migrate.Site;
import org.jbabel.config.ConfigFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel migrate}: prints the one jbabel configuration that replaces babeld, l3roamd, mmfd, prefixd and
 * ddhcpd (docs/MIGRATING.md). Each command line is one argument, split as a shell splits it.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Print the jbabel configuration (a file for jbabeld -c) that replaces babeld and l3roamd, mmfd,"
                + " prefixd and ddhcpd, from their command lines; warnings on standard error (docs/MIGRATING.md).",
                "Example: jbabel migrate --babeld \"$(tr '\\0' ' ' < /proc/$(pidof babeld)/cmdline)\""
                        + " --l3roamd \"-a 2001:db8::1 -p 2001:db8:1::/64 -b br-client -m mesh0\" > /etc/jbabeld.conf"},
        exitCodeOnInvalidInput = 2)
final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--babeld", paramLabel = "ARGS", description = "babeld's command line (its options, -c and -C,"
            + " and interfaces)")
    String babeld;

    @Option(names = "--babeld-conf", paramLabel = "FILE", description = "a babeld configuration file to read instead"
            + " of those babeld's -c names (repeatable)")
    List<String> babeldConf = new ArrayList<>();

    @Option(names = "--l3roamd", paramLabel = "ARGS", description = "l3roamd's command line")
    String l3roamd;

    @Option(names = "--mmfd", paramLabel = "ARGS", description = "mmfd's command line")
    String mmfd;

    @Option(names = "--ddhcpd", paramLabel = "ARGS", description = "ddhcpd's command line")
    String ddhcpd;

    @Option(names = "--prefixd", paramLabel = "PREFIX", description = "a prefix this node shares with prefixd (its"
            + " uci prefixd.SECTION.prefix; repeatable)")
    List<String> prefixd = new ArrayList<>();

    @Option(names = "--next-node", paramLabel = "ADDR", description = "site.conf next_node.ip6")
    String nextNode;

    @Option(names = "--next-node-ipv4", paramLabel = "ADDR", description = "site.conf next_node.ip4")
    String nextNodeIpv4;

    @Option(names = "--next-node-mac", paramLabel = "MAC", description = "site.conf next_node.mac")
    String nextNodeMac;

    @Option(names = "--domain-seed", paramLabel = "HEX", description = "site.conf domain_seed (when l3roamd has no -P)")
    String domainSeed;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Migration.Result result;
        try {
            Migration.Inputs in = new Migration.Inputs(babeld, babeldConf, l3roamd, mmfd, ddhcpd, prefixd,
                    new Site(nextNode, nextNodeIpv4, nextNodeMac, domainSeed));
            result = Migration.migrate(in, ConfigFiles.SYSTEM, BuiltInExtensions.PROVIDERS, BuiltInExtensions::create);
        } catch (MigrationException e) {
            err.println("jbabel migrate: " + e.getMessage());
            err.flush();
            return 2;
        }
        for (String w : result.warnings()) {
            err.println("jbabel migrate: warning: " + w);
        }
        err.println("jbabel migrate: start it with: jbabeld -c FILE"
                + (result.commandLine().isEmpty() ? "" : " " + String.join(" ", result.commandLine())));
        err.flush();
        out.print(result.configuration());
        out.flush();
        return 0;
    }
}
