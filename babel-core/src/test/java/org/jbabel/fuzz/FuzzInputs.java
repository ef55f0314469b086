package org.jbabel.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * What every parser's fuzz test shares (docs/ROBUSTNESS.md, "Fuzzing").
 *
 * <p>A parser's corpus is the directory Jazzer reads for a {@code @FuzzTest} method {@code m} of class {@code C}:
 * {@code src/test/resources/<C's package>/<C>Inputs/m/}, one raw input per file. Jazzer replays it as ordinary tests
 * (and fuzzes from it with {@code JAZZER_FUZZ=1}); {@link #mutants} gives the jqwik short run of the test suite
 * mutations of the same files: bits flipped, bytes set to edge values, length fields (any 1 or 2 bytes) changed,
 * cut short, grown, chunks of another seed spliced in.
 */
public final class FuzzInputs {

    private static final byte[] EDGES = {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * What a measurement may see besides the parser's own allocation: a path taken for the first time may still
     * initialise something lazily (seen: 288 bytes once from the translator, which allocates nothing afterwards).
     */
    public static final long SLACK = 4096;

    private FuzzInputs() {}

    /** The corpus of {@code testClass}'s fuzz target {@code method}, sorted by file name; at least one file. */
    public static List<byte[]> seeds(Class<?> testClass, String method) {
        String dir = testClass.getSimpleName() + "Inputs/" + method;
        URL url = testClass.getResource(dir);
        if (url == null) {
            throw new IllegalStateException("no corpus " + dir + " next to " + testClass.getName());
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                seeds.add(Files.readAllBytes(p));
            }
            assertThat(seeds).as("corpus %s", dir).isNotEmpty();
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mutants of {@code seeds} (the seeds themselves now and then), for a jqwik property. */
    public static Arbitrary<byte[]> mutants(List<byte[]> seeds) {
        return Arbitraries.randomValue(r -> mutate(seeds, r));
    }

    /** One to four mutations of a random seed; one time in twenty the seed as it is. */
    public static byte[] mutate(List<byte[]> seeds, Random r) {
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        if (r.nextInt(20) == 0) {
            return b;
        }
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = mutateOnce(b, seeds, r);
        }
        return b;
    }

    private static byte[] mutateOnce(byte[] b, List<byte[]> seeds, Random r) {
        if (b.length == 0) {
            return new byte[] {(byte) r.nextInt()};
        }
        int at = r.nextInt(b.length);
        switch (r.nextInt(8)) {
            case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[at] = EDGES[r.nextInt(EDGES.length)];
            case 2 -> b[at] = (byte) (b[at] + (r.nextBoolean() ? 1 : -1));
            case 3 -> { // a 16-bit length field: any pair of bytes, set to a small or an edge value
                int v = r.nextBoolean() ? r.nextInt(b.length + 16) : (r.nextBoolean() ? 0xffff : r.nextInt(0x10000));
                b[at] = (byte) (v >>> 8);
                if (at + 1 < b.length) {
                    b[at + 1] = (byte) v;
                }
            }
            case 4 -> b = Arrays.copyOf(b, at);
            case 5 -> { // grow: random bytes appended
                byte[] tail = new byte[1 + r.nextInt(64)];
                r.nextBytes(tail);
                byte[] grown = Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, grown, b.length, tail.length);
                b = grown;
            }
            case 6 -> { // splice a chunk of another seed in at a random place (TLVs of one packet in another)
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                if (other.length > 0) {
                    int from = r.nextInt(other.length);
                    int len = 1 + r.nextInt(Math.min(64, other.length - from));
                    byte[] spliced = new byte[b.length + len];
                    System.arraycopy(b, 0, spliced, 0, at);
                    System.arraycopy(other, from, spliced, at, len);
                    System.arraycopy(b, at, spliced, at + len, b.length - at);
                    b = spliced;
                }
            }
            default -> { // cut a chunk out of the middle
                int len = 1 + r.nextInt(Math.min(32, b.length - at));
                byte[] cut = new byte[b.length - len];
                System.arraycopy(b, 0, cut, 0, at);
                System.arraycopy(b, at + len, cut, at, b.length - at - len);
                b = cut;
            }
        }
        return b;
    }

    /**
     * Runs {@code parse} and asserts that it allocated at most {@link #SLACK} {@code + fixed + perByte *
     * input.length} bytes: no allocation follows a length field past what arrived. {@code parse} runs twice, and the
     * second run is measured: the first may load and initialise classes.
     */
    public static void assertAllocationBounded(byte[] input, long fixed, long perByte, Runnable parse) {
        parse.run();
        long thread = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        parse.run();
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated for an input of %d bytes", input.length)
                .isLessThanOrEqualTo(SLACK + fixed + perByte * input.length);
    }
}
