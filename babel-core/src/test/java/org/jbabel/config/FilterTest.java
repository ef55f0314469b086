package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

class FilterTest {

    private static final RouterId ID = RouterId.parse("02:00:00:ff:fe:00:00:01");
    private static final IpAddress NEIGH = IpAddress.parse("fe80::1");

    private static RouteKey key(String prefix) {
        return RouteKey.of(Prefix.parse(prefix));
    }

    private static RouteKey key(String prefix, String source) {
        return new RouteKey(Prefix.parse(prefix), Prefix.parse(source));
    }

    private static RouteDescription learned(String prefix) {
        return RouteDescription.learned(key(prefix), NEIGH, ID, "eth0");
    }

    private static FilterAction in(DaemonConfig c, RouteDescription r) {
        return c.filters().evaluate(FilterKind.IN, r);
    }

    @Test
    void withoutRulesLearnedAndAnnouncedRoutesAreAllowedAndLocalAddressesRedistributedAndEverythingInstalled()
            throws ConfigException {
        DaemonConfig c = Samples.config();
        assertThat(in(c, learned("2001:db8::/32"))).isEqualTo(FilterAction.ALLOW);
        assertThat(c.filters().evaluate(FilterKind.OUT, RouteDescription.announced(key("10.0.0.0/8"), ID, "eth0")))
                .isEqualTo(FilterAction.ALLOW);
        assertThat(c.filters().evaluate(FilterKind.REDISTRIBUTE,
                        RouteDescription.localAddress(key("2001:db8::1/128"), "eth0")).metric())
                .isZero();
        assertThat(c.filters().evaluate(FilterKind.REDISTRIBUTE,
                        RouteDescription.kernel(key("2001:db8::/48"), 4, "eth0")).denies())
                .isTrue();
        assertThat(c.filters().evaluate(FilterKind.INSTALL,
                        RouteDescription.toInstall(key("2001:db8::/48"), ID, "eth0")).denies())
                .isFalse();
    }

    @Test
    void redistributeLocalDenyAsTheLastRuleSuppressesLocalAddresses() throws ConfigException {
        DaemonConfig c = Samples.config("redistribute local deny");
        assertThat(c.filters().evaluate(FilterKind.REDISTRIBUTE,
                        RouteDescription.localAddress(key("10.0.0.1/32"), "eth0")).denies())
                .isTrue();
    }

    @Test
    void firstMatchingRuleWins() throws ConfigException {
        DaemonConfig c = Samples.config("in ip 2001:db8::/32 metric 10", "in ip 2001:db8::/48 deny");
        assertThat(in(c, learned("2001:db8::/48")).metric()).isEqualTo(10);
        assertThat(c.filters().firstMatch(FilterKind.IN, learned("2001:db8::/48")).orElseThrow().position().line())
                .isEqualTo(1);
        assertThat(in(c, learned("2001:db9::/48"))).isEqualTo(FilterAction.ALLOW);
    }

    @Test
    void ipMatchesPrefixesInsideItThatAreAtLeastAsLong() throws ConfigException {
        DaemonConfig c = Samples.config("in ip 2001:db8::/32 deny");
        assertThat(in(c, learned("2001:db8:1::/48")).denies()).isTrue();
        assertThat(in(c, learned("2001:db8::/32")).denies()).isTrue();
        assertThat(in(c, learned("2001:db8::/31")).denies()).isFalse();
        assertThat(in(c, learned("2001:db9::/48")).denies()).isFalse();
        assertThat(in(c, learned("10.0.0.0/8")).denies()).isFalse();
    }

    @Test
    void lengthBoundsWithAnIpv4PrefixAreIpv4Lengths() throws ConfigException {
        DaemonConfig c = Samples.config("in ip 10.0.0.0/8 ge 24 le 30 deny");
        assertThat(in(c, learned("10.1.2.0/24")).denies()).isTrue();
        assertThat(in(c, learned("10.1.2.0/30")).denies()).isTrue();
        assertThat(in(c, learned("10.1.2.0/23")).denies()).isFalse();
        assertThat(in(c, learned("10.1.2.0/32")).denies()).isFalse();
    }

