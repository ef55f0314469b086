package org.jbabel.config;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/**
 * The statement grammar shared by configuration files, {@code -C} arguments and the control socket: each method
 * reads the rest of one statement from a {@link Cursor} and returns its record.
 */
final class StatementParser {

    /** babeld's largest interval: 0xFFFF centiseconds, in milliseconds. */
    static final long MAX_INTERVAL_MS = 10L * 0xFFFF;

    /**
     * Statements and options babeld accepts whose effect jbabel does not implement yet: they are errors (saying so)
     * rather than being silently ignored. Boolean options are errors only when turned on; removing one from this set
     * makes its value reach the records.
     */
    static final Set<String> NOT_SUPPORTED_YET = Set.of("probe-mtu", "rfc6126-compatible");

    /** The words that start global options, removed ones included. */
    static final Set<String> GLOBAL_OPTIONS = Set.of(
            "protocol-port", "kernel-priority", "allow-duplicates", "local-port", "local-port-readwrite",
            "local-path", "local-path-readwrite", "local-http-port", "export-table", "import-table", "kernel-check-interval",
            "shutdown-delay-ms", "link-detect", "random-id", "daemonise", "skip-kernel-setup", "ipv6-subtrees",
            "reflect-kernel-metric", "protocol-group", "state-file", "log-file", "pid-file", "debug",
            "smoothing-half-life", "router-id", "first-table-number", "first-rule-priority", "diversity",
            "diversity-factor");

    private StatementParser() {}

    static ConfigException notSupported(Cursor c, Token t) {
        return c.error(t, "'" + t.text() + "' is not supported by jbabel yet");
    }

    // ---- interface and default statements

    static InterfaceSettings interfaceOptions(Cursor c, Map<String, KeyConfig> keys, List<ConfigWarning> warnings)
            throws ConfigException {
        InterfaceSettings.Builder b = new InterfaceSettings.Builder();
        while (c.hasNext()) {
            String option = c.word("interface option");
            Token optionToken = c.last();
            switch (option) {
                case "type" -> b.type = interfaceType(c);
                case "wired" -> {
                    warnings.add(c.warning("'wired' is deprecated, use 'type wired' or 'type wireless'"));
                    b.type = c.bool("wired").isTrue() ? InterfaceType.WIRED : InterfaceType.WIRELESS;
                }
                case "rxcost" -> b.rxcost = c.integer("rxcost", 1, 0xFFFF);
                case "hello-interval" -> b.helloInterval = c.seconds("hello-interval", MAX_INTERVAL_MS);
                case "update-interval" -> b.updateInterval = c.seconds("update-interval", MAX_INTERVAL_MS);
                case "link-quality" -> b.linkQuality = c.bool(option).orNull();
                case "split-horizon" -> b.splitHorizon = c.bool(option).orNull();
                case "unicast" -> b.unicast = c.bool(option).orNull();
                case "enable-timestamps" -> b.enableTimestamps = c.bool(option).orNull();
                case "accept-bad-signatures" -> b.acceptBadSignatures = c.bool(option).orNull();
                case "v4-via-v6" -> b.v4ViaV6 = c.bool(option).orNull();
                case "rfc6126-compatible" -> b.rfc6126Compatible = unsupportedWhenOn(c, optionToken);
                case "probe-mtu" -> b.probeMtu = unsupportedWhenOn(c, optionToken);
                case "rtt-decay" -> b.rttDecay = c.integer("rtt-decay", 1, 256);
                case "rtt-min" -> b.rttMin = microseconds(c.thousands("rtt-min (ms)", 1, Integer.MAX_VALUE));
                case "rtt-max" -> b.rttMax = microseconds(c.thousands("rtt-max (ms)", 1, Integer.MAX_VALUE));
                case "max-rtt-penalty" -> b.maxRttPenalty = c.integer("max-rtt-penalty", 1, 0xFFFF);
                case "key" -> {
                    String id = c.word("key id");
                    if (!keys.containsKey(id)) {
                        throw c.error(c.last(), "unknown key '" + id + "' (a key must be defined before it is used)");
                    }
                    if (b.keys == null) {
                        b.keys = new ArrayList<>();
                    }
                    if (!b.keys.contains(id)) {
                        b.keys.add(id);
                    }
                }
                case "faraway" -> {
                    c.bool(option);
                    warnings.add(c.warning("'faraway' has no effect (babeld ignores it too)"));
                }
                case "channel" -> {
                    channel(c);
                    warnings.add(c.warning("'channel' was removed in babeld 1.13 and is ignored"));
                }
                default -> throw c.error(optionToken, "unknown interface option '" + option + "'");
            }
        }
        return b.build();
    }

