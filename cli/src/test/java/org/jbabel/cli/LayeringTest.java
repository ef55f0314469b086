package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of ../shared/ARCHITECTURE.md, enforced on the compiled classes of every jbabel module on this
 * module's class path (all of them but the empty placeholders): the classes each class names (its constant pool,
 * and the types in its own fields' and methods' signatures) must keep to its layer. No dependency is added for this:
 * the JDK's class-file API reads the classes (docs/DECISIONS.md, "Layering").
 */
class LayeringTest {

    /** Class name (a.b.C) to the jbabel classes it refers to. */
    private static final Map<String, Set<String>> REFERENCES = new TreeMap<>();
    /** A class of ours in a generic signature: Lorg/jbabel/engine/SelectedRoute; or ...Route<...>. */
    private static final Pattern GENERIC_CLASS = Pattern.compile("L(org/jbabel/[^;<]+)[;<]");
    /** Class name to the jbabel classes named in the signatures of its public instance methods. */
    private static final Map<String, Set<String>> SIGNATURES = new TreeMap<>();
    /**
     * The extension API as docs/EXTENSION-API.md lists it (with their nested types): the types an extension
     * implements or is handed.
     */
    private static final Set<String> EXTENSION_API = Set.of("Extension", "ExtensionProvider", "ExtensionContext",
            "BabelApi", "Network", "UdpSocket", "KernelAccess", "ControlRegistry", "NetInterface", "NeighbourEvent");

