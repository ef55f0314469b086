package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.Time;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

class LimitReporterTest {

    @Test
    void refusalsAreLoggedAtMostOncePerIntervalWithTheirCountSinceTheLastLineAndTheLimit() {
        EngineLimits limits = EngineLimits.defaults().withRoutes(2, 1000);
        BabelEngine engine = new BabelEngine(new RouterId(1), 1, EngineConfig.defaults().withLimits(limits),
                new SplittableRandom(1));
        long t = Time.seconds(1000);
        engine.interfaceUp(t, InterfaceConfig.of("eth0", 2, IpAddress.parse("fe80::1"), 1500, InterfaceType.WIRED));
        List<String> lines = new ArrayList<>();
        LimitReporter reporter = new LimitReporter(limits, lines::add);

        announce(engine, t, 0, 5);
        reporter.check(engine.counters(), t);
        assertThat(lines).containsExactly("3 routes refused: their neighbour has the most routes allowed (limit 2 per "
                + "neighbour) [route_limit 3]");

        announce(engine, t, 10, 4);
        reporter.check(engine.counters(), t + Time.seconds(5));
        reporter.check(engine.counters(), t + LimitReporter.INTERVAL - 1);
        assertThat(lines).as("not again within the interval").hasSize(1);
        reporter.check(engine.counters(), t + LimitReporter.INTERVAL);
        assertThat(lines).hasSize(2).last().asString().startsWith("4 routes refused").endsWith("[route_limit 7]");
        reporter.check(engine.counters(), t + 3 * LimitReporter.INTERVAL);
        assertThat(lines).as("nothing new, nothing logged").hasSize(2);
    }

    private static void announce(BabelEngine engine, long t, int first, int count) {
        List<Tlv> tlvs = new ArrayList<>();
        for (int k = first; k < first + count; k++) {
            Prefix p = Prefix.host(IpAddress.v6(0x2001_0db8_0000_0000L, k));
            tlvs.add(new Tlv.Update(AddressEncoding.IPV6, 0, p, Prefix.zero(p.family()), 400, 1, 0, new RouterId(9),
                    null, List.of()));
        }
        engine.receive(t, "eth0", IpAddress.parse("fe80::2"), IpAddress.BABEL_GROUP, Packet.of(tlvs));
    }
}
