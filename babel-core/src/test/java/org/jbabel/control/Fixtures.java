package org.jbabel.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/** The state of node B in the observed babeld 1.12.1 transcript (docs of babeld's local interface), as records. */
final class Fixtures {

    static final NodeInfo NODE = new NodeInfo("jbabel-0.1.0", "node-b", RouterId.parse("02:00:00:ff:fe:00:00:0b"));
    static final IpAddress PEER = IpAddress.parse("fe80::404a:ceff:fe06:d2ca");
    static final RouterId A = RouterId.parse("02:00:00:ff:fe:00:00:0a");

    static final InterfaceEntry VB = new InterfaceEntry(
            "vb", true, IpAddress.parse("fe80::44d6:c7ff:fe78:62e5"), IpAddress.parse("10.1.0.2"));
    static final NeighbourEntry NEIGHBOUR = new NeighbourEntry(
            "559122b6eff0", PEER, "vb", 0xff80, 0x0000, 96, 96, new NeighbourEntry.Rtt(451, 0), 96);
    static final XrouteEntry XROUTE_V4 =
            new XrouteEntry(Prefix.parse("10.1.0.2/32"), Prefix.parse("0.0.0.0/0"), 0);
    static final XrouteEntry XROUTE_V6 =
            new XrouteEntry(Prefix.parse("2001:db8:b::1/128"), Prefix.parse("::/0"), 0);
    static final RouteEntry ROUTE_SS = new RouteEntry("559122b701c0", Prefix.parse("2001:db8:ff::/48"),
            Prefix.parse("2001:db8:a::/48"), true, A, 224, 128, PEER, "vb");
    static final RouteEntry ROUTE_V4 = new RouteEntry("559122b70260", Prefix.parse("192.0.2.1/32"),
            Prefix.parse("0.0.0.0/0"), true, A, 96, 0, PEER, "vb");

    /** The dump lines babeld 1.12.1 printed for this state, in order. */
    static final List<String> DUMP = List.of(
            "add interface vb up true ipv6 fe80::44d6:c7ff:fe78:62e5 ipv4 10.1.0.2",
            "add neighbour 559122b6eff0 address fe80::404a:ceff:fe06:d2ca if vb reach ff80 ureach 0000 rxcost 96 "
                    + "txcost 96 rtt 0.451 rttcost 0 cost 96",
            "add xroute 10.1.0.2/32-0.0.0.0/0 prefix 10.1.0.2/32 from 0.0.0.0/0 metric 0",
            "add xroute 2001:db8:b::1/128-::/0 prefix 2001:db8:b::1/128 from ::/0 metric 0",
            "add route 559122b701c0 prefix 2001:db8:ff::/48 from 2001:db8:a::/48 installed yes "
                    + "id 02:00:00:ff:fe:00:00:0a metric 224 refmetric 128 via fe80::404a:ceff:fe06:d2ca if vb",
            "add route 559122b70260 prefix 192.0.2.1/32 from 0.0.0.0/0 installed yes "
                    + "id 02:00:00:ff:fe:00:00:0a metric 96 refmetric 0 via fe80::404a:ceff:fe06:d2ca if vb");

    /** The monitor lines babeld 1.12.1 printed after the dump, as the neighbour went away. */
    static final List<String> EVENTS = List.of(
            "change route 559122b70260 prefix 192.0.2.1/32 from 0.0.0.0/0 installed yes id 02:00:00:ff:fe:00:00:0a "
                    + "metric 65535 refmetric 65535 via fe80::404a:ceff:fe06:d2ca if vb",
            "change neighbour 559122b6eff0 address fe80::404a:ceff:fe06:d2ca if vb reach 3ffe ureach 0000 "
                    + "rxcost 65535 txcost 96 rtt 0.451 rttcost 0 cost 65535",
            "change route 559122b70260 prefix 192.0.2.1/32 from 0.0.0.0/0 installed no id 02:00:00:ff:fe:00:00:0a "
                    + "metric 65535 refmetric 65535 via fe80::404a:ceff:fe06:d2ca if vb",
            "flush route 559122b70260 prefix 192.0.2.1/32 from 0.0.0.0/0 installed no id 02:00:00:ff:fe:00:00:0a "
                    + "metric 65535 refmetric 65535 via fe80::404a:ceff:fe06:d2ca if vb",
            "flush neighbour 559122b6eff0 address fe80::404a:ceff:fe06:d2ca if vb reach 0000 ureach 0000 "
                    + "rxcost 65535 txcost 96 rtt 0.451 rttcost 0 cost 65535");

    static StateSnapshot full() {
        return new StateSnapshot(NODE, List.of(VB), List.of(NEIGHBOUR), List.of(XROUTE_V4, XROUTE_V6),
                List.of(ROUTE_SS, ROUTE_V4), new TreeMap<>(Map.of("wire.malformed.bad-magic", 3L)));
    }

    private Fixtures() {}

    /** A daemon stand-in: a settable snapshot; applied statements are recorded; unknown interfaces are refused. */
    static final class FakeTarget implements ControlTarget {
        volatile StateSnapshot state = full();
        final List<RuntimeStatement> applied = new ArrayList<>();
        /** Register before the server starts; sections and commands then run on the server's executor. */
        final ExtensionControls extensions = new ExtensionControls();

        @Override
        public ExtensionControls extensions() {
            return extensions;
        }

        @Override
        public StateSnapshot snapshot() {
            return state;
        }

        @Override
        public Result apply(RuntimeStatement statement) {
            synchronized (applied) {
                applied.add(statement);
            }
            if (statement instanceof RuntimeStatement.FlushInterface f && !f.name().equals("vb")) {
                return Result.no("No such interface");
            }
            return Result.OK;
        }
    }
}
