package org.jbabel.config;

/**
 * One configuration statement of an extension, as its {@link org.jbabel.extension.ExtensionProvider} parsed it.
 *
 * @param extension the extension's name (the statement's first word)
 * @param value what the provider's {@code parse} returned (never null)
 * @param position where the statement is
 */
public record ExtensionStatement(String extension, Object value, Position position) {
    public ExtensionStatement {
        if (extension == null || value == null || position == null) {
            throw new IllegalArgumentException("extension, value and position are required");
        }
    }
}
