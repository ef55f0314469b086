package org.jbabel.wire;

import java.util.Objects;

/**
 * A longest-prefix-match table keyed by (destination prefix, source prefix), one per family, with Babel's
 * <b>destination-first</b> lookup (RFC 9079, and what Linux does for IPv6 routes with a source, its "subtrees"):
 * among the entries whose destination prefix contains the destination address, the most specific destination
 * wins; among the entries of that destination prefix, the most specific source prefix that contains the source
 * address (a zero-length source prefix, "not source-specific", contains every source). When none of that
 * destination's source prefixes contains the source, the lookup falls back to the next less specific destination
 * that has a matching entry, and so on. This is the one rule of {@code BabelApi.lookup}, the simulator's
 * {@code SimFib} and {@code MemoryKernel}'s per-table lookup; the argument order is always (destination, source).
 *
 * <p>Structure: a path-compressed binary trie (each node a masked prefix; a node exists for each stored
 * destination and for each point where two stored prefixes diverge, so at most 2n - 1 nodes) per family. A
 * destination node holds the value of its zero-length source directly and, for source-specific entries, the root
 * of a second trie of the same kind over the source prefixes. Chosen over per-length hash tables (probe each
 * present length, longest first) because Babel tables mix many lengths (/48 to /128 of roaming clients, plus /64s
 * and IPv4): a hash table costs one probe per present length on every miss, up to 129, while the trie costs one
 * node per branching bit actually on the path (about log2 n for spread prefixes, at most the key length), and it
 * is incremental without rehashing. Addresses are kept as two {@code long} words, left-aligned (IPv4 in the top 32
 * bits of the first word), so a node test is two XOR-and-mask operations. A lookup allocates nothing; {@link
 * #lookupV6(long, long, long, long)} and {@link #lookupV4(int, int)} take raw address bits for a packet path that
 * holds no {@link IpAddress}.
 *
 * <p>Values must not be null. Not thread-safe: one thread (the event loop that owns it) reads and writes.
 *
 * @param <V> the value stored per (destination, source) key
 */
public final class PrefixTrie<V> {

    /** Receives the entries of {@link #forEach}. */
    @FunctionalInterface
    public interface Visitor<V> {
        void accept(Prefix destination, Prefix source, V value);
    }

    private static final class Node<V> {
        final long hi;
        final long lo;
        final int len;
        Node<V> zero;
        Node<V> one;
        /** At a destination node: the value of the zero-length source; at a source node: the value of its source. */
        V value;
        /** At a destination node: the trie of its source-specific entries (source length > 0), or null. */
        Node<V> sources;

        Node(long hi, long lo, int len) {
            this.hi = hi;
            this.lo = lo;
            this.len = len;
        }

        boolean holds(long h, long l) {
            return ((h ^ hi) & maskHi(len)) == 0 && ((l ^ lo) & maskLo(len)) == 0;
        }

        boolean empty() {
            return value == null && sources == null;
        }
    }

    @SuppressWarnings("unchecked")
    private final Node<V>[] roots = new Node[2];
    private int size;
    /** The node the last {@link #insert} found or made. */
    private Node<V> inserted;

    /** Stores {@code value} for (destination, source); returns the value it replaces, or null. */
    public V put(Prefix destination, Prefix source, V value) {
        Objects.requireNonNull(value, "value");
        checkFamilies(destination, source);
        int f = destination.family().ordinal();
        roots[f] = insert(roots[f], hi(destination), lo(destination), destination.length());
        Node<V> d = inserted;
        V old;
        if (source.length() == 0) {
            old = d.value;
            d.value = value;
        } else {
            d.sources = insert(d.sources, hi(source), lo(source), source.length());
            old = inserted.value;
            inserted.value = value;
        }
        if (old == null) {
            size++;
        }
        return old;
    }

    /** Stores {@code value} for a destination that is not source-specific. */
    public V put(Prefix destination, V value) {
        return put(destination, Prefix.zero(destination.family()), value);
    }

