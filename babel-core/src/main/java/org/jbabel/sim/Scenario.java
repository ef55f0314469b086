package org.jbabel.sim;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jbabel.wire.RouteKey;

/**
 * The script of a {@link Simulation}: the failures, recoveries, loss changes, restarts, originations and
 * withdrawals scheduled through its API, and the random disruptions of {@link SimConfig#failLinks()} and
 * {@link SimConfig#restartNodes()}, drawn once the mesh first converged. Counts the scripted events still pending:
 * the run does not end before they ran.
 */
final class Scenario {

    private final Timeline timeline;
    private final LinkLayer links;
    private final SimConfig config;
    private final SplittableRandom random;
    private int pending;
    private boolean disruptionsScheduled;

    /** {@code random} draws the disruptions (shared with the other parts: one generator per run). */
    Scenario(Timeline timeline, LinkLayer links, SimConfig config, SplittableRandom random) {
        this.timeline = timeline;
        this.links = links;
        this.config = config;
        this.random = random;
    }

    void linkState(long at, int link, boolean up) {
        script(at, new SimEvent.LinkState(links.checkLink(link), up));
    }

    void interfaceDown(long at, int node, int link) {
        script(at, new SimEvent.InterfaceState(links.checkNode(node), links.checkPort(node, link), false, 0));
    }

    void interfaceUp(long at, int node, int link, long dad) {
        if (dad < 0) {
            throw new IllegalArgumentException("negative DAD delay");
        }
        script(at, new SimEvent.InterfaceState(links.checkNode(node), links.checkPort(node, link), true, dad));
    }

    void linkLoss(long at, int link, double lossAtoB, double lossBtoA) {
        if (!(lossAtoB >= 0 && lossAtoB <= 1 && lossBtoA >= 0 && lossBtoA <= 1)) {
            throw new IllegalArgumentException("loss must be in 0..1");
        }
        script(at, new SimEvent.LinkLoss(links.checkLink(link), lossAtoB, lossBtoA));
    }

    void restart(long at, int node) {
        script(at, new SimEvent.Restart(links.checkNode(node)));
    }

    void originate(long at, int node, RouteKey key, int metric) {
        script(at, new SimEvent.Originate(links.checkNode(node), key, metric));
    }

    void withdraw(long at, int node, RouteKey key) {
        script(at, new SimEvent.Withdraw(links.checkNode(node), key));
    }

    /** Schedules scripted event {@code e} at {@code at}; the event calls {@link #ran()} when it runs. */
    void script(long at, SimEvent e) {
        if (at < timeline.now()) {
            throw new IllegalArgumentException("cannot schedule in the past: " + at + " < " + timeline.now());
        }
        pending++;
        timeline.at(at, e);
    }

    /** A scripted event ran. */
    void ran() {
        pending--;
    }

    /** True when no scripted event is pending and no random disruption is still to be drawn. */
    boolean done() {
        boolean disruptionsDue = (config.failLinks() > 0 || config.restartNodes() > 0) && !disruptionsScheduled;
        return pending == 0 && !disruptionsDue;
    }

    /**
     * Draws the random disruptions once (at the first convergence): {@link SimConfig#failLinks()} distinct links go
     * down for {@link SimConfig#downTime()} and {@link SimConfig#restartNodes()} distinct nodes restart, each at a
     * time within {@link SimConfig#disruptWindow()} from now.
     */
    void scheduleDisruptions() {
        if (disruptionsScheduled) {
            return;
        }
        disruptionsScheduled = true;
        long now = timeline.now();
        for (int k : pick(config.failLinks(), links.linkCount())) {
            long at = now + random.nextLong(Math.max(1, config.disruptWindow()));
            linkState(at, k, false);
            linkState(at + config.downTime(), k, true);
        }
        for (int i : pick(config.restartNodes(), links.nodeCount())) {
            restart(now + random.nextLong(Math.max(1, config.disruptWindow())), i);
        }
    }

    /** {@code count} distinct indices below {@code bound} (all of them when count ≥ bound), chosen by the seed. */
    private int[] pick(int count, int bound) {
        int[] all = new int[bound];
        for (int i = 0; i < bound; i++) {
            all[i] = i;
        }
        int m = Math.min(count, bound);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(bound - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, m);
    }
}
