package org.jbabel.roaming.prefixd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;

/**
 * prefixd (docs/ROAMING.md, "prefixd"): on a node with an uplink it originates a source-specific default route per
 * uplink prefix; on a node with clients it offers them the nearest uplink prefixes by Router Advertisements from the
 * next-node address, deprecating at once a prefix whose route went away.
 */
public final class Prefixd implements Extension {

    /** Unsolicited RAs: every this many seconds, jittered by ±25 %. */
    static final long RA_INTERVAL_SECONDS = 60;
    /** Router lifetime in the RAs (Gluon's {@code --default-lifetime 900}). */
    static final int ROUTER_LIFETIME = 900;
    static final long VALID_LIFETIME = 7_200;
    static final long PREFERRED_LIFETIME = 3_600;
    /** A prefix is replaced only by one at least this much nearer. */
    static final int HYSTERESIS = 256;
    /** Answers to Router Solicitations: at most one per this many seconds (RFC 4861 §6.2.6). */
    static final long SOLICITED_MIN_SECONDS = 3;
    private static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");
    private static final long SECOND = 1_000_000_000L;

    private final PrefixdSettings settings;
    private final RandomGenerator random;
    private final PrefixChoice choice;
    private ClientLink client;
    private ExtensionContext c;
    private boolean uplinkUp;
    private UdpSocket ra;
    private int raIfindex;
    private ExtensionContext.Timer periodic;
    private ExtensionContext.Timer expiry;
    private long lastSolicited = Long.MIN_VALUE;
    private final Set<Prefix> offered = new HashSet<>();

    public Prefixd(PrefixdSettings settings) {
        this(settings, RandomGenerator.getDefault());
    }

    public Prefixd(PrefixdSettings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
        this.choice = new PrefixChoice(settings.maxPrefixes(), settings.maxMetric(), HYSTERESIS,
                VALID_LIFETIME * SECOND);
    }

    /** Connects the node's client side; without one prefixd is a pure uplink and sends no RAs. Before start. */
    public void setClientLink(ClientLink link) {
        this.client = link;
    }

    @Override
    public void start(ExtensionContext context) throws IOException {
        this.c = context;
        if (!settings.uplinkPrefixes().isEmpty()) {
            if (settings.uplinkInterface() == null) {
                setUplink(true);
            } else {
                c.kernel().onAddress((a, added) -> checkUplink());
                checkUplink();
            }
        }
        if (client != null) {
            ra = c.network().icmp6(client.interfaceName(), Set.of(RouterAdvertisement.ROUTER_SOLICITATION),
                    this::solicited);
            raIfindex = c.kernel().ifindex(client.interfaceName());
            c.babel().onRouteChange(change -> choose());
            choose();
            scheduleUnsolicited();
            advertise();
        }
    }

    // ---- uplink ----

    private void checkUplink() {
        boolean up = false;
        try {
            int index = c.kernel().ifindex(settings.uplinkInterface());
            for (InterfaceAddress a : c.kernel().addresses()) {
                if (a.ifindex() == index && a.address().family() == Family.V6 && !a.address().isLinkLocal()
                        && a.address().canBeNextHop()) {
                    up = true;
                    break;
                }
            }
        } catch (IOException e) {
            up = false; // no such interface (yet): no uplink
        }
        setUplink(up);
    }

    private void setUplink(boolean up) {
        if (up == uplinkUp) {
            return;
        }
        uplinkUp = up;
        for (Prefix p : settings.uplinkPrefixes()) {
            RouteKey key = new RouteKey(Prefix.V6_DEFAULT, p);
            if (up) {
                c.babel().originate(key, settings.uplinkMetric());
            } else {
                c.babel().withdraw(key);
            }
        }
        c.log().info("uplink " + (up ? "up: originating" : "down: withdrawing") + " ::/0 from "
                + settings.uplinkPrefixes());
        c.counters().increment(up ? "uplink_up" : "uplink_down");
    }

    // ---- client side ----

