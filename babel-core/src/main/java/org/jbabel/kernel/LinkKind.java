package org.jbabel.kernel;

/** What kind of link an interface is, as far as the kernel tells (babeld's {@code type auto}). */
public enum LinkKind {
    /** Ethernet and everything else that is neither wireless nor a tunnel. */
    WIRED,
    /** An 802.11 interface: {@code /sys/class/net/NAME/wireless} or {@code phy80211} exists. */
    WIRELESS,
    /** A layer-3 tunnel: WireGuard and tun (ARPHRD_NONE), IP-in-IP, SIT, GRE, IPv6 tunnels, PPP. */
    TUNNEL,
    /** The loopback interface. */
    LOOPBACK
}