    private static InterfaceType interfaceType(Cursor c) throws ConfigException {
        String w = c.word("interface type");
        return switch (w) {
            case "auto", "default" -> null;
            case "wired" -> InterfaceType.WIRED;
            case "wireless" -> InterfaceType.WIRELESS;
            case "tunnel" -> InterfaceType.TUNNEL;
            default -> throw c.error(c.last(), "unknown interface type '" + w + "' (auto, wired, wireless, tunnel)");
        };
    }

    /** A boolean option that is an error when turned on while it is listed in {@link #NOT_SUPPORTED_YET}. */
    private static Boolean unsupportedWhenOn(Cursor c, Token option) throws ConfigException {
        Boolean v = c.bool(option.text()).orNull();
        if (Boolean.TRUE.equals(v) && NOT_SUPPORTED_YET.contains(option.text())) {
            throw notSupported(c, option);
        }
        return v;
    }

    private static void channel(Cursor c) throws ConfigException {
        String w = c.word("channel");
        if (w.equals("interfering") || w.equals("noninterfering")) {
            return;
        }
        Long v = Values.integer(w);
        if (v == null || v < 1 || v > 255) {
            throw c.error(c.last(), "channel must be 1..255, interfering or noninterfering");
        }
    }

    private static Duration microseconds(long thousandthsOfMillis) {
        return Duration.ofNanos(thousandthsOfMillis * 1000);
    }

    // ---- key statements

    static KeyConfig key(Cursor c) throws ConfigException {
        String id = null;
        MacAlgorithm algorithm = null;
        Bytes value = null;
        Instant[] times = new Instant[4];
        while (c.hasNext()) {
            String w = c.word("key parameter");
            switch (w) {
                case "id" -> id = c.word("key id");
                case "type" -> {
                    String t = c.word("key type");
                    algorithm = MacAlgorithm.byConfigName(t);
                    if (algorithm == null) {
                        throw c.error(c.last(), "unsupported key type '" + t + "' (hmac-sha256, blake2s128)");
                    }
                }
                case "value" -> value = c.hex("key value");
                case "send-from" -> times[0] = instant(c, w);
                case "send-until" -> times[1] = instant(c, w);
                case "accept-from" -> times[2] = instant(c, w);
                case "accept-until" -> times[3] = instant(c, w);
                default -> throw c.error(c.last(), "unknown key parameter '" + w
                        + "' (id, type, value, send-from, send-until, accept-from, accept-until)");
            }
        }
        if (id == null) {
            throw c.error("key without id");
        }
        if (algorithm == null) {
            throw c.error("key '" + id + "' without type");
        }
        if (value == null) {
            throw c.error("key '" + id + "' without value");
        }
        if (value.length() < algorithm.minKeyLength() || value.length() > algorithm.maxKeyLength()) {
            throw c.error("a " + algorithm.configName() + " key must have " + algorithm.minKeyLength() + " to "
                    + algorithm.maxKeyLength() + " bytes, not " + value.length());
        }
        if (times[0] != null && times[1] != null && !times[0].isBefore(times[1])) {
            throw c.error("key '" + id + "': send-from must be before send-until");
        }
        if (times[2] != null && times[3] != null && !times[2].isBefore(times[3])) {
            throw c.error("key '" + id + "': accept-from must be before accept-until");
        }
        return new KeyConfig(id, algorithm, value, new KeyValidity(times[0], times[1], times[2], times[3]),
                c.statement().position());
    }

