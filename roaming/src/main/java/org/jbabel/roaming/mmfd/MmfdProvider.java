package org.jbabel.roaming.mmfd;

import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jbabel.config.ConfigException;
import org.jbabel.config.StatementWords;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;

/**
 * The {@code mmfd} statements (docs/CONFIGURATION.md): {@code mmfd} alone enables it on every Babel interface;
 * {@code mmfd interface IF} (repeatable) limits it to those; {@code mmfd device NAME} names the TUN device (default
 * {@code mmfd0}).
 */
public final class MmfdProvider implements ExtensionProvider {

    /** The bare {@code mmfd}. */
    public record Enable() {}

    /** {@code mmfd interface IF}. */
    public record Interface(String name) {}

    /** {@code mmfd device NAME}. */
    public record Device(String name) {}

    private final Supplier<RandomGenerator> random;

    /** Nonces from {@link SecureRandom}, as the C mmfd takes them from getrandom. */
    public MmfdProvider() {
        this(SecureRandom::new);
    }

    /** Nonces from {@code random} (the simulator gives a seeded one, so that runs repeat). */
    public MmfdProvider(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public String name() {
        return "mmfd";
    }

    @Override
    public Object parse(StatementWords words) throws ConfigException {
        if (!words.hasNext()) {
            return new Enable();
        }
        String keyword = words.word("mmfd keyword");
        Object statement = switch (keyword) {
            case "interface" -> new Interface(words.interfaceName("interface name"));
            case "device" -> new Device(words.interfaceName("device name"));
            default -> throw words.error("unknown mmfd keyword '" + keyword + "' (expected interface or device)");
        };
        words.end();
        return statement;
    }

    @Override
    public Extension create(List<Object> statements) {
        return new Mmfd(MmfdSettings.of(statements), random.get());
    }
}
