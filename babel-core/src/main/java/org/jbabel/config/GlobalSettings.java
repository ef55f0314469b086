package org.jbabel.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineConfig;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/**
 * Node-wide settings from global statements and command-line flags, with babeld's defaults.
 *
 * @param protocolGroup {@code protocol-group}, {@code -m}: ff02::1:6
 * @param protocolPort {@code protocol-port}, {@code -p}: 6696
 * @param kernelPriority {@code kernel-priority}, {@code -k}: 0
 * @param reflectKernelMetric {@code reflect-kernel-metric}: false
 * @param randomId {@code random-id}, {@code -r}: false
 * @param ipv6Subtrees {@code ipv6-subtrees}: null means "decide from the kernel"
 * @param debug {@code debug}, {@code -d}: 0
 * @param localServer {@code local-*}, {@code -g}, {@code -G}: null, no control socket
 * @param statusPage {@code local-http-port} (jbabel's): null, no status page
 * @param exportTable {@code export-table}, {@code -t}: 254 (main)
 * @param importTables {@code import-table}, {@code -T}, cumulative: empty means main (254) only
 * @param linkDetect {@code link-detect}, {@code -l}: false
 * @param daemonise {@code daemonise}, {@code -D}: false
 * @param skipKernelSetup {@code skip-kernel-setup}: false
 * @param smoothingHalfLife {@code smoothing-half-life}, {@code -M}: 4 s; zero turns smoothing off
 * @param routerId {@code router-id}: null means derive one (or a random one with {@code randomId})
 * @param stateFile {@code state-file}, {@code -S}: /var/lib/babel-state
 * @param logFile {@code log-file}, {@code -L}: null means standard error, or /var/log/babeld.log when daemonised
 * @param pidFile {@code pid-file}, {@code -I}: /var/run/babeld.pid; empty means none
 * @param kernelCheckInterval {@code kernel-check-interval}: 300 s; zero means no periodic kernel scan
 * @param shutdownDelay {@code shutdown-delay-ms}: 0
 * @param wirelessHelloInterval {@code -h}: hello interval of wireless interfaces without their own, 4 s
 * @param wiredHelloInterval {@code -H}: hello interval of other interfaces without their own, 4 s
 * @param allWireless {@code -w}: interfaces of undetermined type are treated as wireless
 * @param allowDuplicates {@code allow-duplicates}, {@code -A}: -1, a local route always blocks learned routes for
 *     the same key
 * @param firstTableNumber {@code first-table-number}: 10, the first of the {@value #SOURCE_TABLES} tables of
 *     source-specific routes placed with rules (babel-source-routing)
 * @param firstRulePriority {@code first-rule-priority}: 100, the priority of the first of their rules
 */
public record GlobalSettings(
        IpAddress protocolGroup,
        int protocolPort,
        int kernelPriority,
        boolean reflectKernelMetric,
        boolean randomId,
        Boolean ipv6Subtrees,
        int debug,
        LocalServer localServer,
        LocalServer statusPage,
        int exportTable,
        List<Integer> importTables,
        boolean linkDetect,
        boolean daemonise,
        boolean skipKernelSetup,
        Duration smoothingHalfLife,
        RouterId routerId,
        String stateFile,
        String logFile,
        String pidFile,
        Duration kernelCheckInterval,
        Duration shutdownDelay,
        Duration wirelessHelloInterval,
        Duration wiredHelloInterval,
        boolean allWireless,
        int allowDuplicates,
        int firstTableNumber,
        int firstRulePriority) {

    public static final int MAIN_TABLE = 254;
    /** How many source prefixes per family get a table and a rule, as in babeld 1.9. */
    public static final int SOURCE_TABLES = 10;
    /** babeld redistributes from at most this many tables. */
    public static final int MAX_IMPORT_TABLES = 10;

    public GlobalSettings {
        importTables = List.copyOf(importTables);
    }

    /** babeld's defaults. */
    public static GlobalSettings defaults() {
        return new Builder().build();
    }

    /** The control server's endpoints: the control socket and the status page, those configured. */
    public List<LocalServer> localEndpoints() {
        List<LocalServer> all = new ArrayList<>();
        if (localServer != null) {
            all.add(localServer);
        }
        if (statusPage != null) {
            all.add(statusPage);
        }
        return all;
    }

    /** The tables routes are redistributed from: the configured ones, or main. */
    public List<Integer> effectiveImportTables() {
        return importTables.isEmpty() ? List.of(MAIN_TABLE) : importTables;
    }

    /**
     * The engine settings these globals decide (smoothing, kernel-priority, allow-duplicates), the rest defaults; the
     * daemon sizes the table limits for its heap ({@code EngineLimits.forHeap}).
     */
    public EngineConfig engineConfig() {
        EngineConfig d = EngineConfig.defaults();
        return new EngineConfig(smoothingHalfLife.toNanos(), kernelPriority, d.fastStart(), allowDuplicates,
                d.limits());
    }

    /** The log file actually used: {@code logFile}, else /var/log/babeld.log when daemonised, else null (stderr). */
    public String effectiveLogFile() {
        return logFile != null ? logFile : daemonise ? "/var/log/babeld.log" : null;
    }

    /** Mutable settings while statements and flags are applied in order. */
    static final class Builder {
        IpAddress protocolGroup = IpAddress.BABEL_GROUP;
        int protocolPort = 6696;
        int kernelPriority;
        boolean reflectKernelMetric;
        boolean randomId;
        Boolean ipv6Subtrees;
        int debug;
        LocalServer localServer;
        LocalServer statusPage;
        int exportTable = MAIN_TABLE;
        final List<Integer> importTables = new ArrayList<>();
        boolean linkDetect;
        boolean daemonise;
        boolean skipKernelSetup;
        Duration smoothingHalfLife = Duration.ofSeconds(4);
        RouterId routerId;
        String stateFile = "/var/lib/babel-state";
        String logFile;
        String pidFile = "/var/run/babeld.pid";
        Duration kernelCheckInterval = Duration.ofSeconds(300);
        Duration shutdownDelay = Duration.ZERO;
        Duration wirelessHelloInterval = Duration.ofSeconds(4);
        Duration wiredHelloInterval = Duration.ofSeconds(4);
        boolean allWireless;
        int allowDuplicates = -1;
        int firstTableNumber = 10;
        int firstRulePriority = 100;

        GlobalSettings build() {
            return new GlobalSettings(protocolGroup, protocolPort, kernelPriority, reflectKernelMetric, randomId,
                    ipv6Subtrees, debug, localServer, statusPage, exportTable, importTables, linkDetect, daemonise,
                    skipKernelSetup, smoothingHalfLife, routerId, stateFile, logFile, pidFile, kernelCheckInterval,
                    shutdownDelay, wirelessHelloInterval, wiredHelloInterval, allWireless, allowDuplicates,
                    firstTableNumber, firstRulePriority);
        }
    }
}
