package org.jbabel.config;

/**
 * All {@code interface} statements for one name or pattern, merged (later lines override what they set);
 * {@code position} is that of the first of them.
 */
public record InterfaceEntry(InterfaceName name, InterfaceSettings settings, Position position) {}