    /** Removes the entry of exactly (destination, source); returns its value, or null when there was none. */
    public V remove(Prefix destination, Prefix source) {
        checkFamilies(destination, source);
        int f = destination.family().ordinal();
        long dh = hi(destination);
        long dl = lo(destination);
        Node<V> d = exact(roots[f], dh, dl, destination.length());
        if (d == null) {
            return null;
        }
        V old;
        if (source.length() == 0) {
            old = d.value;
            d.value = null;
        } else {
            long sh = hi(source);
            long sl = lo(source);
            Node<V> s = exact(d.sources, sh, sl, source.length());
            if (s == null || s.value == null) {
                return null;
            }
            old = s.value;
            s.value = null;
            d.sources = prune(d.sources, sh, sl, source.length());
        }
        if (old != null) {
            size--;
            roots[f] = prune(roots[f], dh, dl, destination.length());
        }
        return old;
    }

    /** The value of exactly (destination, source), or null. */
    public V get(Prefix destination, Prefix source) {
        checkFamilies(destination, source);
        Node<V> d = exact(roots[destination.family().ordinal()], hi(destination), lo(destination),
                destination.length());
        if (d == null) {
            return null;
        }
        if (source.length() == 0) {
            return d.value;
        }
        Node<V> s = exact(d.sources, hi(source), lo(source), source.length());
        return s == null ? null : s.value;
    }

    /**
     * The value for a packet from {@code source} to {@code destination} by the destination-first rule, or null.
     * Both addresses must be of one family.
     */
    public V lookup(IpAddress destination, IpAddress source) {
        if (destination.family() != source.family()) {
            throw new IllegalArgumentException("destination " + destination + " and source " + source
                    + " differ in family");
        }
        if (destination.family() == Family.V4) {
            return lookupV4(destination.v4Bits(), source.v4Bits());
        }
        return lookupV6(destination.hi(), destination.lo(), source.hi(), source.lo());
    }

    /**
     * The value of the most specific destination containing {@code destination} among the entries that are not
     * source-specific (zero-length source), or null: the route of traffic that no source-specific route claims.
     */
    public V lookup(IpAddress destination) {
        long h;
        long l;
        if (destination.family() == Family.V4) {
            h = (long) destination.v4Bits() << 32;
            l = 0;
        } else {
            h = destination.hi();
            l = destination.lo();
        }
        V best = null;
        for (Node<V> n = roots[destination.family().ordinal()]; n != null && n.holds(h, l); n = child(n, h, l)) {
            if (n.value != null) {
                best = n.value;
            }
        }
        return best;
    }

    /** {@link #lookup(IpAddress, IpAddress)} for IPv6, on the addresses' two 64-bit words each. */
    public V lookupV6(long dstHi, long dstLo, long srcHi, long srcLo) {
        return find(roots[Family.V6.ordinal()], dstHi, dstLo, srcHi, srcLo);
    }

    /** {@link #lookup(IpAddress, IpAddress)} for IPv4, on the addresses' 32 bits (network order as an int). */
    public V lookupV4(int destination, int source) {
        return find(roots[Family.V4.ordinal()], (long) destination << 32, 0, (long) source << 32, 0);
    }

    /** How many (destination, source) entries there are. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void clear() {
        roots[0] = null;
        roots[1] = null;
        size = 0;
    }

    /**
     * Every entry, IPv4 first, then by destination address and length (shorter first), then by source likewise.
     * Allocates the prefixes it reports; not for a hot path.
     */
    public void forEach(Visitor<? super V> visitor) {
        for (Family f : Family.values()) {
            visitDestinations(f, roots[f.ordinal()], visitor);
        }
    }

    // ---- the search ----

    private static <V> V find(Node<V> root, long dh, long dl, long sh, long sl) {
        V best = null;
        for (Node<V> n = root; n != null && n.holds(dh, dl); n = child(n, dh, dl)) {
            if (n.sources != null) {
                V s = bestSource(n.sources, sh, sl);
                if (s != null) {
                    best = s;
                    continue;
                }
            }
            if (n.value != null) {
                best = n.value;
            }
        }
        return best;
    }

    private static <V> V bestSource(Node<V> root, long sh, long sl) {
        V best = null;
        for (Node<V> n = root; n != null && n.holds(sh, sl); n = child(n, sh, sl)) {
            if (n.value != null) {
                best = n.value;
            }
        }
        return best;
    }

    /** The child of {@code n} on the side of bit {@code n.len} of the address (null below a full-length node). */
    private static <V> Node<V> child(Node<V> n, long h, long l) {
        return bit(h, l, n.len) == 0 ? n.zero : n.one;
    }

    private static <V> Node<V> exact(Node<V> root, long h, long l, int len) {
        Node<V> n = root;
        while (n != null && n.len < len && n.holds(h, l)) {
            n = child(n, h, l);
        }
        return n != null && n.len == len && n.hi == h && n.lo == l ? n : null;
    }

