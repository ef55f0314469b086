package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixTrieTest {

    private static Prefix p(String s) {
        return Prefix.parse(s);
    }

    private static IpAddress a(String s) {
        return IpAddress.parse(s);
    }

    private static final IpAddress ANY6 = IpAddress.V6_UNSPECIFIED;

    @Test
    void theMostSpecificDestinationWins() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("::/0"), "default");
        t.put(p("2001:db8::/32"), "/32");
        t.put(p("2001:db8:1::/48"), "/48");
        t.put(p("2001:db8:1::5/128"), "/128");
        assertThat(t.lookup(a("2001:db8:1::5"), ANY6)).isEqualTo("/128");
        assertThat(t.lookup(a("2001:db8:1::6"), ANY6)).isEqualTo("/48");
        assertThat(t.lookup(a("2001:db8:2::6"), ANY6)).isEqualTo("/32");
        assertThat(t.lookup(a("2001:db9::1"), ANY6)).isEqualTo("default");
        assertThat(t.size()).isEqualTo(4);
    }

    @Test
    void noMatchIsNull() {
        PrefixTrie<String> t = new PrefixTrie<>();
        assertThat(t.lookup(a("2001:db8::1"), ANY6)).isNull();
        t.put(p("2001:db8::/32"), "x");
        assertThat(t.lookup(a("2001:db9::1"), ANY6)).isNull();
        assertThat(t.lookup(a("10.0.0.1"), IpAddress.V4_UNSPECIFIED)).isNull();
    }

    @Test
    void destinationBeforeSource() {
        PrefixTrie<String> t = new PrefixTrie<>();
        // A more specific destination without a source beats a less specific one with a matching source.
        t.put(p("2001:db8::/32"), p("2001:db8:ff::/48"), "/32 from ff");
        t.put(p("2001:db8:1::/48"), "/48");
        assertThat(t.lookup(a("2001:db8:1::5"), a("2001:db8:ff::9"))).isEqualTo("/48");
        assertThat(t.lookup(a("2001:db8:2::5"), a("2001:db8:ff::9"))).isEqualTo("/32 from ff");
        assertThat(t.lookup(a("2001:db8:2::5"), a("2001:db8:fe::9"))).isNull();
    }

    @Test
    void theMostSpecificSourceOfTheDestinationWins() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("::/0"), "plain");
        t.put(p("::/0"), p("2001:db8::/32"), "from /32");
        t.put(p("::/0"), p("2001:db8:7::/48"), "from /48");
        assertThat(t.lookup(a("2001:4860::8888"), a("2001:db8:7::1"))).isEqualTo("from /48");
        assertThat(t.lookup(a("2001:4860::8888"), a("2001:db8:8::1"))).isEqualTo("from /32");
        assertThat(t.lookup(a("2001:4860::8888"), a("fd00::1"))).isEqualTo("plain");
    }

    @Test
    void aDestinationWhoseSourcesDoNotMatchFallsBackToALessSpecificOne() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("::/0"), "default");
        t.put(p("2001:db8::/32"), p("2001:db8:ff::/48"), "/32 from ff");
        t.put(p("2001:db8:1::/48"), p("fd00::/8"), "/48 from fd");
        assertThat(t.lookup(a("2001:db8:1::1"), a("fd00::1"))).isEqualTo("/48 from fd");
        assertThat(t.lookup(a("2001:db8:1::1"), a("2001:db8:ff::1"))).isEqualTo("/32 from ff");
        assertThat(t.lookup(a("2001:db8:1::1"), a("2001:db8:fe::1"))).isEqualTo("default");
    }

    @Test
    void lookupWithoutSourceSeesOnlyEntriesThatAreNotSourceSpecific() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("2001:db8::/32"), "plain /32");
        t.put(p("2001:db8:1::/48"), p("::/8"), "/48 from ::/8");
        assertThat(t.lookup(a("2001:db8:1::1"), ANY6)).isEqualTo("/48 from ::/8");
        assertThat(t.lookup(a("2001:db8:1::1"))).isEqualTo("plain /32");
        assertThat(t.lookup(a("2001:db9::1"))).isNull();
    }

    @Test
    void familiesAreSeparateTables() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("10.0.0.0/8"), "v4");
        t.put(p("::/0"), "v6 default");
        t.put(new Prefix(IpAddress.v6(0, 0xffff_0000_0000L), 96), "v4-mapped");
        assertThat(t.lookup(a("10.1.2.3"), IpAddress.V4_UNSPECIFIED)).isEqualTo("v4");
        assertThat(t.lookup(a("11.1.2.3"), IpAddress.V4_UNSPECIFIED)).isNull();
        assertThat(t.lookup(IpAddress.v6(0, 0xffff_0a01_0203L), ANY6)).isEqualTo("v4-mapped");
        assertThat(t.lookupV4(0x0a010203, 0)).isEqualTo("v4");
        assertThat(t.get(p("10.0.0.0/8"), Prefix.V4_DEFAULT)).isEqualTo("v4");
        assertThatThrownBy(() -> t.lookup(a("10.1.2.3"), ANY6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("differ in family");
        assertThatThrownBy(() -> t.put(p("10.0.0.0/8"), Prefix.V6_DEFAULT, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipv4SourceSpecificAndHostRoutes() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("0.0.0.0/0"), "default");
        t.put(p("198.51.0.0/16"), p("192.168.1.0/24"), "via B");
        t.put(p("198.51.100.7/32"), "host");
        assertThat(t.lookup(a("198.51.7.1"), a("192.168.1.1"))).isEqualTo("via B");
        assertThat(t.lookup(a("198.51.7.1"), a("192.168.2.1"))).isEqualTo("default");
        assertThat(t.lookup(a("198.51.100.7"), a("192.168.1.1"))).isEqualTo("host");
        assertThat(t.lookupV4(0xc6330701, 0xc0a80101)).isEqualTo("via B");
    }

    @Test
    void rawWordsLookupEqualsTheAddressLookup() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("2001:db8:1::/48"), p("fd00::/8"), "x");
        IpAddress d = a("2001:db8:1::77");
        IpAddress s = a("fd12::1");
        assertThat(t.lookupV6(d.hi(), d.lo(), s.hi(), s.lo())).isEqualTo("x");
        assertThat(t.lookupV6(d.hi(), d.lo(), 0, 0)).isNull();
    }

    @Test
    void putReplacesAndRemoveReturnsTheOldValue() {
        PrefixTrie<String> t = new PrefixTrie<>();
        assertThat(t.put(p("2001:db8::/32"), "a")).isNull();
        assertThat(t.put(p("2001:db8::/32"), "b")).isEqualTo("a");
        assertThat(t.put(p("2001:db8::/32"), p("fd00::/8"), "c")).isNull();
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.remove(p("2001:db8::/32"), p("fd00::/16"))).isNull();
        assertThat(t.remove(p("2001:db8::/48"), Prefix.V6_DEFAULT)).isNull();
        assertThat(t.remove(p("2001:db8::/32"), Prefix.V6_DEFAULT)).isEqualTo("b");
        assertThat(t.lookup(a("2001:db8::1"), ANY6)).isNull();
        assertThat(t.lookup(a("2001:db8::1"), a("fd00::1"))).isEqualTo("c");
        assertThat(t.remove(p("2001:db8::/32"), p("fd00::/8"))).isEqualTo("c");
        assertThat(t.size()).isZero();
        assertThat(t.isEmpty()).isTrue();
        assertThat(t.lookup(a("2001:db8::1"), a("fd00::1"))).isNull();
    }

    @Test
    void removingAForkKeepsItsChildrenReachable() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("2001:db8::/32"), "/32");
        t.put(p("2001:db8:1::/48"), "1");
        t.put(p("2001:db8:2::/48"), "2");
        t.put(p("2001:db8:2:1::/64"), "2:1");
        t.remove(p("2001:db8::/32"), Prefix.V6_DEFAULT);
        t.remove(p("2001:db8:2::/48"), Prefix.V6_DEFAULT);
        assertThat(t.lookup(a("2001:db8:1::1"), ANY6)).isEqualTo("1");
        assertThat(t.lookup(a("2001:db8:2:1::1"), ANY6)).isEqualTo("2:1");
        assertThat(t.lookup(a("2001:db8:2:2::1"), ANY6)).isNull();
        assertThat(t.get(p("2001:db8:2:1::/64"), Prefix.V6_DEFAULT)).isEqualTo("2:1");
    }

    @Test
    void forEachVisitsEveryEntryInOrder() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("2001:db8:1::/48"), p("fd00::/8"), "c");
        t.put(p("2001:db8::/32"), "b");
        t.put(p("10.0.0.0/8"), "a");
        t.put(p("2001:db8:1::/48"), "d");
        List<String> seen = new ArrayList<>();
        t.forEach((d, s, v) -> seen.add(d + " from " + s + " = " + v));
        assertThat(seen).containsExactly("10.0.0.0/8 from 0.0.0.0/0 = a", "2001:db8::/32 from ::/0 = b",
                "2001:db8:1::/48 from ::/0 = d", "2001:db8:1::/48 from fd00::/8 = c");
        t.clear();
        assertThat(t.size()).isZero();
        assertThat(t.lookup(a("10.1.1.1"), IpAddress.V4_UNSPECIFIED)).isNull();
    }

    /** The hit path allocates nothing: the thread's allocated-bytes counter stays put over many lookups. */
    @Test
    void lookupsAllocateNothing() {
        PrefixTrie<String> t = new PrefixTrie<>();
        t.put(p("::/0"), "default");
        t.put(p("2001:db8::/32"), p("fd00::/8"), "ss");
        for (int i = 0; i < 1000; i++) {
            t.put(new Prefix(IpAddress.v6(0x2001_0db8_0000_0000L | (long) i << 16, 0), 48 + i % 81), "r" + i);
        }
        IpAddress d = a("2001:db8:0:1f0::1");
        IpAddress s = a("fd00::1");
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int found = 0;
        for (int round = 0; round < 2; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                found += t.lookup(d, s) != null ? 1 : 0;
                found += t.lookupV6(d.hi(), d.lo() + i, s.hi(), s.lo()) != null ? 1 : 0;
                found += t.lookupV4(i, 0) == null ? 1 : 0;
                found += t.lookup(d) != null ? 1 : 0;
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertThat(allocated).as("bytes allocated by 400,000 lookups").isLessThan(1024);
            }
        }
        assertThat(found).isEqualTo(800_000);
    }

    @Test
    void nullValuesAreRefused() {
        PrefixTrie<String> t = new PrefixTrie<>();
        assertThatThrownBy(() -> t.put(p("::/0"), null)).isInstanceOf(NullPointerException.class);
    }
}
