package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

/**
 * babeld's link cost functions (RFC 8966 Appendix A): rxcost from a Hello history, 2-out-of-3 for wired
 * links and link quality (ETX) for wireless ones, and the combination of rxcost and txcost into a cost.
 */
public final class LinkCost {
    private LinkCost() {}

    /** The newest 12 Hellos: with none of them received the link is down. */
    private static final int RECENT_MASK = 0xFFF0;

    /**
     * Link-quality rxcost: the two newest Hellos weigh double; the estimate grows when the last Hello is older
     * than 40 s. {@code age} is the time since the last Hello.
     */
    public static int linkQualityRxcost(int reach, int nominal, long age) {
        if ((reach & RECENT_MASK) == 0 || age >= BabelConstants.RXCOST_HELLO_TIMEOUT) {
            return INFINITY;
        }
        int s = ((reach & 0x8000) != 0 ? 0x2000 : 0) + ((reach & 0x4000) != 0 ? 0x2000 : 0) + (reach & 0x3FFF);
        long cost = (0x8000L * nominal) / (s + 1);
        if (age > BabelConstants.LQ_AGE_PENALTY_START) {
            long unit = BabelConstants.LQ_AGE_PENALTY_UNIT;
            cost = (cost * (age - unit) + unit / 2) / unit;
        }
        return (int) Math.min(INFINITY, cost);
    }

    /**
     * 2-out-of-3 rxcost: the link is usable when the two newest Hellos arrived, or one of them and the one
     * before; then the cost is the nominal one.
     */
    public static int twoOutOfThreeRxcost(int reach, int nominal, long age) {
        if ((reach & RECENT_MASK) == 0 || age >= BabelConstants.RXCOST_HELLO_TIMEOUT) {
            return INFINITY;
        }
        int newest = reach & 0xC000;
        boolean usable = newest == 0xC000 || (newest != 0 && (reach & 0x2000) != 0);
        return usable ? nominal : INFINITY;
    }

    /** rxcost of one Hello history on an interface of this type. */
    public static int rxcost(InterfaceType type, int reach, long age) {
        return rxcost(linkQuality(type), nominalRxcost(type), reach, age);
    }

    /** rxcost of one Hello history with the given estimator and nominal rxcost. */
    public static int rxcost(boolean linkQuality, int nominal, int reach, long age) {
        return linkQuality ? linkQualityRxcost(reach, nominal, age) : twoOutOfThreeRxcost(reach, nominal, age);
    }

    /**
     * The cost of a link: infinite when either direction is; the txcost on non-link-quality links and on good
     * wireless ones; otherwise the ETX-style product of the two, in 1/256 units.
     */
    public static int cost(InterfaceType type, int rxcost, int txcost) {
        return cost(linkQuality(type), rxcost, txcost);
    }

    /** {@link #cost(InterfaceType, int, int)} with the estimator given directly. */
    public static int cost(boolean linkQuality, int rxcost, int txcost) {
        if (rxcost >= INFINITY || txcost >= INFINITY) {
            return INFINITY;
        }
        if (!linkQuality || (rxcost < 256 && txcost < 256)) {
            return txcost;
        }
        long a = Math.max(txcost, 256);
        long b = Math.max(rxcost, 256);
        return (int) Math.min(INFINITY, (a * b + 128) >> 8);
    }

    /** Whether an interface type uses the link-quality estimator by default. */
    public static boolean linkQuality(InterfaceType type) {
        return type == InterfaceType.WIRELESS;
    }

    /** The default nominal rxcost of an interface type. */
    public static int nominalRxcost(InterfaceType type) {
        return linkQuality(type) ? BabelConstants.NOMINAL_RXCOST_WIRELESS : BabelConstants.NOMINAL_RXCOST_WIRED;
    }

    /** Whether routes are not announced back on the interface they were learned from, by default for a type. */
    public static boolean splitHorizon(InterfaceType type) {
        return type == InterfaceType.WIRED;
    }

    /** {@code a + b} capped at infinity. */
    public static int add(int a, int b) {
        return (int) Math.min(INFINITY, (long) a + b);
    }
}