    // ---- changes ----

    /** Inserts the node (h, l, len) below {@code n} if missing; returns the new subtree root, sets {@link #inserted}. */
    private Node<V> insert(Node<V> n, long h, long l, int len) {
        if (n == null) {
            inserted = new Node<>(h, l, len);
            return inserted;
        }
        int common = Math.min(commonLength(n.hi, n.lo, h, l), Math.min(n.len, len));
        if (common == n.len) {
            if (len == n.len) {
                inserted = n;
                return n;
            }
            if (bit(h, l, n.len) == 0) {
                n.zero = insert(n.zero, h, l, len);
            } else {
                n.one = insert(n.one, h, l, len);
            }
            return n;
        }
        Node<V> leaf = new Node<>(h, l, len);
        inserted = leaf;
        if (common == len) {
            attach(leaf, n);
            return leaf;
        }
        Node<V> fork = new Node<>(h & maskHi(common), l & maskLo(common), common);
        attach(fork, n);
        attach(fork, leaf);
        return fork;
    }

    private static <V> void attach(Node<V> parent, Node<V> child) {
        if (bit(child.hi, child.lo, parent.len) == 0) {
            parent.zero = child;
        } else {
            parent.one = child;
        }
    }

    /** Removes the nodes that no longer carry anything along the path to (h, l, len); returns the new root. */
    private static <V> Node<V> prune(Node<V> n, long h, long l, int len) {
        if (n == null || n.len > len || !n.holds(h, l)) {
            return n;
        }
        if (n.len < len) {
            if (bit(h, l, n.len) == 0) {
                n.zero = prune(n.zero, h, l, len);
            } else {
                n.one = prune(n.one, h, l, len);
            }
        }
        if (!n.empty()) {
            return n;
        }
        if (n.zero == null) {
            return n.one;
        }
        return n.one == null ? n.zero : n;
    }

    // ---- walking ----

    private static <V> void visitDestinations(Family f, Node<V> n, Visitor<? super V> visitor) {
        if (n == null) {
            return;
        }
        if (!n.empty()) {
            Prefix d = prefix(f, n);
            if (n.value != null) {
                visitor.accept(d, Prefix.zero(f), n.value);
            }
            visitSources(f, d, n.sources, visitor);
        }
        visitDestinations(f, n.zero, visitor);
        visitDestinations(f, n.one, visitor);
    }

    private static <V> void visitSources(Family f, Prefix d, Node<V> n, Visitor<? super V> visitor) {
        if (n == null) {
            return;
        }
        if (n.value != null) {
            visitor.accept(d, prefix(f, n), n.value);
        }
        visitSources(f, d, n.zero, visitor);
        visitSources(f, d, n.one, visitor);
    }

    private static Prefix prefix(Family f, Node<?> n) {
        IpAddress a = f == Family.V4 ? IpAddress.v4((int) (n.hi >>> 32)) : IpAddress.v6(n.hi, n.lo);
        return new Prefix(a, n.len);
    }

    // ---- bits ----

    private static void checkFamilies(Prefix destination, Prefix source) {
        if (destination.family() != source.family()) {
            throw new IllegalArgumentException("destination " + destination + " and source " + source
                    + " differ in family");
        }
    }

    /** The first word of a prefix, left-aligned (IPv4 in the top 32 bits). */
    private static long hi(Prefix p) {
        return p.family() == Family.V4 ? (long) p.address().v4Bits() << 32 : p.address().hi();
    }

    private static long lo(Prefix p) {
        return p.family() == Family.V4 ? 0 : p.address().lo();
    }

    static long maskHi(int len) {
        return len <= 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
    }

    static long maskLo(int len) {
        return len <= 64 ? 0 : len >= 128 ? -1L : -1L << (128 - len);
    }

    /** Bit {@code i} (0 = most significant of the first word); 0 past the last bit. */
    private static int bit(long h, long l, int i) {
        if (i < 64) {
            return (int) (h >>> (63 - i)) & 1;
        }
        return i < 128 ? (int) (l >>> (127 - i)) & 1 : 0;
    }

    /** How many leading bits two addresses share (128 when equal). */
    private static int commonLength(long h1, long l1, long h2, long l2) {
        long x = h1 ^ h2;
        return x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(l1 ^ l2);
    }
}