    /** An instant in ISO-8601 UTC form, e.g. {@code 2025-06-01T00:00:00Z}. */
    private static Instant instant(Cursor c, String what) throws ConfigException {
        String w = c.word(what);
        try {
            return Instant.parse(w);
        } catch (DateTimeParseException e) {
            throw c.error(c.last(), what + " wants a UTC time like 2025-06-01T00:00:00Z, not '" + w + "'");
        }
    }

    // ---- neighbour statements (jbabel)

    static UnicastNeighbour neighbour(Cursor c) throws ConfigException {
        IpAddress address = c.address("neighbour address");
        if (address.family() != Family.V6 || !address.isLinkLocal()) {
            throw c.error(c.last(), "a neighbour is named by its IPv6 link-local address (fe80::/10)");
        }
        String keyword = c.word("'interface'");
        if (!keyword.equals("interface")) {
            throw c.error(c.last(), "expected 'interface NAME' after the neighbour address");
        }
        String ifname = c.string("interface name");
        if (ifname.isEmpty()) {
            throw c.error(c.last(), "empty interface name");
        }
        c.end();
        return new UnicastNeighbour(address, ifname, c.statement().position());
    }

    // ---- filters

    static Filter filter(Cursor c, FilterKind kind, List<ConfigWarning> warnings) throws ConfigException {
        FilterBuilder f = new FilterBuilder();
        while (c.hasNext()) {
            String w = c.word("filter selector or action");
            Token t = c.last();
            switch (w) {
                case "ip" -> {
                    f.prefix = c.prefix("ip");
                    f.family(c, f.prefix.family());
                }
                case "src-ip" -> {
                    f.sourcePrefix = c.prefix("src-ip");
                    f.family(c, f.sourcePrefix.family());
                }
                case "eq" -> {
                    int p = c.integer("eq", 0, Filter.NO_MAX);
                    f.minLength = Math.max(f.minLength, p);
                    f.maxLength = Math.min(f.maxLength, p);
                }
                case "le" -> f.maxLength = Math.min(f.maxLength, c.integer("le", 0, Filter.NO_MAX));
                case "ge" -> f.minLength = Math.max(f.minLength, c.integer("ge", 0, Filter.NO_MAX));
                case "src-eq" -> {
                    int p = c.integer("src-eq", 0, Filter.NO_MAX);
                    f.minSourceLength = Math.max(f.minSourceLength, p);
                    f.maxSourceLength = Math.min(f.maxSourceLength, p);
                }
                case "src-le" -> f.maxSourceLength = Math.min(f.maxSourceLength, c.integer("src-le", 0, Filter.NO_MAX));
                case "src-ge" -> f.minSourceLength = Math.max(f.minSourceLength, c.integer("src-ge", 0, Filter.NO_MAX));
                case "neigh" -> f.neighbour = c.address("neigh");
                case "id" -> f.routerId = c.routerId("id");
                case "proto" -> {
                    int p = c.integer("proto", 0, 255);
                    f.kernelProtocol = p == 0 ? null : p;
                    f.local = false;
                }
                case "local" -> {
                    f.local = true;
                    f.kernelProtocol = null;
                }
                case "if" -> {
                    f.interfaceName = c.string("interface name");
                    if (f.interfaceName.isEmpty()) {
                        throw c.error(c.last(), "empty interface name");
                    }
                }
                case "allow" -> f.metric = 0;
                case "deny" -> f.metric = FilterAction.INFINITY;
                case "metric" -> f.metric = c.integer("metric", 1, FilterAction.INFINITY);
                case "src-prefix" -> {
                    f.actionSourcePrefix = c.prefix("src-prefix");
                    f.family(c, f.actionSourcePrefix.family());
                }
                case "table" -> f.table = c.integer("table", 1, 0xFFFF);
                case "pref-src" -> {
                    f.preferredSource = c.address("pref-src");
                    f.family(c, f.preferredSource.family());
                }
                default -> throw c.error(t, "unknown filter selector or action '" + w + "'");
            }
            f.seen(kind, w, c, warnings);
        }
        return f.build(kind, c.statement());
    }

