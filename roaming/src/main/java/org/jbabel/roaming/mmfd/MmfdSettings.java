package org.jbabel.roaming.mmfd;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the {@code mmfd} statements say.
 *
 * @param device the TUN device's name ({@code mmfd device NAME}, default {@code mmfd0})
 * @param interfaces the Babel interfaces mmfd runs on ({@code mmfd interface IF}); empty: all of them
 */
public record MmfdSettings(String device, Set<String> interfaces) {

    public static final String DEFAULT_DEVICE = "mmfd0";

    public MmfdSettings {
        interfaces = Set.copyOf(new LinkedHashSet<>(interfaces));
    }

    /** The settings of the statements, in file order; a later {@code device} replaces an earlier one. */
    static MmfdSettings of(List<?> statements) {
        String device = DEFAULT_DEVICE;
        Set<String> interfaces = new LinkedHashSet<>();
        for (Object s : statements) {
            switch (s) {
                case MmfdProvider.Enable e -> { }
                case MmfdProvider.Interface i -> interfaces.add(i.name());
                case MmfdProvider.Device d -> device = d.name();
                default -> throw new IllegalArgumentException("not an mmfd statement: " + s);
            }
        }
        return new MmfdSettings(device, interfaces);
    }

    /** Whether mmfd runs on the Babel interface {@code name}. */
    boolean runsOn(String name) {
        return interfaces.isEmpty() || interfaces.contains(name);
    }
}
