package org.jbabel.wire;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lookups per second of {@link PrefixTrie} with 10,000 routes (IPv6 /48 to /128, 5% of them source-specific, plus
 * a default route), against the linear scan {@code BabelApi.lookup} used before, in the same run. A timing
 * harness, not a test (tests never assert times): run by {@code bench/lpm-lookup.sh}. Also prints the bytes the
 * measuring thread allocated per trie lookup (0 expected: the hit path allocates nothing).
 */
public final class PrefixTrieBench {

    record Route(Prefix destination, Prefix source, int value) {}

    public static void main(String[] args) {
        int routes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        SplittableRandom random = new SplittableRandom(9);
        List<Route> table = new ArrayList<>();
        PrefixTrie<Route> trie = new PrefixTrie<>();
        Route def = new Route(Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, -1);
        table.add(def);
        trie.put(def.destination(), def.source(), def);
        for (int i = 0; i < routes; i++) {
            IpAddress a = IpAddress.v6(0x2001_0db8_0000_0000L | random.nextLong(1L << 24) << 8, random.nextLong());
            int length = 48 + random.nextInt(81);
            Prefix source = random.nextInt(20) == 0
                    ? new Prefix(IpAddress.v6(0xfd00_0000_0000_0000L | random.nextLong(16) << 48, 0), 8 + random.nextInt(41))
                    : Prefix.V6_DEFAULT;
            Route r = new Route(new Prefix(a, length), source, i);
            table.add(r);
            trie.put(r.destination(), r.source(), r);
        }
        // Destinations: inside a stored route (a hit on some level) three times in four, else random (the default).
        int n = 1 << 16;
        long[] dst = new long[2 * n];
        long[] src = new long[2 * n];
        IpAddress[] dstA = new IpAddress[n];
        IpAddress[] srcA = new IpAddress[n];
        for (int i = 0; i < n; i++) {
            Route r = table.get(1 + random.nextInt(table.size() - 1));
            IpAddress d = random.nextInt(4) == 0
                    ? IpAddress.v6(0x2001_0db8_0000_0000L | random.nextLong(1L << 32), random.nextLong())
                    : within(r.destination(), random);
            IpAddress s = random.nextInt(2) == 0 ? within(r.source(), random) : IpAddress.v6(0xfd00_0000_0000_0000L
                    | random.nextLong(16) << 48 | random.nextLong(1L << 40), random.nextLong());
            dstA[i] = d;
            srcA[i] = s;
            dst[2 * i] = d.hi();
            dst[2 * i + 1] = d.lo();
            src[2 * i] = s.hi();
            src[2 * i + 1] = s.lo();
        }
        for (int i = 0; i < 1000; i++) {
            if (trie.lookup(dstA[i], srcA[i]) != linear(table, dstA[i], srcA[i])) {
                throw new AssertionError("trie and scan differ for " + dstA[i] + " from " + srcA[i]);
            }
        }
        System.out.printf("routes: %d (+ ::/0), of which source-specific: %d%n", routes,
                table.stream().filter(r -> r.source().length() > 0).count());
        long sink = 0;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) {
            int count = 20_000_000;
            long allocated = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                int k = i & (n - 1);
                sink += trie.lookupV6(dst[2 * k], dst[2 * k + 1], src[2 * k], src[2 * k + 1]).value();
            }
            long t1 = System.nanoTime();
            long bytes = mx.getCurrentThreadAllocatedBytes() - allocated;
            for (int i = 0; i < count; i++) {
                int k = i & (n - 1);
                sink += trie.lookup(dstA[k], srcA[k]).value();
            }
            long t2 = System.nanoTime();
            int scans = 2_000;
            for (int i = 0; i < scans; i++) {
                int k = (i * 7919) & (n - 1);
                sink += linear(table, dstA[k], srcA[k]).value();
            }
            long t3 = System.nanoTime();
            System.out.printf("round %d: trie lookupV6 %.1f M/s (%.2f bytes allocated per lookup), "
                            + "trie lookup(IpAddress) %.1f M/s, linear scan %.0f /s%n", round,
                    count / ((t1 - t0) / 1e3), (double) bytes / count, count / ((t2 - t1) / 1e3),
                    scans / ((t3 - t2) / 1e9));
        }
        System.out.println("(checksum " + sink + ")");
    }

    /** The scan BabelApi.lookup did before the trie: every route, destination first, then source. */
    static Route linear(List<Route> table, IpAddress destination, IpAddress source) {
        Route best = null;
        for (Route r : table) {
            Prefix dst = r.destination();
            Prefix src = r.source();
            if (!dst.contains(destination) || !(src.isZeroLength() || src.contains(source))) {
                continue;
            }
            if (best == null || dst.length() > best.destination().length()
                    || (dst.length() == best.destination().length() && src.length() > best.source().length())) {
                best = r;
            }
        }
        return best;
    }

    private static IpAddress within(Prefix p, SplittableRandom random) {
        long hi = random.nextLong();
        long lo = random.nextLong();
        int len = p.length();
        return IpAddress.v6((p.address().hi() & PrefixTrie.maskHi(len)) | (hi & ~PrefixTrie.maskHi(len)),
                (p.address().lo() & PrefixTrie.maskLo(len)) | (lo & ~PrefixTrie.maskLo(len)));
    }
}
