package org.jbabel.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jbabel.extension.ControlRegistry;

/**
 * The control-socket sections and commands of every running extension: the host gives each extension
 * {@link #registry(String) its registry}, and the control socket shows the sections in {@code dump} and
 * {@code monitor} (after Babel's own entries, in registration order) and runs the commands
 * ({@code EXTENSION COMMAND [ARGS] [json]}). See docs/CONTROL.md.
 *
 * <p>Not thread-safe: everything, the suppliers and handlers included, runs on the host's thread (the daemon's
 * event loop, which is also the control server's executor).
 */
public final class ExtensionControls {

    /** The command every extension answers: its commands, with their help. */
    public static final String HELP = "help";

    /** The table names of Babel's own lines, which no section may use. */
    private static final List<String> BABEL_TABLES = List.of("interface", "neighbour", "xroute", "route");

    private final Map<String, Registry> extensions = new LinkedHashMap<>();
    private final Map<String, String> kindOwners = new LinkedHashMap<>();
    private final BiConsumer<String, RuntimeException> errors;
    private long sectionErrors;

    /** Controls whose failing sections are only counted. */
    public ExtensionControls() {
        this((what, e) -> {});
    }

    /**
     * @param errors told about every section supplier that throws or gives an unprintable object, and every command
     *     that fails (other than by refusing with IllegalArgumentException), with what failed ({@code mmfd section
     *     mmfd-neighbour}, {@code mmfd command neighbours}) and the exception: the host logs them with the stack
     *     trace
     */
    public ExtensionControls(BiConsumer<String, RuntimeException> errors) {
        this.errors = Objects.requireNonNull(errors);
    }

    /**
     * The registry of one extension, made on first use: what it registers appears under its name.
     *
     * @throws IllegalArgumentException if the name is not one word
     */
    public ControlRegistry registry(String extension) {
        Names.check(extension, "extension name");
        return extensions.computeIfAbsent(extension, Registry::new);
    }

    /** Forgets an extension's sections and commands (when it stops); its objects leave monitors as flushes. */
    public void remove(String extension) {
        if (extensions.remove(extension) != null) {
            kindOwners.values().removeIf(extension::equals);
        }
    }

    /** Whether an extension has a registry here (the first word of a control line is then its command). */
    public boolean has(String extension) {
        return extensions.containsKey(extension);
    }

    /** The extensions with a registry, in order of registration. */
    public List<String> names() {
        return List.copyOf(extensions.keySet());
    }

    /**
     * The objects of every section now, extension by extension and section by section in registration order. A
     * supplier that throws, or an object that cannot be printed (an id or field name that is not one word), is left
     * out, counted ({@link #sectionErrors()}) and reported to the error handler; the rest of the dump goes on.
     */
    public List<ExtensionEntry> entries() {
        List<ExtensionEntry> all = new ArrayList<>();
        for (Registry r : extensions.values()) {
            for (Map.Entry<String, Supplier<List<ControlRegistry.Item>>> s : r.sections.entrySet()) {
                List<ControlRegistry.Item> items;
                try {
                    items = s.getValue().get();
                } catch (RuntimeException e) {
                    failed(r.name + " section " + s.getKey(), e);
                    continue;
                }
                if (items == null) {
                    continue;
                }
                for (ControlRegistry.Item item : items) {
                    try {
                        all.add(new ExtensionEntry(r.name, s.getKey(), item.id(),
                                item.fields() == null ? Map.of() : item.fields()));
                    } catch (RuntimeException e) {
                        failed(r.name + " section " + s.getKey() + " item " + (item == null ? null : item.id()), e);
                    }
                }
            }
        }
        return all;
    }

    /** Section suppliers that failed, and objects left out because they could not be printed, so far. */
    public long sectionErrors() {
        return sectionErrors;
    }

    /** A command of an extension, or null when there is none of that name. */
    Registered command(String extension, String name) {
        Registry r = extensions.get(extension);
        return r == null ? null : r.commands.get(name);
    }

    /** The commands of an extension with their help, in registration order ({@code help} first). */
    Map<String, Registered> commands(String extension) {
        Registry r = extensions.get(extension);
        return r == null ? Map.of() : Collections.unmodifiableMap(r.commands);
    }

    private void failed(String what, RuntimeException e) {
        sectionErrors++;
        report(what, e);
    }

    /** A command handler threw something other than IllegalArgumentException: told to the error handler. */
    void commandFailed(String what, RuntimeException e) {
        report(what, e);
    }

    private void report(String what, RuntimeException e) {
        try {
            errors.accept(what, e);
        } catch (RuntimeException ignored) {
            // a failing error handler must not take the dump down
        }
    }

    /**
     * A registered command.
     *
     * @param help one line of help
     * @param changes whether it changes state (refused on read-only sockets)
     */
    record Registered(String name, String help, ControlRegistry.Command handler, boolean changes) {}

    /** One extension's registry. */
    private final class Registry implements ControlRegistry {
        private final String name;
        private final Map<String, Supplier<List<Item>>> sections = new LinkedHashMap<>();
        private final Map<String, Registered> commands = new LinkedHashMap<>();

        Registry(String name) {
            this.name = name;
            commands.put(HELP, new Registered(HELP, "lists the commands of " + name, this::help, false));
        }

        @Override
        public void section(String kind, Supplier<List<Item>> items) {
            Names.check(kind, "section kind");
            Objects.requireNonNull(items, "items");
            String owner = kindOwners.get(kind);
            if (owner != null) {
                throw new IllegalArgumentException("section '" + kind + "' is already registered by " + owner);
            }
            if (BABEL_TABLES.contains(kind)) {
                throw new IllegalArgumentException("section '" + kind + "' is one of Babel's own tables");
            }
            kindOwners.put(kind, name);
            sections.put(kind, items);
        }

        @Override
        public void command(String command, String help, ControlRegistry.Command handler) {
            add(command, help, handler, false);
        }

        @Override
        public void changingCommand(String command, String help, ControlRegistry.Command handler) {
            add(command, help, handler, true);
        }

        private void add(String command, String help, ControlRegistry.Command handler, boolean changes) {
            Names.check(command, "command name");
            Objects.requireNonNull(handler, "handler");
            if (command.equals("json") || commands.containsKey(command)) {
                throw new IllegalArgumentException(name + " already has a command '" + command + "'");
            }
            commands.put(command, new Registered(command, help == null ? "" : help, handler, changes));
        }

        private Answer help(List<String> arguments) {
            StringBuilder text = new StringBuilder();
            Map<String, Object> json = new LinkedHashMap<>();
            for (Registered c : commands.values()) {
                text.append(c.name()).append(c.changes() ? " (read-write)" : "").append(": ").append(c.help())
                        .append('\n');
                Map<String, Object> command = new LinkedHashMap<>();
                command.put("help", c.help());
                command.put("read-write", c.changes());
                json.put(c.name(), command);
            }
            return new Answer(text.toString(), json);
        }
    }
}
