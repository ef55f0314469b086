package org.jbabel.engine;

import java.util.Iterator;
import java.util.LinkedHashSet;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.IpAddress;

/**
 * What a neighbour gets when it first becomes bidirectional: the wildcard retraction that makes it forget
 * routes it may still have through a previous incarnation of us (once per neighbour and engine), and our table (fast
 * start). Unsolicited unicast to a new address makes the kernel resolve it, so these packets share a budget
 * ({@link EngineLimits#welcomeBurst}, {@link EngineLimits#welcomeInterval}): past it, the table goes to the group
 * instead and the retraction waits its turn. A neighbour alone on its interface (a point-to-point link or tunnel) gets
 * both by multicast instead, outside the budget: the group is that neighbour, and multicast resolves no address.
 */
final class Welcomes {
    private final EngineConfig config;
    private final EngineClock clock;
    private final Announcer announcer;
    private final Outbox outbox;
    private final Neighbours neighbours;
    private final EngineCounters counters;
    /** Neighbours (interface%address) this engine has told to forget the routes they had through us. */
    private final LinkedHashSet<String> toldToForget = new LinkedHashSet<>();
    /** Neighbours still owed that retraction, waiting for the unicast budget. */
    private final LinkedHashSet<Neighbour> welcomesDue = new LinkedHashSet<>();
    /** The unicast budget for new neighbours: the time it is spent up to (a virtual clock, see takeWelcome). */
    private long welcomeClock = Long.MIN_VALUE;

    Welcomes(EngineConfig config, EngineClock clock, Announcer announcer, Outbox outbox, Neighbours neighbours,
            EngineCounters counters) {
        this.config = config;
        this.clock = clock;
        this.announcer = announcer;
        this.outbox = outbox;
        this.neighbours = neighbours;
        this.counters = counters;
    }

    /**
     * A neighbour became bidirectional. The first time this engine reaches it, the neighbour may still hold routes
     * through us from before we (re)started: our start-up retraction can have been lost (the link was down then).
     * Those routes describe state we no longer have and can form a loop through us, so we retract them all, before
     * anything else we tell it; our table follows in the same packet (fast start). Once per neighbour and engine:
     * after a mere interface flap our routes there are still ours. A neighbour alone on its interface gets both by
     * multicast ({@link #alone}); to others they go by unicast, and each unicast to a new address makes the kernel
     * resolve it, so these packets are budgeted ({@link #takeWelcome}): past the budget, the table goes to the
     * group instead and the retraction waits for the budget ({@link #sendDue}).
     */
    void welcome(Neighbour n) {
        boolean owesRetraction = !toldToForget.contains(forgetKey(n));
        if (!owesRetraction && !config.fastStart()) {
            return;
        }
        IpAddress to;
        if (alone(n)) {
            to = IpAddress.BABEL_GROUP;
        } else if (takeWelcome(n)) {
            to = n.address;
        } else {
            counters.increment(Counter.UNICAST_WELCOME_DEFERRED);
            if (owesRetraction) {
                welcomesDue.add(n);
            }
            if (config.fastStart()) {
                announcer.dumpToGroupInstead(n.iface);
            }
            return;
        }
        if (owesRetraction) {
            tellToForget(n, to);
        }
        if (config.fastStart()) {
            announcer.dumpTo(n, to);
        }
    }

    /**
     * A neighbour that sent a wildcard request gets our table by unicast if it is bidirectional (within the budget;
     * else the group gets it), at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}.
     */
    void dumpOnRequest(Neighbour n) {
        if (n.bidirectional() && !announcer.dumpHeldOff(n)) {
            if (takeWelcome(n)) {
                announcer.dumpTo(n, n.address);
            } else {
                counters.increment(Counter.UNICAST_WELCOME_DEFERRED);
                announcer.dumpToGroupInstead(n.iface);
            }
        }
    }

    /**
     * Whether the neighbour is the only one on its interface, which has multicast: what we send to the group reaches
     * it and nobody else (today), without a unicast address to resolve. A retraction that waited for the budget would
     * reach such a neighbour after our table did (by the group) and take every route it learned from us since, and
     * its seqno requests for all of them would make every origin in the mesh raise its seqno (issue 11: the degree-42
     * to 78 gateways of the Freifunk maps did this twice a second for half a minute).
     */
    private boolean alone(Neighbour n) {
        return !n.iface.config().unicastOnly() && neighbours.count(n.ifname()) == 1;
    }

    /** A neighbour is forgotten: it is owed nothing any more. */
    void forget(Neighbour n) {
        welcomesDue.remove(n);
    }

    private static String forgetKey(Neighbour n) {
        return n.ifname() + "%" + n.address;
    }

    /** Sends a neighbour the wildcard retraction it is owed (to {@code to}), and remembers that it was told. */
    private void tellToForget(Neighbour n, IpAddress to) {
        toldToForget.add(forgetKey(n));
        if (toldToForget.size() > BabelConstants.MAX_REMEMBERED_NEIGHBOURS) {
            toldToForget.remove(toldToForget.getFirst());
        }
        outbox.add(n.iface, to, announcer.wildcardRetraction(), clock.urgent());
    }

    /** Sends the retractions that waited for the unicast budget, in the order they were owed, as far as it allows. */
    void sendDue() {
        Iterator<Neighbour> it = welcomesDue.iterator();
        while (it.hasNext()) {
            Neighbour n = it.next();
            if (!takeWelcome(n)) {
                return;
            }
            it.remove();
            if (!toldToForget.contains(forgetKey(n))) {
                tellToForget(n, n.address);
            }
        }
    }

    /**
     * Whether one more unsolicited unicast packet may go to a neighbour now: configured neighbours always, others
     * within {@link EngineLimits#welcomeBurst} at once, refilled one per {@link EngineLimits#welcomeInterval}.
     */
    private boolean takeWelcome(Neighbour n) {
        if (n.iface.config().neighbours().contains(n.address)) {
            return true;
        }
        long now = clock.now();
        EngineLimits limits = config.limits();
        long spentUpTo = Math.max(welcomeClock, now);
        if (spentUpTo - now > (limits.welcomeBurst() - 1) * limits.welcomeInterval()) {
            return false;
        }
        welcomeClock = spentUpTo + limits.welcomeInterval();
        return true;
    }
}
