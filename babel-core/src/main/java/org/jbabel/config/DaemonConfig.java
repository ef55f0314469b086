package org.jbabel.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.wire.IpAddress;

/**
 * Everything babeld's command line and configuration files say, as immutable records.
 *
 * @param globals node-wide settings
 * @param keys MAC keys by id, in definition order
 * @param defaults the merged {@code default} statements
 * @param interfaces the merged {@code interface} statements, one entry per name or pattern, in order of first
 *     appearance
 * @param commandLineInterfaces interface names (or patterns) given as command-line operands, in order
 * @param neighbours configured unicast neighbours ({@code neighbour ADDRESS interface IF}, a jbabel addition)
 * @param filters the four filter lists, including the implicit rules babeld appends
 * @param warnings things accepted but worth telling, in order
 * @param extensions the statements of extensions, parsed by their providers, in the order they were read
 */
public record DaemonConfig(
        GlobalSettings globals,
        Map<String, KeyConfig> keys,
        InterfaceSettings defaults,
        List<InterfaceEntry> interfaces,
        List<InterfaceName> commandLineInterfaces,
        List<UnicastNeighbour> neighbours,
        Filters filters,
        List<ConfigWarning> warnings,
        List<ExtensionStatement> extensions) {

    public DaemonConfig {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        interfaces = List.copyOf(interfaces);
        commandLineInterfaces = List.copyOf(commandLineInterfaces);
        neighbours = List.copyOf(neighbours);
        warnings = List.copyOf(warnings);
        extensions = List.copyOf(extensions);
    }

    /** babeld with no configuration at all. */
    public static DaemonConfig empty() {
        return new ConfigParser().build();
    }

    /**
     * The extensions the configuration enables (those with at least one statement), each with its parsed statements
     * in file order: what {@link org.jbabel.extension.ExtensionProvider#create} is given. Ordered by each extension's
     * first statement.
     */
    public Map<String, List<Object>> extensionStatements() {
        Map<String, List<Object>> byName = new LinkedHashMap<>();
        for (ExtensionStatement s : extensions) {
            byName.computeIfAbsent(s.extension(), k -> new ArrayList<>()).add(s.value());
        }
        Map<String, List<Object>> result = new LinkedHashMap<>();
        byName.forEach((k, v) -> result.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(result);
    }

    /**
     * The interfaces to run on by name, in babeld's order: exact names from {@code interface} statements, then
     * exact names from the command line. Patterns are matched against the system's interfaces by the daemon.
     */
    public List<String> exactInterfaceNames() {
        Set<String> names = new LinkedHashSet<>();
        for (InterfaceEntry e : interfaces) {
            if (!e.name().isPattern()) {
                names.add(e.name().text());
            }
        }
        for (InterfaceName n : commandLineInterfaces) {
            if (!n.isPattern()) {
                names.add(n.text());
            }
        }
        return List.copyOf(names);
    }

    /** Whether an interface of this name is to be run on: named exactly or matched by a pattern. */
    public boolean isConfigured(String ifname) {
        return interfaces.stream().anyMatch(e -> e.name().matches(ifname))
                || commandLineInterfaces.stream().anyMatch(n -> n.matches(ifname));
    }

    /**
     * The merged statements for an interface: its exact {@code interface} statements, then every matching pattern
     * in order of first appearance (an earlier pattern wins over a later one), then the {@code default} statements.
     */
    public InterfaceSettings settingsFor(String ifname) {
        List<InterfaceSettings> layers = new ArrayList<>();
        for (InterfaceEntry e : interfaces) {
            if (!e.name().isPattern() && e.name().matches(ifname)) {
                layers.add(e.settings());
            }
        }
        for (InterfaceEntry e : interfaces) {
            if (e.name().isPattern() && e.name().matches(ifname)) {
                layers.add(e.settings());
            }
        }
        InterfaceSettings merged = defaults;
        for (int i = layers.size() - 1; i >= 0; i--) {
            merged = layers.get(i).over(merged);
        }
        return merged;
    }

    /**
     * The effective parameters of an interface, babeld's defaults filled in.
     *
     * @param kernelSaysWireless whether the system reports the interface as wireless (used when no type is set)
     */
    public ResolvedInterface resolve(String ifname, boolean kernelSaysWireless) {
        InterfaceSettings s = settingsFor(ifname);
        List<KeyConfig> resolved = s.keys() == null ? List.of() : s.keys().stream().map(keys::get).toList();
        return ResolvedInterface.of(ifname, s, globals, resolved, kernelSaysWireless);
    }

    /** The addresses of the configured unicast neighbours on an interface, in configuration order, each once. */
    public List<IpAddress> neighboursOn(String ifname) {
        Set<IpAddress> result = new LinkedHashSet<>();
        for (UnicastNeighbour n : neighbours) {
            if (n.interfaceName().equals(ifname)) {
                result.add(n.address());
            }
        }
        return List.copyOf(result);
    }

    /**
     * The engine's view of an interface in one call: its merged configuration ({@link #resolve}), the configured
     * unicast neighbours on it, and what the system says about it now.
     *
     * @param ipv4 the interface's IPv4 address, or null
     */
    public InterfaceConfig engineInterface(String ifname, boolean kernelSaysWireless, int ifindex, IpAddress linkLocal,
            IpAddress ipv4, int mtu) {
        return resolve(ifname, kernelSaysWireless).toEngine(ifindex, linkLocal, ipv4, mtu, neighboursOn(ifname));
    }
}
