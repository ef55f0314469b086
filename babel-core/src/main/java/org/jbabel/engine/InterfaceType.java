package org.jbabel.engine;

/** Link types as babeld's {@code type} interface option knows them. */
public enum InterfaceType {
    /** Link-quality (ETX) cost, nominal rxcost 256, no split horizon. */
    WIRELESS,
    /** 2-out-of-3 cost, nominal rxcost 96, split horizon on. */
    WIRED,
    /** 2-out-of-3 cost, nominal rxcost 96, no split horizon, RTT timestamps and penalty. */
    TUNNEL,
    /** As wired but without split horizon (babeld's behaviour for undetected types). */
    AUTO
}
