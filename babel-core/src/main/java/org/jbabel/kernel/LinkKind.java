package org.jbabel.kernel;

import org.jbabel.engine.InterfaceType;

/** What kind of link an interface is, as far as the kernel tells (babeld's {@code type auto}). */
public enum LinkKind {
    /** Ethernet and everything else that is neither wireless nor a tunnel. */
    WIRED,
    /** An 802.11 interface: {@code /sys/class/net/NAME/wireless} or {@code phy80211} exists. */
    WIRELESS,
    /** A layer-3 tunnel: WireGuard and tun (ARPHRD_NONE), IP-in-IP, SIT, GRE, IPv6 tunnels, PPP. */
    TUNNEL,
    /** The loopback interface. */
    LOOPBACK;

    /** The Babel interface type to use when the configuration does not say. */
    public InterfaceType interfaceType() {
        return switch (this) {
            case WIRELESS -> InterfaceType.WIRELESS;
            case TUNNEL -> InterfaceType.TUNNEL;
            case WIRED, LOOPBACK -> InterfaceType.WIRED;
        };
    }
}
