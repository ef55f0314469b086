package org.jbabel.sim;

import java.util.random.RandomGenerator;

/**
 * The channel of a simulated link: up or down, and a loss probability per direction (a → b and b → a, in the
 * order of the topology's link ends). A down link drops everything.
 */
class SimLink {
    private boolean up = true;
    private double lossAtoB;
    private double lossBtoA;

    SimLink(double lossAtoB, double lossBtoA) {
        setLoss(lossAtoB, lossBtoA);
    }

    final boolean up() {
        return up;
    }

    final void setUp(boolean up) {
        this.up = up;
    }

    final void setLoss(double atoB, double btoA) {
        if (!(atoB >= 0 && atoB <= 1 && btoA >= 0 && btoA <= 1)) {
            throw new IllegalArgumentException("loss must be in 0..1, not " + atoB + " / " + btoA);
        }
        lossAtoB = atoB;
        lossBtoA = btoA;
    }

    /**
     * Whether one datagram sent from end a ({@code fromA}) or end b is lost. Draws from {@code random} only when
     * the link is up and the direction's loss is strictly between 0 and 1, so lossless runs use no random numbers
     * for the links.
     */
    final boolean drops(boolean fromA, RandomGenerator random) {
        if (!up) {
            return true;
        }
        double loss = fromA ? lossAtoB : lossBtoA;
        if (loss <= 0) {
            return false;
        }
        return loss >= 1 || random.nextDouble() < loss;
    }
}
