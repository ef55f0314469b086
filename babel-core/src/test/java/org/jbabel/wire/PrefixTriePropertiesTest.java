package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link PrefixTrie} against a brute-force oracle: a map of (destination, source) entries scanned by the
 * destination-first rule. Addresses are drawn from few bits spread over the whole address (so prefixes of every
 * length nest, overlap and diverge at many bit positions), in both families, with and without source prefixes.
 */
class PrefixTriePropertiesTest {

    /** kind: 0 remove, 1-2 put; then family, destination seed and length, source seed and length (0 = none). */
    record Op(int kind, boolean v4, int dstSeed, int dstLength, int srcSeed, int srcLength, int probeSeed) {}

    record Key(Prefix destination, Prefix source) {}

    @Property(tries = 300)
    void everyLookupEqualsABruteForceScan(@ForAll("operations") List<Op> ops) {
        PrefixTrie<Integer> trie = new PrefixTrie<>();
        Map<Key, Integer> oracle = new HashMap<>();
        int n = 0;
        for (Op op : ops) {
            Family f = op.v4() ? Family.V4 : Family.V6;
            Prefix d = new Prefix(address(f, op.dstSeed()), Math.min(op.dstLength(), f.bits()));
            Prefix s = new Prefix(address(f, op.srcSeed()), Math.min(op.srcLength(), f.bits()));
            Key key = new Key(d, s);
            if (op.kind() == 0) {
                assertThat(trie.remove(d, s)).isEqualTo(oracle.remove(key));
            } else {
                Integer v = n++;
                assertThat(trie.put(d, s, v)).isEqualTo(oracle.put(key, v));
            }
            assertThat(trie.size()).isEqualTo(oracle.size());
            assertThat(trie.get(d, s)).isEqualTo(oracle.get(key));
            for (int i = 0; i < 4; i++) {
                IpAddress dst = address(f, op.probeSeed() * 31 + i * 7 + op.dstSeed());
                IpAddress src = i == 0 ? (op.v4() ? IpAddress.V4_UNSPECIFIED : IpAddress.V6_UNSPECIFIED)
                        : address(f, op.probeSeed() + i * 13 + op.srcSeed());
                assertThat(trie.lookup(dst, src)).as("lookup %s from %s", dst, src)
                        .isEqualTo(bruteForce(oracle, dst, src, false));
                assertThat(trie.lookup(dst)).as("lookup %s without source", dst)
                        .isEqualTo(bruteForce(oracle, dst, src, true));
                if (op.v4()) {
                    assertThat(trie.lookupV4(dst.v4Bits(), src.v4Bits())).isEqualTo(trie.lookup(dst, src));
                } else {
                    assertThat(trie.lookupV6(dst.hi(), dst.lo(), src.hi(), src.lo())).isEqualTo(trie.lookup(dst, src));
                }
            }
        }
        Map<Key, Integer> walked = new HashMap<>();
        trie.forEach((d, s, v) -> walked.put(new Key(d, s), v));
        assertThat(walked).isEqualTo(oracle);
        for (Key k : List.copyOf(oracle.keySet())) {
            assertThat(trie.remove(k.destination(), k.source())).isEqualTo(oracle.remove(k));
        }
        assertThat(trie.isEmpty()).isTrue();
    }

    /** Destination first; among the entries of that destination, the longest matching source; null for none. */
    private static Integer bruteForce(Map<Key, Integer> entries, IpAddress dst, IpAddress src, boolean plainOnly) {
        Key best = null;
        for (Key k : entries.keySet()) {
            if (!k.destination().contains(dst) || !k.source().contains(src)
                    || (plainOnly && !k.source().isZeroLength())) {
                continue;
            }
            if (best == null || k.destination().length() > best.destination().length()
                    || (k.destination().length() == best.destination().length()
                            && k.source().length() > best.source().length())) {
                best = k;
            }
        }
        return best == null ? null : entries.get(best);
    }

    /** Eight seed bits spread over the address: bit i of the seed at address bit 4 + i * (bits / 8). */
    static IpAddress address(Family f, int seed) {
        if (f == Family.V4) {
            int a = 0x0a00_0000;
            for (int i = 0; i < 8; i++) {
                if ((seed >>> i & 1) != 0) {
                    a |= 1 << (31 - (4 + i * 4));
                }
            }
            return IpAddress.v4(a | (seed >>> 8 & 1));
        }
        long hi = 0x2000_0000_0000_0000L;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            if ((seed >>> i & 1) != 0) {
                int pos = 4 + i * 16;
                if (pos < 64) {
                    hi |= 1L << (63 - pos);
                } else {
                    lo |= 1L << (127 - pos);
                }
            }
        }
        return IpAddress.v6(hi, lo | (seed >>> 8 & 1));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(0, 128),
                Arbitraries.of(0, 4, 8, 20, 32, 36, 48, 64, 68, 100, 127, 128));
        Arbitrary<Integer> srcLength = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.just(0), length);
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 511), length, Arbitraries.integers().between(0, 511),
                        srcLength, Arbitraries.integers().between(0, 511))
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(80);
    }
}