    @BeforeAll
    static void readClasses() throws IOException {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            // main classes only: test classes (a test-jar, test-classes) may reach across layers
            if (Files.isDirectory(p) && !p.endsWith("test-classes")) {
                read(p);
            } else if (p.getFileName().toString().matches(
                    "(babel-core|babel-source-routing|roaming|xlat|ddhcp|cli)-[^-]+(-SNAPSHOT)?\\.jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + p.toUri()), Map.of())) {
                    read(jar.getPath("/"));
                }
            }
        }
    }

    private static void read(Path root) throws IOException {
        Path ours = root.resolve("org/jbabel");
        if (!Files.isDirectory(ours)) {
            return;
        }
        try (Stream<Path> files = Files.walk(ours)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                try {
                    ClassModel c = ClassFile.of().parse(Files.readAllBytes(f));
                    Set<String> refs = REFERENCES.computeIfAbsent(name(c.thisClass().asSymbol()), k -> new TreeSet<>());
                    for (var e : c.constantPool()) {
                        if (e instanceof ClassEntry ce) {
                            add(refs, ce.asSymbol());
                        }
                    }
                    c.fields().forEach(fd -> add(refs, fd.fieldTypeSymbol()));
                    Set<String> signature = SIGNATURES.computeIfAbsent(name(c.thisClass().asSymbol()),
                            k -> new TreeSet<>());
                    c.methods().forEach(m -> {
                        MethodTypeDesc t = m.methodTypeSymbol();
                        add(refs, t.returnType());
                        t.parameterList().forEach(d -> add(refs, d));
                        if (m.flags().has(AccessFlag.PUBLIC) && !m.flags().has(AccessFlag.STATIC)) {
                            add(signature, t.returnType());
                            t.parameterList().forEach(d -> add(signature, d));
                            // type arguments (List<SelectedRoute>) live in the generic signature only
                            m.findAttribute(Attributes.signature()).ifPresent(a -> GENERIC_CLASS
                                    .matcher(a.signature().stringValue())
                                    .results().forEach(r -> signature.add(r.group(1).replace('/', '.'))));
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static void add(Set<String> refs, ClassDesc d) {
        while (d.isArray()) {
            d = d.componentType();
        }
        if (d.isClassOrInterface() && d.packageName().startsWith("org.jbabel")) {
            refs.add(name(d));
        }
    }

    private static String name(ClassDesc d) {
        return d.packageName().isEmpty() ? d.displayName() : d.packageName() + "." + d.displayName();
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Every reference from a class of {@code layer} that {@code allowed} refuses, as "from -> to" lines. */
    private static List<String> violations(String layer, Predicate<String> allowed) {
        List<String> out = new ArrayList<>();
        REFERENCES.forEach((from, refs) -> {
            if (packageOf(from).equals(layer)) {
                refs.stream().filter(to -> !packageOf(to).equals(layer) && !allowed.test(to))
                        .forEach(to -> out.add(from + " -> " + to));
            }
        });
        return out;
    }

    private static Predicate<String> inPackages(String... packages) {
        Set<String> set = Set.of(packages);
        return c -> set.contains(packageOf(c));
    }

    @Test
    void theClassesOfEveryLayerWereRead() {
        assertThat(REFERENCES.keySet().stream().map(LayeringTest::packageOf).distinct())
                .contains("org.jbabel.wire", "org.jbabel.engine", "org.jbabel.sim", "org.jbabel.runtime",
                        "org.jbabel.roaming", "org.jbabel.cli");
    }

    @Test
    void wireUsesNothingOfOurs() {
        assertThat(violations("org.jbabel.wire", c -> false)).isEmpty();
    }

    @Test
    void theEngineUsesOnlyTheWireFormat() {
        assertThat(violations("org.jbabel.engine", inPackages("org.jbabel.wire"))).isEmpty();
    }

    /** The kernel's model (routes, rules, links, addresses) is the engine's peer, not its client. */
    @Test
    void theKernelModelUsesOnlyTheWireFormat() {
        assertThat(violations("org.jbabel.kernel", inPackages("org.jbabel.wire"))).isEmpty();
    }

    @Test
    void theSimulatorNeverUsesTheRuntimeLinuxOrTheCommandLine() {
        assertThat(violations("org.jbabel.sim", inPackages("org.jbabel.runtime", "org.jbabel.linux", "org.jbabel.cli")
                .negate())).isEmpty();
    }

    /**
     * An extension module sees Babel only through the extension API: {@code org.jbabel.extension}, the wire types
     * it speaks in, the engine's and kernel's value types the API hands out (those named in the signatures of the
     * API's instance methods, such as {@code SelectedRoute} or {@code KernelRoute}), and the two configuration
     * classes an extension parses its statements with.
     */
    @Test
    void extensionsUseOnlyTheExtensionApi() {
        Set<String> handedOut = new TreeSet<>();
        SIGNATURES.forEach((c, types) -> {
            if (packageOf(c).equals("org.jbabel.extension")
                    && EXTENSION_API.contains(c.substring(c.lastIndexOf('.') + 1).split("\\$")[0])) {
                handedOut.addAll(types);
            }
        });
        // and what those value types name in turn (KernelRoute's constructor takes a RouteType), to a fixed point
        for (boolean grew = true; grew; ) {
            grew = false;
            for (String t : List.copyOf(handedOut)) {
                if (!packageOf(t).equals("org.jbabel.extension")) {
                    grew |= handedOut.addAll(SIGNATURES.getOrDefault(t, Set.of()));
                }
            }
        }
        assertThat(handedOut).as("the engine's and kernel's types the extension API hands out")
                .contains("org.jbabel.engine.SelectedRoute", "org.jbabel.kernel.KernelRoute")
                .doesNotContain("org.jbabel.engine.BabelEngine");
        Predicate<String> api = inPackages("org.jbabel.extension", "org.jbabel.wire")
                .or(handedOut::contains)
                .or(Set.of("org.jbabel.config.ConfigException", "org.jbabel.config.StatementWords")::contains);
        List<String> all = new ArrayList<>();
        for (String extension : REFERENCES.keySet().stream().map(LayeringTest::packageOf)
                .filter(p -> p.startsWith("org.jbabel.roaming") || p.startsWith("org.jbabel.xlat")
                        || p.startsWith("org.jbabel.ddhcp"))
                .distinct().toList()) {
            String module = extension.split("\\.")[2];
            all.addAll(violations(extension, api.or(c -> packageOf(c).startsWith("org.jbabel." + module))));
        }
        assertThat(all).isEmpty();
    }
}
