package org.jbabel.kernel;

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
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class KernelRouteTableTest {

    private static final Prefix ANY = Prefix.V6_DEFAULT;

    private static KernelRoute route(String destination, String source, int ifindex) {
        return KernelRoute.unicast(Prefix.parse(destination), Prefix.parse(source), IpAddress.parse("fe80::1"),
                ifindex, 0);
    }

    @Test
    void aRouteReplacesTheOneWithTheSameDestinationAndSource() {
        KernelRouteTable t = new KernelRouteTable();
        KernelRoute first = route("2001:db8::/32", "::/0", 1);
        KernelRoute second = route("2001:db8::/32", "::/0", 2);

        assertThat(t.put(first)).isNull();
        assertThat(t.put(second)).isSameAs(first);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.get(Prefix.parse("2001:db8::/32"), ANY)).isSameAs(second);
        assertThat(t.remove(Prefix.parse("2001:db8::/32"), ANY)).isSameAs(second);
        assertThat(t.size()).isZero();
        assertThat(t.remove(Prefix.parse("2001:db8::/32"), ANY)).isNull();
    }

    @Test
    void routesThatDifferOnlyInTheirSourceAreKeptApart() {
        KernelRouteTable t = new KernelRouteTable();
        KernelRoute plain = route("2001:db8::/32", "::/0", 1);
        KernelRoute specific = route("2001:db8::/32", "2001:db8:ff::/48", 2);
        t.put(plain);
        t.put(specific);

        assertThat(t.get(Prefix.parse("2001:db8::/32"), Prefix.parse("2001:db8:ff::/48"))).isSameAs(specific);
        assertThat(t.toMap()).containsOnly(Map.entry(new RouteKey(plain.destination(), plain.source()), plain),
                Map.entry(new RouteKey(specific.destination(), specific.source()), specific));
    }

    @Test
    void tenThousandRoutesStayFindableWhileHalfOfThemAreRemoved() {
        KernelRouteTable t = new KernelRouteTable();
        for (int i = 0; i < 10_000; i++) {
            t.put(route(String.format("2001:db8:1:%x::/64", i), "::/0", 1));
        }
        for (int i = 0; i < 10_000; i += 2) {
            assertThat(t.remove(Prefix.parse(String.format("2001:db8:1:%x::/64", i)), ANY)).isNotNull();
        }
        assertThat(t.size()).isEqualTo(5_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(t.get(Prefix.parse(String.format("2001:db8:1:%x::/64", i)), ANY) != null)
                    .as("route %d", i).isEqualTo(i % 2 == 1);
        }
    }

    /** One step on a table: put (a route for one of a few keys, with an ifindex to tell versions apart) or remove. */
    record Step(boolean put, int key, int ifindex) {}

    @Property(tries = 200)
    void behavesAsAMapFromDestinationAndSourceToRoute(@ForAll("steps") List<Step> steps) {
        KernelRouteTable t = new KernelRouteTable();
        Map<RouteKey, KernelRoute> model = new HashMap<>();
        for (Step s : steps) {
            // Few keys, nested and equal destinations: long probe runs, and removals inside them.
            KernelRoute r = route(String.format("2001:db8:%x::/%d", s.key() % 40, 40 + s.key() / 40 * 8),
                    s.key() % 3 == 0 ? "2001:db8:ff::/48" : "::/0", s.ifindex());
            RouteKey k = new RouteKey(r.destination(), r.source());
            if (s.put()) {
                assertThat(t.put(r)).isEqualTo(model.put(k, r));
            } else {
                assertThat(t.remove(k.prefix(), k.source())).isEqualTo(model.remove(k));
            }
            assertThat(t.size()).isEqualTo(model.size());
        }
        assertThat(t.toMap()).isEqualTo(model);
        model.forEach((k, r) -> assertThat(t.get(k.prefix(), k.source())).isSameAs(r));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(true, true, false),
                Arbitraries.integers().between(0, 119), Arbitraries.integers().between(1, 3)).as(Step::new);
        return step.list().ofMaxSize(400);
    }
}