    @Test
    void lengthBoundsWithoutAnIpv4PrefixMakeTheRuleIpv6Only() throws ConfigException {
        DaemonConfig c = Samples.config("in eq 32 deny", "in src-le 64 metric 5");
        assertThat(in(c, learned("2001:db8::/32")).denies()).isTrue();
        assertThat(in(c, learned("10.0.0.0/32")).denies()).isFalse();
        assertThat(in(c, learned("10.0.0.0/32")).metric()).isZero();
        assertThat(in(c, learned("2001:db8::/48")).metric()).isEqualTo(5);
    }

    @Test
    void trivialLengthBoundsDoNotRestrictTheFamily() throws ConfigException {
        DaemonConfig c = Samples.config("in le 128 ge 0 deny");
        assertThat(in(c, learned("10.0.0.0/8")).denies()).isTrue();
        assertThat(in(c, learned("2001:db8::/32")).denies()).isTrue();
    }

    @Test
    void eqIsBothBoundsAndRepeatedBoundsNarrow() throws ConfigException {
        DaemonConfig c = Samples.config("in le 64 le 56 ge 40 ge 48 deny");
        Filter f = c.filters().rules(FilterKind.IN).getFirst();
        assertThat(f.minLength()).isEqualTo(48);
        assertThat(f.maxLength()).isEqualTo(56);
        assertThat(in(c, learned("2001:db8::/48")).denies()).isTrue();
        assertThat(in(c, learned("2001:db8::/57")).denies()).isFalse();
    }

    @Test
    void sourceSelectorsLookAtTheSourcePrefix() throws ConfigException {
        DaemonConfig c = Samples.config("in src-ip 2001:db8:f::/48 deny");
        assertThat(in(c, RouteDescription.learned(key("::/0", "2001:db8:f::/56"), NEIGH, ID, "eth0")).denies())
                .isTrue();
        assertThat(in(c, RouteDescription.learned(key("::/0", "2001:db8:e::/56"), NEIGH, ID, "eth0")).denies())
                .isFalse();
        assertThat(in(c, learned("::/0")).denies()).isFalse();
    }

    @Test
    void neighbourRouterIdAndInterfaceMustAllMatch() throws ConfigException {
        DaemonConfig c = Samples.config(
                "in neigh fe80::1 id 02:00:00:ff:fe:00:00:01 if eth0 deny");
        assertThat(in(c, learned("2001:db8::/32")).denies()).isTrue();
        assertThat(in(c, RouteDescription.learned(key("2001:db8::/32"), IpAddress.parse("fe80::2"), ID, "eth0"))
                        .denies())
                .isFalse();
        assertThat(in(c, RouteDescription.learned(key("2001:db8::/32"), NEIGH, new RouterId(7), "eth0")).denies())
                .isFalse();
        assertThat(in(c, RouteDescription.learned(key("2001:db8::/32"), NEIGH, ID, "eth1")).denies()).isFalse();
    }

    @Test
    void neighSelectorNeverMatchesOutsideInRules() throws ConfigException {
        DaemonConfig c = Samples.config("out neigh fe80::1 deny");
        assertThat(c.filters().evaluate(FilterKind.OUT, RouteDescription.announced(key("2001:db8::/32"), ID, "eth0")))
                .isEqualTo(FilterAction.ALLOW);
    }

