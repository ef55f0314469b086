package org.jbabel.linux;

/** Numbers from the Linux netlink and rtnetlink headers (uapi linux/netlink.h, rtnetlink.h, if_link.h ...). */
final class Rtnl {
    private Rtnl() {}

    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_DELNEIGH = 29;
    static final int RTM_GETNEIGH = 30;
    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int RTMSG_LEN = 12;
    static final int RTA_DST = 1;
    static final int RTA_SRC = 2;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;
    static final int RTA_VIA = 18;

    static final int RTN_UNICAST = 1;
    static final int RTN_LOCAL = 2;
    static final int RTN_BLACKHOLE = 6;
    static final int RTN_UNREACHABLE = 7;
    static final int RTN_PROHIBIT = 8;

    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_NOWHERE = 255;
    /** rtm_table when the real table number (> 255) is in RTA_TABLE. */
    static final int RT_TABLE_COMPAT = 252;

    static final int RTNH_F_ONLINK = 0x4;
    static final int RTM_F_CLONED = 0x200;
    /** struct rtnexthop: len, flags, hops, ifindex. */
    static final int RTNH_LEN = 8;

    /** struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action, flags. */
    static final int FIB_RULE_HDR_LEN = 12;
    static final int FRA_DST = 1;
    static final int FRA_SRC = 2;
    static final int FRA_IIFNAME = 3;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_TUN_ID = 12;
    static final int FRA_SUPPRESS_IFGROUP = 13;
    static final int FRA_SUPPRESS_PREFIXLEN = 14;
    static final int FRA_TABLE = 15;
    static final int FRA_OIFNAME = 17;
    static final int FRA_L3MDEV = 19;
    static final int FRA_UID_RANGE = 20;
    static final int FRA_PROTOCOL = 21;
    static final int FRA_IP_PROTO = 22;
    static final int FRA_SPORT_RANGE = 23;
    static final int FRA_DPORT_RANGE = 24;
    static final int FR_ACT_TO_TBL = 1;
    static final int FIB_RULE_INVERT = 0x2;
    /** Selectors a rule of {@code KernelRule}'s shape does not have: a rule with any of them is not listed. */
    static final int[] FRA_OTHER_SELECTORS = {FRA_DST, FRA_IIFNAME, FRA_FWMARK, FRA_TUN_ID, FRA_OIFNAME, FRA_L3MDEV,
        FRA_UID_RANGE, FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE};
    /** Suppressors the kernel dumps on every rule, 0xFFFFFFFF (-1) when unset; a rule with one set is not listed. */
    static final int[] FRA_SUPPRESSORS = {FRA_SUPPRESS_IFGROUP, FRA_SUPPRESS_PREFIXLEN};
    static final long FRA_SUPPRESS_UNSET = 0xFFFF_FFFFL;

    static final int IFINFOMSG_LEN = 16;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_MASTER = 10;
    static final int IFLA_LINK = 5;
    static final int IFLA_AF_SPEC = 26;
    static final int IFLA_INFO_DATA = 2;
    static final int IFLA_MACVLAN_MODE = 1;
    static final int MACVLAN_MODE_BRIDGE = 4;
    static final int IFLA_INET6_ADDR_GEN_MODE = 8;
    static final int IN6_ADDR_GEN_MODE_NONE = 1;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_NOARP = 0x80;
    /** In IFLA_INFO_DATA of a veth: the peer, a struct ifinfomsg and its attributes. */
    static final int VETH_INFO_PEER = 1;

    /** struct ndmsg: family, pad, pad, ifindex, state, flags, type. */
    static final int NDMSG_LEN = 12;
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int NDA_MASTER = 9;
    static final int AF_BRIDGE = 7;
    static final int NTF_SELF = 0x02;
    /** ndm_flags of a proxy entry. */
    static final int NTF_PROXY = 0x08;
    static final int NUD_PERMANENT = 0x80;

    static final int IFADDRMSG_LEN = 8;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_NODAD = 0x02;
    static final int IFA_F_TENTATIVE = 0x40;

    static final int ARPHRD_LOOPBACK = 772;
    static final int ARPHRD_NONE = 0xFFFE;
    static final int ARPHRD_PPP = 512;
    static final int ARPHRD_RAWIP = 519;
    static final int ARPHRD_TUNNEL = 768;
    static final int ARPHRD_TUNNEL6 = 769;
    static final int ARPHRD_SIT = 776;
    static final int ARPHRD_IPGRE = 778;
    static final int ARPHRD_IP6GRE = 823;

    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_NEIGH = 0x4;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV4_ROUTE = 0x40;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    static final int RTMGRP_IPV6_ROUTE = 0x400;

    static int align(int length) {
        return (length + 3) & ~3;
    }
}