    /** Mutable state while one filter rule is read. */
    private static final class FilterBuilder {
        Family family;
        Prefix prefix;
        int minLength;
        int maxLength = Filter.NO_MAX;
        Prefix sourcePrefix;
        int minSourceLength;
        int maxSourceLength = Filter.NO_MAX;
        IpAddress neighbour;
        RouterId routerId;
        Integer kernelProtocol;
        boolean local;
        String interfaceName;
        int metric;
        Prefix actionSourcePrefix;
        Integer table;
        IpAddress preferredSource;

        void family(Cursor c, Family f) throws ConfigException {
            if (family != null && family != f) {
                throw c.error(c.last(), "a filter rule cannot mix IPv4 and IPv6");
            }
            family = f;
        }

        /** Warns about selectors that can never match, and actions without effect, in this kind of rule. */
        void seen(FilterKind kind, String word, Cursor c, List<ConfigWarning> warnings) {
            boolean neverMatches = switch (word) {
                case "neigh" -> kind != FilterKind.IN;
                case "id" -> kind == FilterKind.REDISTRIBUTE;
                case "proto", "local" -> kind != FilterKind.REDISTRIBUTE;
                default -> false;
            };
            if (neverMatches) {
                warnings.add(c.warning("'" + word + "' never matches in " + kind.word() + " rules"));
            }
            boolean noEffect = switch (word) {
                case "src-prefix" -> kind != FilterKind.REDISTRIBUTE;
                case "table", "pref-src" -> kind != FilterKind.INSTALL;
                default -> false;
            };
            if (noEffect) {
                warnings.add(c.warning("'" + word + "' has no effect in " + kind.word() + " rules"));
            }
        }

        Filter build(FilterKind kind, Statement s) {
            Family f = family;
            if (f == null && (minLength > 0 || maxLength < Filter.NO_MAX
                    || minSourceLength > 0 || maxSourceLength < Filter.NO_MAX)) {
                f = Family.V6;
            }
            return new Filter(kind, f, prefix, minLength, maxLength, sourcePrefix, minSourceLength,
                    maxSourceLength, neighbour, routerId, kernelProtocol, local, interfaceName,
                    new FilterAction(metric, actionSourcePrefix, table, preferredSource), s.position(), s.text());
        }
    }

    // ---- global options

