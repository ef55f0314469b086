package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RuleChange;
import org.jbabel.kernel.RuleResult;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinuxFib}'s policy-routing rules against the real kernel, in a fresh network namespace per test. */
class LinuxRulesTest {

    private NetworkNamespace ns;
    private LinuxFib fib;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        ns = NetworkNamespace.create();
        fib = ns.inside(LinuxFib::new);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (fib != null) {
                fib.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void ipv4RuleIsWrittenWithProtocolBabelAndReadBackInKernelOrder() throws Exception {
        KernelRule rule = KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10);

        RuleResult r = fib.applyRule(RuleChange.add(rule));

        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(ns.ip("-4", "rule", "show")).contains("100:\tfrom 192.168.0.0/16 lookup 10 proto babel");
        assertThat(fib.rules().stream().filter(k -> k.family() == Family.V4).toList()).containsExactly(
                new KernelRule(Family.V4, 0, Prefix.zero(Family.V4), 255, KernelRule.PROTOCOL_KERNEL), rule,
                new KernelRule(Family.V4, 32766, Prefix.zero(Family.V4), 254, KernelRule.PROTOCOL_KERNEL),
                new KernelRule(Family.V4, 32767, Prefix.zero(Family.V4), 253, KernelRule.PROTOCOL_KERNEL));
    }

    @Test
    void ipv6RuleToATableAbove255IsWritten() throws Exception {
        KernelRule rule = KernelRule.babel(Prefix.parse("2001:db8:ff::/56"), 4000, 100_000);

        assertThat(fib.applyRule(RuleChange.add(rule)).ok()).isTrue();

        assertThat(ns.ip("-6", "rule", "show")).contains("4000:\tfrom 2001:db8:ff::/56 lookup 100000 proto babel");
        assertThat(fib.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(rule);
    }

    @Test
    void duplicateAddReportsEexistAndRemovingAMissingRuleReportsEnoent() throws Exception {
        KernelRule rule = KernelRule.babel(Prefix.parse("10.0.0.0/8"), 101, 11);

        List<RuleResult> results = fib.applyRules(List.of(RuleChange.add(rule), RuleChange.add(rule),
                RuleChange.remove(rule), RuleChange.remove(rule)));

        assertThat(results).extracting(RuleResult::errno).containsExactly(0, Errno.EEXIST, 0, Errno.ENOENT);
        assertThat(ns.ip("-4", "rule", "show")).doesNotContain("10.0.0.0/8");
    }

    @Test
    void flushRemovesStaleBabelRulesAndLeavesOthers() throws Exception {
        ns.ip("-4", "rule", "add", "from", "10.9.0.0/16", "lookup", "12", "pref", "100", "protocol", "babel");
        ns.ip("-6", "rule", "add", "from", "2001:db8::/48", "lookup", "12", "pref", "100", "protocol", "babel");
        ns.ip("-4", "rule", "add", "from", "10.8.0.0/16", "lookup", "13", "pref", "200", "protocol", "static");

        int removed = fib.flushRules(KernelRoute.PROTOCOL_BABEL);

        assertThat(removed).isEqualTo(2);
        assertThat(ns.ip("rule", "show") + ns.ip("-6", "rule", "show")).doesNotContain("proto babel")
                .contains("from 10.8.0.0/16 lookup 13 proto static").contains("lookup main");
    }
}
