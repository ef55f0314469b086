package org.jbabel.extension;

import java.util.List;

/**
 * What {@code cli} registers for each extension built into the program: the keyword of its configuration statements
 * and how to make the extension from them. The core knows providers only through this interface.
 *
 * <p>Every configuration line that starts with {@link #name()} is handed to {@link #parse}; the extension is enabled
 * when at least one such line exists, and {@link #create} gets all of them in file order.
 */
public interface ExtensionProvider {

    /** The extension's name: the first word of its statements, its control commands and its counters' prefix. */
    String name();

    /**
     * Parses one statement (the words after the keyword; none for the bare keyword) into the extension's own
     * immutable value. A problem is reported by throwing {@link org.jbabel.config.StatementWords#error}.
     */
    Object parse(org.jbabel.config.StatementWords words) throws org.jbabel.config.ConfigException;

    /** Makes the extension from its parsed statements (at least one), in file order. */
    Extension create(List<Object> statements);
}
