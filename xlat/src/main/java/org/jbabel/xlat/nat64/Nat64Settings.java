package org.jbabel.xlat.nat64;

import java.util.List;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * What the {@code nat64} statements say (docs/CONFIGURATION.md "nat64", docs/XLAT.md "Configuration").
 *
 * @param uplink the interface towards the IPv4 Internet
 * @param address the outside address A4, or null: the exit address DDHCP claims ({@code ddhcp exit})
 * @param metaprefix the metaprefix ({@code nat64 metaprefix}), or null: the {@code nat426} line's
 * @param sessionsMax at most this many sessions; each new one beyond is refused and counted
 * @param portLow the outside port range's first port
 * @param portHigh its last port
 * @param tunDevice {@code nat64 device tun}: the device is a TUN device, not the default veth pair read and written
 *     in batches ({@code Network.bulkTun}; docs/XLAT.md "Throughput")
 */
public record Nat64Settings(String uplink, IpAddress address, Prefix metaprefix, int sessionsMax, int portLow,
        int portHigh, boolean tunDevice) {

    public static final int SESSIONS_MAX = 65_536;
    public static final int PORT_LOW = 1024;
    public static final int PORT_HIGH = 65535;

    public Nat64Settings {
        if (uplink == null) {
            throw new IllegalArgumentException("nat64 needs an uplink");
        }
        if (metaprefix != null) {
            new ExitPrefix(metaprefix);
        }
        if (sessionsMax < 1 || sessionsMax > Nat64Sessions.SESSIONS_LIMIT || portLow < 1 || portLow > portHigh
                || portHigh > 65535) {
            throw new IllegalArgumentException("nat64 bounds out of range: sessions-max " + sessionsMax + ", ports "
                    + portLow + "-" + portHigh);
        }
    }

    /** The address plan, or null when the metaprefix comes from elsewhere. */
    public ExitPrefix exitPrefix() {
        return metaprefix == null ? null : new ExitPrefix(metaprefix);
    }

    /**
     * The settings of the parsed statements ({@link Nat64Statements#parse}) in file order; a later statement of a kind
     * replaces an earlier one.
     *
     * @throws IllegalArgumentException when there is no {@code nat64 exit uplink IF} statement
     */
    public static Nat64Settings from(List<Object> statements) {
        Nat64Statements.Exit exit = null;
        Prefix metaprefix = null;
        int sessionsMax = SESSIONS_MAX;
        int low = PORT_LOW;
        int high = PORT_HIGH;
        boolean tun = false;
        for (Object s : statements) {
            switch (s) {
                case Nat64Statements.Exit e -> exit = e;
                case Nat64Statements.Metaprefix m -> metaprefix = m.prefix();
                case Nat64Statements.SessionsMax m -> sessionsMax = m.sessions();
                case Nat64Statements.Ports p -> {
                    low = p.low();
                    high = p.high();
                }
                case Nat64Statements.Device d -> tun = d.tun();
                default -> throw new IllegalArgumentException("not a nat64 statement: " + s);
            }
        }
        if (exit == null) {
            throw new IllegalArgumentException("nat64 needs 'nat64 exit uplink IF [address A4]' (the other nat64"
                    + " statements only tune it)");
        }
        return new Nat64Settings(exit.uplink(), exit.address(), metaprefix, sessionsMax, low, high, tun);
    }
}
