package org.jbabel.xlat.nat64;

import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;

/** The {@code nat64} statements ({@link Nat64Statements}, docs/CONFIGURATION.md) and the exit made from them. */
public final class Nat64Provider implements ExtensionProvider {

    @Override
    public String name() {
        return "nat64";
    }

    @Override
    public Object parse(StatementWords words) throws ConfigException {
        return Nat64Statements.parse(words);
    }

    @Override
    public Extension create(List<Object> statements) {
        return new Nat64(Nat64Settings.from(statements));
    }
}