    /** Chooses again from the source-specific defaults in use; advertises at once when the offer changed. */
    private void choose() {
        Map<Prefix, Integer> candidates = new LinkedHashMap<>();
        for (SelectedRoute r : c.babel().selectedRoutes()) {
            RouteKey k = r.key();
            if (k.prefix().equals(Prefix.V6_DEFAULT) && k.sourceSpecific()) {
                candidates.merge(k.source(), r.metric(), Math::min);
            }
        }
        if (choice.update(c.now(), candidates)) {
            tellClientSide();
            advertise();
        }
        scheduleExpiry();
    }

    private void tellClientSide() {
        Set<Prefix> now = new HashSet<>();
        choice.offers().forEach(o -> now.add(o.prefix()));
        for (Prefix p : now) {
            if (offered.add(p)) {
                client.prefixOffered(p, true);
            }
        }
        for (Prefix p : List.copyOf(offered)) {
            if (!now.contains(p)) {
                offered.remove(p);
                client.prefixOffered(p, false);
            }
        }
    }

    private void scheduleExpiry() {
        if (expiry != null) {
            expiry.cancel();
            expiry = null;
        }
        long at = choice.nextExpiry();
        if (at >= 0) {
            expiry = c.schedule(Math.max(0, at - c.now()), this::choose);
        }
    }

    private void scheduleUnsolicited() {
        long quarter = RA_INTERVAL_SECONDS * SECOND / 4;
        long delay = RA_INTERVAL_SECONDS * SECOND - quarter + random.nextLong(2 * quarter + 1);
        periodic = c.schedule(delay, () -> {
            advertise();
            scheduleUnsolicited();
        });
    }

    private void solicited(Network.Datagram d) {
        if (d.data().length < 8 || (d.data()[0] & 0xff) != RouterAdvertisement.ROUTER_SOLICITATION) {
            c.counters().increment("malformed_solicitation");
            return;
        }
        c.counters().increment("solicitations");
        long now = c.now();
        if (lastSolicited != Long.MIN_VALUE && now - lastSolicited < SOLICITED_MIN_SECONDS * SECOND) {
            c.counters().increment("solicitations_rate_limited");
            return;
        }
        lastSolicited = now;
        advertise();
    }

    /** The RA as it would go out now. */
    RouterAdvertisement advertisement() {
        long now = c.now();
        List<RouterAdvertisement.PrefixInfo> infos = new ArrayList<>();
        Set<Prefix> seen = new HashSet<>();
        for (Prefix p : client.staticPrefixes()) {
            if (p.family() == Family.V6 && p.length() == 64 && seen.add(p)) {
                infos.add(new RouterAdvertisement.PrefixInfo(p, false, true, VALID_LIFETIME, PREFERRED_LIFETIME));
            }
        }
        for (PrefixChoice.Offer o : choice.offers()) {
            if (!seen.add(o.prefix())) {
                continue;
            }
            if (o.deprecated()) {
                long left = Math.max(0, VALID_LIFETIME - (now - o.deprecatedAt()) / SECOND);
                infos.add(new RouterAdvertisement.PrefixInfo(o.prefix(), false, true, left, 0));
            } else {
                infos.add(new RouterAdvertisement.PrefixInfo(o.prefix(), false, true, VALID_LIFETIME,
                        PREFERRED_LIFETIME));
            }
        }
        return new RouterAdvertisement(64, ROUTER_LIFETIME, client.routerMac(), infos);
    }

    private void advertise() {
        if (ra == null) {
            return;
        }
        if (ra.send(ALL_NODES, 0, raIfindex, advertisement().toBytes())) {
            c.counters().increment("advertisements");
        } else {
            c.counters().increment("advertisements_dropped");
        }
    }

    @Override
    public void stop() {
        // The host withdraws the originated routes and closes the socket. Clients keep the prefixes until their
        // lifetimes end, as after any router's crash; a goodbye RA with lifetime 0 would take the default router
        // away from clients of a node that is only restarting.
        if (periodic != null) {
            periodic.cancel();
        }
        if (expiry != null) {
            expiry.cancel();
        }
    }
}