    /**
     * Reads a global option named {@code name} into {@code g}; false when {@code name} is not a global option.
     * Removed directives are accepted with a warning.
     */
    static boolean global(Cursor c, String name, GlobalSettings.Builder g, List<ConfigWarning> warnings)
            throws ConfigException {
        switch (name) {
            case "protocol-port" -> g.protocolPort = c.integer(name, 1, 0xFFFE);
            case "kernel-priority" -> g.kernelPriority = c.integer(name, 0, 0xFFFE);
            case "allow-duplicates" -> g.allowDuplicates = c.integer(name, 1, 0xFFFE);
            case "local-port" -> g.localServer = LocalServer.tcp(c.integer(name, 1, 0xFFFE), false);
            case "local-port-readwrite" -> g.localServer = LocalServer.tcp(c.integer(name, 1, 0xFFFE), true);
            case "local-path" -> g.localServer = LocalServer.unix(path(c, name), false);
            case "local-path-readwrite" -> g.localServer = LocalServer.unix(path(c, name), true);
            case "local-http-port" -> g.statusPage = LocalServer.http(c.integer(name, 1, 0xFFFE));
            case "export-table" -> g.exportTable = c.integer(name, 1, 0xFFFE);
            case "import-table" -> {
                int t = c.integer(name, 1, 0xFFFE);
                if (g.importTables.size() >= GlobalSettings.MAX_IMPORT_TABLES) {
                    throw c.error(c.last(), "at most " + GlobalSettings.MAX_IMPORT_TABLES + " import tables");
                }
                g.importTables.add(t);
            }
            case "kernel-check-interval" -> g.kernelCheckInterval = Duration.ofSeconds(c.integer(name, 0, 0xFFFE));
            case "shutdown-delay-ms" -> g.shutdownDelay = Duration.ofMillis(c.integer(name, 0, 0xFFFE));
            case "link-detect" -> g.linkDetect = c.bool(name).isTrue();
            case "random-id" -> g.randomId = c.bool(name).isTrue();
            case "daemonise" -> g.daemonise = c.bool(name).isTrue();
            case "skip-kernel-setup" -> g.skipKernelSetup = c.bool(name).isTrue();
            case "ipv6-subtrees" -> g.ipv6Subtrees = c.bool(name).isTrue();
            case "reflect-kernel-metric" -> g.reflectKernelMetric = c.bool(name).isTrue();
            case "protocol-group" -> g.protocolGroup = protocolGroup(c, warnings);
            case "state-file" -> g.stateFile = c.string(name);
            case "log-file" -> g.logFile = c.string(name);
            case "pid-file" -> g.pidFile = c.string(name);
            case "debug" -> g.debug = c.integer(name, 0, Integer.MAX_VALUE);
            case "smoothing-half-life" -> g.smoothingHalfLife = Duration.ofSeconds(c.integer(name, 0, Integer.MAX_VALUE));
            case "router-id" -> g.routerId = routerId(c);
            case "first-table-number" -> {
                int first = c.integer(name, 1, Integer.MAX_VALUE - GlobalSettings.SOURCE_TABLES + 1);
                int last = first + GlobalSettings.SOURCE_TABLES - 1;
                if (first <= 255 && last >= 252) {
                    throw c.error(c.last(), "tables " + first + ".." + last
                            + " would overlap the kernel's tables 252..255");
                }
                g.firstTableNumber = first;
            }
            case "first-rule-priority" -> g.firstRulePriority = c.integer(name, 1,
                    32765 - GlobalSettings.SOURCE_TABLES + 1);
            case "diversity-factor" -> {
                c.integer(name, 0, 256);
                warnings.add(c.warning("'" + name + "' was removed from babeld and is ignored"));
            }
            case "diversity" -> {
                String w = c.word(name);
                if (Values.bool(w) == null && Values.integer(w) == null) {
                    throw c.error(c.last(), "'" + w + "' is not a boolean or a diversity kind");
                }
                warnings.add(c.warning("'diversity' was removed in babeld 1.13 and is ignored"));
            }
            default -> {
                return false;
            }
        }
        c.end();
        return true;
    }

    private static String path(Cursor c, String name) throws ConfigException {
        String p = c.string(name);
        if (p.isEmpty()) {
            throw c.error(c.last(), "empty path");
        }
        return p;
    }

    static RouterId routerId(Cursor c) throws ConfigException {
        RouterId id = c.routerId("router-id");
        if (!id.isValid()) {
            throw c.error(c.last(), "router-id must not be all zeros or all ones");
        }
        return id;
    }

    static IpAddress protocolGroup(Cursor c, List<ConfigWarning> warnings) throws ConfigException {
        IpAddress a = c.address("protocol-group");
        if (a.family() != Family.V6 || !a.isMulticast()) {
            throw c.error(c.last(), "'" + a + "' is not an IPv6 multicast address");
        }
        if ((a.hi() >>> 48) != 0xff02) {
            warnings.add(c.warning(a + " is not a link-local multicast address"));
        }
        return a;
    }
}
