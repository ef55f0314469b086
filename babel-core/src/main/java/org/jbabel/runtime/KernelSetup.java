package org.jbabel.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sysctls babeld sets at start (unless {@code skip-kernel-setup}) and puts back at exit: forwarding on for
 * both families, IPv6 redirects off, reverse-path filtering off globally and on every Babel interface. A value is
 * written only when it differs, so a node whose sysctls are already right (or read-only, in a container) is
 * left alone.
 */
public final class KernelSetup {

    private final Path procSys;
    private final Map<String, String> saved = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    /** @param procSys the sysctl tree, /proc/sys on a real system */
    public KernelSetup(Path procSys) {
        this.procSys = procSys;
    }

    /** The global settings. */
    public void start() {
        set("net/ipv6/conf/all/forwarding", "1");
        set("net/ipv4/conf/all/forwarding", "1");
        set("net/ipv6/conf/all/accept_redirects", "0");
        set("net/ipv4/conf/all/rp_filter", "0");
    }

    /** The per-interface setting, when Babel starts running on {@code ifname}. */
    public void interfaceUp(String ifname) {
        if (!ifname.contains("/") && !ifname.startsWith(".")) {
            set("net/ipv4/conf/" + ifname + "/rp_filter", "0");
        }
    }

    /**
     * Puts back every value we changed (of interfaces that still exist). Also called after a fatal Error on whichever
     * thread caught it, while the loop may still be writing one: synchronized with {@link #set}.
     */
    public synchronized void restore() {
        List<Map.Entry<String, String>> entries = new ArrayList<>(saved.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            Path p = procSys.resolve(entries.get(i).getKey());
            if (Files.exists(p)) {
                write(p, entries.get(i).getValue());
            }
        }
        saved.clear();
    }

    /** What could not be read or written, for the log. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    private synchronized void set(String name, String value) {
        Path p = procSys.resolve(name);
        String old;
        try {
            old = Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            errors.add("cannot read " + p + ": " + e.getMessage());
            return;
        }
        if (old.equals(value)) {
            return;
        }
        if (write(p, value)) {
            saved.putIfAbsent(name, old);
        }
    }

    private boolean write(Path p, String value) {
        try {
            Files.writeString(p, value + "\n", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            errors.add("cannot write " + p + ": " + e.getMessage());
            return false;
        }
    }
}