    @Test
    void redistributeWithoutProtoTakesEveryKernelRouteExceptLocalAndBoot() throws ConfigException {
        DaemonConfig c = Samples.config("redistribute metric 128");
        var filters = c.filters();
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.kernel(key("10.0.0.0/24"), 2, "eth0"))
                        .metric())
                .isEqualTo(128);
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.kernel(key("10.0.0.0/24"), 4, "eth0"))
                        .metric())
                .isEqualTo(128);
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.kernel(key("10.0.0.0/24"), 3, "eth0"))
                        .denies())
                .isTrue();
        // the local address falls through to the implicit "redistribute local allow": metric 0
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.localAddress(key("10.0.0.1/32"), "eth0"))
                        .metric())
                .isZero();
    }

    @Test
    void protoAndLocalSelectOnlyTheirRoutes() throws ConfigException {
        DaemonConfig c = Samples.config("redistribute proto 3 metric 300", "redistribute local metric 7");
        var filters = c.filters();
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.kernel(key("10.0.0.0/24"), 3, "eth0"))
                        .metric())
                .isEqualTo(300);
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.kernel(key("10.0.0.0/24"), 2, "eth0"))
                        .denies())
                .isTrue();
        assertThat(filters.evaluate(FilterKind.REDISTRIBUTE, RouteDescription.localAddress(key("10.0.0.1/32"), "lo"))
                        .metric())
                .isEqualTo(7);
    }

    @Test
    void redistributeActionCarriesTheSourcePrefixAndInstallActionTheTableAndPreferredSource()
            throws ConfigException {
        DaemonConfig c = Samples.config(
                "redistribute ip ::/0 eq 0 src-prefix 2001:db8:f::/48",
                "install ip 2001:db8::/32 table 100 pref-src 2001:db8::1");
        FilterAction r = c.filters().evaluate(FilterKind.REDISTRIBUTE, RouteDescription.kernel(key("::/0"), 4, "eth0"));
        assertThat(r.metric()).isZero();
        assertThat(r.sourcePrefix()).isEqualTo(Prefix.parse("2001:db8:f::/48"));
        FilterAction i = c.filters().evaluate(FilterKind.INSTALL,
                RouteDescription.toInstall(key("2001:db8:1::/48"), ID, "eth0"));
        assertThat(i.table()).isEqualTo(100);
        assertThat(i.preferredSource()).isEqualTo(IpAddress.parse("2001:db8::1"));
        // the src-prefix made the rule IPv6-only
        assertThat(c.filters().evaluate(FilterKind.REDISTRIBUTE,
                        RouteDescription.kernel(key("0.0.0.0/0"), 4, "eth0")).denies())
                .isTrue();
    }

    @Test
    void installDenyKeepsTheRouteOutOfTheKernel() throws ConfigException {
        DaemonConfig c = Samples.config("install id 02:00:00:ff:fe:00:00:01 deny");
        assertThat(c.filters().evaluate(FilterKind.INSTALL, RouteDescription.toInstall(key("10.0.0.0/8"), ID, "eth0"))
                        .denies())
                .isTrue();
        assertThat(c.filters().evaluate(FilterKind.INSTALL,
                        RouteDescription.toInstall(key("10.0.0.0/8"), new RouterId(9), "eth0")).denies())
                .isFalse();
    }

    @Test
    void metricOfInfinityIsADeny() throws ConfigException {
        DaemonConfig c = Samples.config("out metric 65535");
        assertThat(c.filters().evaluate(FilterKind.OUT, RouteDescription.announced(key("10.0.0.0/8"), ID, "eth0"))
                        .denies())
                .isTrue();
    }

    @Test
    void rulesFromLaterLinesComeAfterEarlierOnesAndImplicitRulesLast() throws ConfigException {
        DaemonConfig c = Samples.config("redistribute ip 10.0.0.0/8 allow", "install deny", "redistribute deny");
        assertThat(c.filters().rules(FilterKind.REDISTRIBUTE)).extracting(Filter::statement)
                .containsExactly("redistribute ip 10.0.0.0/8 allow", "redistribute deny", "redistribute local allow");
        assertThat(c.filters().rules(FilterKind.INSTALL)).extracting(Filter::statement)
                .containsExactly("install deny", "install allow");
    }
}
