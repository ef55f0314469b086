package org.jbabel.extension;

import java.util.List;
import java.util.Map;

/**
 * What an extension shows and accepts on the control socket. Sections appear in {@code dump} and {@code monitor}
 * after Babel's own entries, as babeld-style lines ({@code add mmfd-neighbour ID address A if IF}) and in JSON under
 * {@code "extensions"} and the extension's name; commands are reached as {@code EXTENSION COMMAND [ARGS]} (text) or
 * {@code EXTENSION COMMAND [ARGS] json} ({@code jbabel ctl EXTENSION COMMAND [ARGS] --json}). Register during
 * {@link Extension#start}; the host forgets the registrations after {@link Extension#stop}. docs/CONTROL.md has the
 * formats.
 */
public interface ControlRegistry {

    /**
     * A section of the dump: {@code kind} names its lines ({@code mmfd-neighbour}); the supplier is called on the
     * host's thread whenever a dump or monitor update is made.
     */
    void section(String kind, java.util.function.Supplier<List<Item>> items);

    /**
     * A command that only reads ({@code mmfd neighbours}): {@code name} after the extension's name; the handler's
     * answer is printed as text or JSON. Accepted on read-only and read-write control sockets.
     */
    void command(String name, String help, Command handler);

    /**
     * A command that changes something: like {@link #command}, but refused on read-only control sockets. Hosts
     * without read-only sockets (the simulator, test fakes) may keep this default.
     */
    default void changingCommand(String name, String help, Command handler) {
        command(name, help, handler);
    }

    /**
     * One object of a section: its identity ({@code id}, unique within the section, stable while it lives) and its
     * fields in display order (values are printed with {@code toString()}, or as JSON numbers, booleans, strings,
     * lists and maps).
     */
    record Item(String id, Map<String, Object> fields) {}

    /** A command's handler. */
    interface Command {
        /**
         * Runs the command with the words after its name; returns what to show. Throw IllegalArgumentException for
         * a bad request: its message is sent as {@code no MESSAGE}.
         */
        Answer run(List<String> arguments);
    }

    /**
     * What a command shows: {@code json} is serialised by the control server (maps, lists, strings, numbers,
     * booleans); {@code text} is the babeld-style answer.
     */
    record Answer(String text, Object json) {}
}
