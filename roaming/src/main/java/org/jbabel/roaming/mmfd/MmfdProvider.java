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

    /** The kernel's IFNAMSIZ less the terminating zero. */
    private static final int MAX_IFNAME = 15;

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
            case "interface" -> new Interface(interfaceName(words, "interface name"));
            case "device" -> new Device(interfaceName(words, "device name"));
            default -> throw words.error("unknown mmfd keyword '" + keyword + "' (expected interface or device)");
        };
        words.end();
        return statement;
    }

    private static String interfaceName(StatementWords words, String what) throws ConfigException {
        String name = words.word(what);
        if (name.length() > MAX_IFNAME || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw words.error("'" + name + "' is not a valid " + what
                    + " (at most 15 characters, no '/', ':' or blanks)");
        }
        return name;
    }

    @Override
    public Extension create(List<Object> statements) {
        return new Mmfd(MmfdSettings.of(statements), random.get());
    }
}
