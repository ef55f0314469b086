package org.jbabel.xlat.nat426;

import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;

/** The {@code nat426} statement ({@link Nat426Settings}, docs/CONFIGURATION.md) and the node side made from it. */
public final class Nat426Provider implements ExtensionProvider {

    @Override
    public String name() {
        return "nat426";
    }

    @Override
    public Object parse(StatementWords words) throws ConfigException {
        return Nat426Settings.parse(words);
    }

    @Override
    public Extension create(List<Object> statements) {
        return new Nat426(Nat426Settings.of(statements));
    }
}
