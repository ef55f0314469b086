package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;
import org.jbabel.extension.KernelAccess;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.RouteType;
import org.jbabel.kernel.RuleChange;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * Turns {@link FibChange}s into rtnetlink requests and rtnetlink messages into {@link KernelRoute}s,
 * {@link Link}s and {@link InterfaceAddress}es. Bad input yields null and a count, never an exception.
 */
final class RtnlCodec {

    /** The sysfs test babeld-style detection uses: an 802.11 interface has one of these entries. */
    static final Predicate<String> SYSFS_WIRELESS = name -> !name.contains("/")
            && (Files.exists(Path.of("/sys/class/net", name, "wireless"))
                    || Files.exists(Path.of("/sys/class/net", name, "phy80211")));

    private final NetlinkCounters counters;
    private final Predicate<String> wireless;

    RtnlCodec(NetlinkCounters counters, Predicate<String> wireless) {
        this.counters = counters;
        this.wireless = wireless;
    }

    // ---- requests ----

    /** Appends the request for one change, asking for an ACK under {@code seq}. */
    static void writeChange(MessageBuilder b, FibChange change, int seq) {
        KernelRoute r = change.route();
        boolean remove = change.op() == FibChange.Op.REMOVE;
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | switch (change.op()) {
            case ADD -> Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL;
            case REPLACE -> Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE;
            case REMOVE -> 0;
        };
        boolean unicast = r.type() == RouteType.UNICAST;
        int scope = remove ? Rtnl.RT_SCOPE_NOWHERE
                : unicast && r.nextHop() == null ? Rtnl.RT_SCOPE_LINK : Rtnl.RT_SCOPE_UNIVERSE;
        int rtFlags = unicast && r.nextHop() != null && !remove ? Rtnl.RTNH_F_ONLINK : 0;
        b.begin(remove ? Rtnl.RTM_DELROUTE : Rtnl.RTM_NEWROUTE, flags, seq)
                .u8(family(r.family()))
                .u8(r.destination().length())
                .u8(r.source().length())
                .u8(0)
                .u8(r.table() < 256 ? r.table() : Rtnl.RT_TABLE_COMPAT)
                .u8(r.protocol())
                .u8(scope)
                .u8(routeType(r.type()))
                .u32(rtFlags);
        b.attrU32(Rtnl.RTA_TABLE, r.table());
        if (!r.destination().isZeroLength()) {
            b.attr(Rtnl.RTA_DST, r.destination().address().toBytes());
        }
        if (r.sourceSpecific()) {
            b.attr(Rtnl.RTA_SRC, r.source().address().toBytes());
        }
        b.attrU32(Rtnl.RTA_PRIORITY, (int) r.priority());
        if (r.preferredSource() != null) {
            b.attr(Rtnl.RTA_PREFSRC, r.preferredSource().toBytes());
        }
        if (unicast) {
            if (r.ifindex() != 0) {
                b.attrU32(Rtnl.RTA_OIF, r.ifindex());
            }
            if (r.v4ViaV6()) {
                byte[] via = new byte[18];
                ByteBuffer.wrap(via).order(java.nio.ByteOrder.nativeOrder()).putShort((short) Rtnl.AF_INET6);
                System.arraycopy(r.nextHop().toBytes(), 0, via, 2, 16);
                b.attr(Rtnl.RTA_VIA, via);
            } else if (r.nextHop() != null) {
                b.attr(Rtnl.RTA_GATEWAY, r.nextHop().toBytes());
            }
        }
        b.end();
    }

    /** Appends the request for one rule change, asking for an ACK under {@code seq}. */
    static void writeRuleChange(MessageBuilder b, RuleChange change, int seq) {
        KernelRule r = change.rule();
        boolean remove = change.op() == RuleChange.Op.REMOVE;
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (remove ? 0 : Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL);
        b.begin(remove ? Rtnl.RTM_DELRULE : Rtnl.RTM_NEWRULE, flags, seq)
                .u8(family(r.family()))
                .u8(0)
                .u8(r.source().length())
                .u8(0)
                .u8(r.table() < 256 ? r.table() : 0)
                .u8(0)
                .u8(0)
                .u8(Rtnl.FR_ACT_TO_TBL)
                .u32(0);
        b.attrU32(Rtnl.FRA_PRIORITY, (int) r.priority());
        if (!r.source().isZeroLength()) {
            b.attr(Rtnl.FRA_SRC, r.source().address().toBytes());
        }
        b.attrU32(Rtnl.FRA_TABLE, r.table());
        b.attr(Rtnl.FRA_PROTOCOL, new byte[] {(byte) r.protocol()});
        b.end();
    }

    /** Appends a dump request for routes, rules, links or addresses ({@code RTM_GET*}) of every family. */
    static void writeDump(MessageBuilder b, int type, int seq) {
        writeDump(b, type, seq, 0);
    }

    /** As {@link #writeDump(MessageBuilder, int, int)}, for the address family {@code family} only. */
    static void writeDump(MessageBuilder b, int type, int seq, int family) {
        b.begin(type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq);
        b.u8(family);
        int bodyLength = switch (type) {
            case Rtnl.RTM_GETLINK -> Rtnl.IFINFOMSG_LEN;
            case Rtnl.RTM_GETADDR -> Rtnl.IFADDRMSG_LEN;
            case Rtnl.RTM_GETRULE -> Rtnl.FIB_RULE_HDR_LEN;
            case Rtnl.RTM_GETNEIGH -> Rtnl.NDMSG_LEN;
            default -> Rtnl.RTMSG_LEN;
        };
        for (int i = 1; i < bodyLength; i++) {
            b.u8(0);
        }
        b.end();
    }

    /** Appends a request to add or replace ({@code remove} false) or to delete a neighbour entry, with an ACK. */
    static void writeNeighbour(MessageBuilder b, KernelAccess.Neighbour n, boolean remove, int seq) {
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (remove ? 0 : Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE);
        b.begin(remove ? Rtnl.RTM_DELNEIGH : Rtnl.RTM_NEWNEIGH, flags, seq)
                .u8(family(n.address().family())).u8(0).u16(0)
                .u32(n.ifindex())
                .u16(n.state()).u8(0).u8(0);
        b.attr(Rtnl.NDA_DST, n.address().toBytes());
        if (!remove && n.hardwareAddress() != null) {
            b.attr(Rtnl.NDA_LLADDR, n.hardwareAddress());
        }
        b.end();
    }

    /**
     * Appends a request to add (replace) or remove the proxy neighbour entry for {@code address} on {@code ifindex},
     * with an ACK: ndm_flags NTF_PROXY, no link-layer address, state NUD_PERMANENT as iproute2 sends it.
     */
    static void writeProxyNeighbour(MessageBuilder b, int ifindex, IpAddress address, boolean remove, int seq) {
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (remove ? 0 : Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE);
        b.begin(remove ? Rtnl.RTM_DELNEIGH : Rtnl.RTM_NEWNEIGH, flags, seq)
                .u8(family(address.family())).u8(0).u16(0)
                .u32(ifindex)
                .u16(Rtnl.NUD_PERMANENT).u8(Rtnl.NTF_PROXY).u8(0);
        b.attr(Rtnl.NDA_DST, address.toBytes());
        b.end();
    }

    /**
     * Appends a request to create the macvlan {@code name} (bridge mode, down) on interface {@code parent} with
     * hardware address {@code mac}, with an ACK; fails with EEXIST when the name is taken.
     */
    static void writeNewMacvlan(MessageBuilder b, String name, int parent, byte[] mac, int seq) {
        b.begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, seq);
        linkHeader(b, 0, 0, 0);
        b.attr(Rtnl.IFLA_IFNAME, zeroTerminated(name));
        b.attrU32(Rtnl.IFLA_LINK, parent);
        b.attr(Rtnl.IFLA_ADDRESS, mac);
        int info = b.beginNest(Rtnl.IFLA_LINKINFO);
        b.attr(Rtnl.IFLA_INFO_KIND, zeroTerminated("macvlan"));
        int data = b.beginNest(Rtnl.IFLA_INFO_DATA);
        b.attrU32(Rtnl.IFLA_MACVLAN_MODE, Rtnl.MACVLAN_MODE_BRIDGE);
        b.endNest(data).endNest(info).end();
    }

    /**
     * Appends a request to create the veth pair {@code name} and {@code peer} (both down, MTU {@code mtu}),
     * {@code name} without ARP and neighbour discovery, with an ACK; fails with EEXIST when a name is taken.
     */
    static void writeNewVeth(MessageBuilder b, String name, String peer, int mtu, int seq) {
        b.begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, seq);
        linkHeader(b, 0, Rtnl.IFF_NOARP, Rtnl.IFF_NOARP);
        b.attr(Rtnl.IFLA_IFNAME, zeroTerminated(name));
        b.attrU32(Rtnl.IFLA_MTU, mtu);
        int info = b.beginNest(Rtnl.IFLA_LINKINFO);
        b.attr(Rtnl.IFLA_INFO_KIND, zeroTerminated("veth"));
        int data = b.beginNest(Rtnl.IFLA_INFO_DATA);
        int p = b.beginNest(Rtnl.VETH_INFO_PEER);
        linkHeader(b, 0, 0, 0);
        b.attr(Rtnl.IFLA_IFNAME, zeroTerminated(peer));
        b.attrU32(Rtnl.IFLA_MTU, mtu);
        b.endNest(p).endNest(data).endNest(info).end();
    }

    /**
     * Appends a request to turn IPv6 address generation off on interface {@code ifindex} (no link-local address of
     * its own), with an ACK. The kernel takes this only for an existing link, not in the request that creates it.
     */
    static void writeAddressGenerationOff(MessageBuilder b, int ifindex, int seq) {
        b.begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq);
        linkHeader(b, ifindex, 0, 0);
        int spec = b.beginNest(Rtnl.IFLA_AF_SPEC);
        int inet6 = b.beginNest(Rtnl.AF_INET6);
        b.attr(Rtnl.IFLA_INET6_ADDR_GEN_MODE, new byte[] {(byte) Rtnl.IN6_ADDR_GEN_MODE_NONE});
        b.endNest(inet6).endNest(spec).end();
    }

    /** Appends a request to bring interface {@code ifindex} up, with an ACK. */
    static void writeLinkUp(MessageBuilder b, int ifindex, int seq) {
        b.begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq);
        linkHeader(b, ifindex, Rtnl.IFF_UP, Rtnl.IFF_UP);
        b.end();
    }

    /** Appends a request to make interface {@code ifindex} a port of the bridge {@code master}, with an ACK. */
    static void writeMaster(MessageBuilder b, int ifindex, int master, int seq) {
        b.begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq);
        linkHeader(b, ifindex, 0, 0);
        b.attrU32(Rtnl.IFLA_MASTER, master);
        b.end();
    }

    /** Appends a request to delete the interface named {@code name}, with an ACK. */
    static void writeDeleteLink(MessageBuilder b, String name, int seq) {
        b.begin(Rtnl.RTM_DELLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq);
        linkHeader(b, 0, 0, 0);
        b.attr(Rtnl.IFLA_IFNAME, zeroTerminated(name));
        b.end();
    }

    /** struct ifinfomsg: family AF_UNSPEC, type, index, flags and the mask of the flags to change. */
    private static void linkHeader(MessageBuilder b, int ifindex, int flags, int change) {
        b.u8(Rtnl.AF_UNSPEC).u8(0).u16(0).u32(ifindex).u32(flags).u32(change);
    }

    private static byte[] zeroTerminated(String s) {
        byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(ascii, ascii.length + 1);
    }

    /** Appends a request to add ({@code remove} false) or delete an address, with an ACK. */
    static void writeAddress(MessageBuilder b, InterfaceAddress a, boolean remove, int seq) {
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (remove ? 0 : Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL);
        b.begin(remove ? Rtnl.RTM_DELADDR : Rtnl.RTM_NEWADDR, flags, seq)
                .u8(family(a.address().family())).u8(a.prefixLength()).u8(0).u8(a.scope())
                .u32(a.ifindex());
        b.attr(Rtnl.IFA_LOCAL, a.address().toBytes());
        b.attr(Rtnl.IFA_ADDRESS, a.address().toBytes());
        if (!remove && a.address().family() == Family.V6) {
            b.attrU32(Rtnl.IFA_FLAGS, Rtnl.IFA_F_NODAD);
        }
        b.end();
    }

    private static int family(Family f) {
        return f == Family.V4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
    }

    private static int routeType(RouteType t) {
        return switch (t) {
            case UNICAST -> Rtnl.RTN_UNICAST;
            case UNREACHABLE -> Rtnl.RTN_UNREACHABLE;
            case BLACKHOLE -> Rtnl.RTN_BLACKHOLE;
            case PROHIBIT -> Rtnl.RTN_PROHIBIT;
            case LOCAL -> Rtnl.RTN_LOCAL;
            case OTHER -> throw new IllegalArgumentException("cannot write a route of type OTHER");
        };
    }

    private static RouteType routeType(int t) {
        return switch (t) {
            case Rtnl.RTN_UNICAST -> RouteType.UNICAST;
            case Rtnl.RTN_UNREACHABLE -> RouteType.UNREACHABLE;
            case Rtnl.RTN_BLACKHOLE -> RouteType.BLACKHOLE;
            case Rtnl.RTN_PROHIBIT -> RouteType.PROHIBIT;
            case Rtnl.RTN_LOCAL -> RouteType.LOCAL;
            default -> RouteType.OTHER;
        };
    }

    // ---- routes ----

    /** The protocol of a route message (the sixth byte of its rtmsg), without decoding it; -1 when it is too short. */
    static int routeProtocol(NetlinkMessage m) {
        ByteBuffer body = m.body();
        return body.remaining() >= Rtnl.RTMSG_LEN ? Byte.toUnsignedInt(body.get(5)) : -1;
    }

    /**
     * The route in an RTM_NEWROUTE or RTM_DELROUTE message; null for routes we do not represent (other
     * families, cached clones) and for malformed ones (counted).
     */
    KernelRoute route(NetlinkMessage m) {
        ByteBuffer body = m.body();
        if (body.remaining() < Rtnl.RTMSG_LEN) {
            return malformed();
        }
        int af = Byte.toUnsignedInt(body.get(0));
        Family family = af == Rtnl.AF_INET ? Family.V4 : af == Rtnl.AF_INET6 ? Family.V6 : null;
        int rtFlags = body.getInt(8);
        if (family == null || (rtFlags & Rtnl.RTM_F_CLONED) != 0) {
            return null;
        }
        int dstLen = Byte.toUnsignedInt(body.get(1));
        int srcLen = Byte.toUnsignedInt(body.get(2));
        Attributes a = Attributes.parse(body, Rtnl.RTMSG_LEN);
        if (a == null || dstLen > family.bits() || srcLen > family.bits()) {
            return malformed();
        }
        Prefix destination = prefix(a, Rtnl.RTA_DST, family, dstLen);
        Prefix source = prefix(a, Rtnl.RTA_SRC, family, srcLen);
        long table = a.u32(Rtnl.RTA_TABLE, Byte.toUnsignedInt(body.get(4)));
        long oif = a.u32(Rtnl.RTA_OIF, 0);
        long priority = a.u32(Rtnl.RTA_PRIORITY, 0);
        IpAddress prefSrc = address(a, Rtnl.RTA_PREFSRC, family);
        Attributes hop = a;
        if (a.has(Rtnl.RTA_MULTIPATH) && !a.has(Rtnl.RTA_GATEWAY) && !a.has(Rtnl.RTA_VIA)) {
            ByteBuffer mp = a.get(Rtnl.RTA_MULTIPATH);
            int hopLen = mp.remaining() >= Rtnl.RTNH_LEN ? Short.toUnsignedInt(mp.getShort(0)) : -1;
            if (hopLen < Rtnl.RTNH_LEN || hopLen > mp.remaining()) {
                return malformed();
            }
            if (oif == 0) {
                oif = Integer.toUnsignedLong(mp.getInt(4));
            }
            hop = Attributes.parse(mp.slice(0, hopLen).order(mp.order()), Rtnl.RTNH_LEN);
            if (hop == null) {
                return malformed();
            }
        }
        IpAddress gateway = address(hop, Rtnl.RTA_GATEWAY, family);
        IpAddress via = via(hop);
        if (destination == null || source == null || table < 0 || oif < 0 || oif > Integer.MAX_VALUE
                || priority < 0 || (hop.has(Rtnl.RTA_GATEWAY) && gateway == null)
                || (hop.has(Rtnl.RTA_VIA) && via == null) || (a.has(Rtnl.RTA_PREFSRC) && prefSrc == null)
                || table > Integer.MAX_VALUE) {
            return malformed();
        }
        IpAddress nextHop = gateway != null ? gateway : via;
        if (nextHop != null && family == Family.V6 && nextHop.family() == Family.V4) {
            return malformed();
        }
        return new KernelRoute(destination, source, nextHop, (int) oif, priority,
                (int) table, Byte.toUnsignedInt(body.get(5)), routeType(Byte.toUnsignedInt(body.get(7))), prefSrc);
    }

    private static Prefix prefix(Attributes a, int type, Family family, int length) {
        if (!a.has(type)) {
            return length == 0 ? Prefix.zero(family) : null;
        }
        IpAddress address = address(a, type, family);
        return address == null ? null : new Prefix(address, length);
    }

    private static IpAddress address(Attributes a, int type, Family family) {
        byte[] b = a.bytes(type);
        if (b == null || b.length != family.bits() / 8) {
            return null;
        }
        return IpAddress.of(b);
    }

    private static IpAddress via(Attributes a) {
        ByteBuffer v = a.get(Rtnl.RTA_VIA);
        if (v == null || v.remaining() < 2) {
            return null;
        }
        int af = Short.toUnsignedInt(v.getShort(0));
        int expected = af == Rtnl.AF_INET6 ? 16 : af == Rtnl.AF_INET ? 4 : -1;
        if (v.remaining() - 2 != expected) {
            return null;
        }
        byte[] b = new byte[expected];
        v.get(2, b);
        return IpAddress.of(b);
    }

    // ---- rules ----

    /**
     * The rule in an RTM_NEWRULE message; null for rules of another shape than {@link KernelRule} (other
     * families, actions or selectors, inverted) and for malformed ones (counted).
     */
    KernelRule rule(NetlinkMessage m) {
        ByteBuffer body = m.body();
        if (body.remaining() < Rtnl.FIB_RULE_HDR_LEN) {
            return malformed();
        }
        int af = Byte.toUnsignedInt(body.get(0));
        Family family = af == Rtnl.AF_INET ? Family.V4 : af == Rtnl.AF_INET6 ? Family.V6 : null;
        int dstLen = Byte.toUnsignedInt(body.get(1));
        int srcLen = Byte.toUnsignedInt(body.get(2));
        Attributes a = Attributes.parse(body, Rtnl.FIB_RULE_HDR_LEN);
        if (family != null && (a == null || srcLen > family.bits())) {
            return malformed();
        }
        if (family == null || dstLen != 0 || body.get(3) != 0 || Byte.toUnsignedInt(body.get(7)) != Rtnl.FR_ACT_TO_TBL
                || (body.getInt(8) & Rtnl.FIB_RULE_INVERT) != 0) {
            return null;
        }
        for (int selector : Rtnl.FRA_OTHER_SELECTORS) {
            if (a.has(selector)) {
                return null;
            }
        }
        for (int suppressor : Rtnl.FRA_SUPPRESSORS) {
            if (a.u32(suppressor, Rtnl.FRA_SUPPRESS_UNSET) != Rtnl.FRA_SUPPRESS_UNSET) {
                return null;
            }
        }
        Prefix source = srcLen == 0 ? Prefix.zero(family) : prefix(a, Rtnl.FRA_SRC, family, srcLen);
        long table = a.u32(Rtnl.FRA_TABLE, Byte.toUnsignedInt(body.get(4)));
        long priority = a.u32(Rtnl.FRA_PRIORITY, 0);
        byte[] protocol = a.has(Rtnl.FRA_PROTOCOL) ? a.bytes(Rtnl.FRA_PROTOCOL) : new byte[1];
        if (source == null || table < 0 || table > Integer.MAX_VALUE || priority < 0 || protocol == null
                || protocol.length != 1) {
            return malformed();
        }
        return new KernelRule(family, priority, source, (int) table, Byte.toUnsignedInt(protocol[0]));
    }

    // ---- neighbours ----

    /**
     * The entry in an RTM_NEWNEIGH or RTM_DELNEIGH message; null for other families (bridge forwarding entries) and
     * for malformed ones (counted).
     */
    KernelAccess.Neighbour neighbour(NetlinkMessage m) {
        ByteBuffer body = m.body();
        if (body.remaining() < Rtnl.NDMSG_LEN) {
            return malformed();
        }
        int af = Byte.toUnsignedInt(body.get(0));
        Family family = af == Rtnl.AF_INET ? Family.V4 : af == Rtnl.AF_INET6 ? Family.V6 : null;
        if (family == null) {
            return null;
        }
        int ifindex = body.getInt(4);
        int state = Short.toUnsignedInt(body.getShort(8));
        Attributes a = Attributes.parse(body, Rtnl.NDMSG_LEN);
        if (a == null || ifindex <= 0) {
            return malformed();
        }
        IpAddress address = address(a, Rtnl.NDA_DST, family);
        byte[] hardware = a.bytes(Rtnl.NDA_LLADDR);
        if (address == null) {
            return malformed();
        }
        return new KernelAccess.Neighbour(ifindex, address, hardware, state, m.type() == Rtnl.RTM_DELNEIGH);
    }

    /**
     * The station in an RTM_NEWNEIGH or RTM_DELNEIGH message of family AF_BRIDGE: null for other families, for the
     * bridge's own addresses (permanent entries, entries of the port device itself) and for entries of no bridge.
     */
    KernelAccess.Station station(NetlinkMessage m) {
        ByteBuffer body = m.body();
        if (body.remaining() < Rtnl.NDMSG_LEN || Byte.toUnsignedInt(body.get(0)) != Rtnl.AF_BRIDGE) {
            return null;
        }
        int port = body.getInt(4);
        int state = Short.toUnsignedInt(body.getShort(8));
        int flags = Byte.toUnsignedInt(body.get(10));
        Attributes a = Attributes.parse(body, Rtnl.NDMSG_LEN);
        if (a == null || port <= 0) {
            return malformed();
        }
        byte[] mac = a.bytes(Rtnl.NDA_LLADDR);
        long bridge = a.u32(Rtnl.NDA_MASTER, 0);
        if ((state & Rtnl.NUD_PERMANENT) != 0 || (flags & Rtnl.NTF_SELF) != 0 || bridge <= 0
                || mac == null || mac.length != 6) {
            return null;
        }
        return new KernelAccess.Station((int) bridge, port, mac, m.type() == Rtnl.RTM_DELNEIGH);
    }

    // ---- links ----

    /** The link in an RTM_NEWLINK or RTM_DELLINK message; null when malformed (counted). */
    Link link(NetlinkMessage m) {
        ByteBuffer body = m.body();
        if (body.remaining() < Rtnl.IFINFOMSG_LEN) {
            return malformed();
        }
        int hardwareType = Short.toUnsignedInt(body.getShort(2));
        int ifindex = body.getInt(4);
        int flags = body.getInt(8);
        Attributes a = Attributes.parse(body, Rtnl.IFINFOMSG_LEN);
        if (a == null || ifindex <= 0) {
            return malformed();
        }
        String name = a.string(Rtnl.IFLA_IFNAME);
        long mtu = a.u32(Rtnl.IFLA_MTU, 0);
        if (name == null || mtu < 0 || mtu > Integer.MAX_VALUE) {
            return malformed();
        }
        String driverKind = "";
        if (a.has(Rtnl.IFLA_LINKINFO)) {
            Attributes info = Attributes.parse(a.get(Rtnl.IFLA_LINKINFO), 0);
            if (info != null && info.has(Rtnl.IFLA_INFO_KIND)) {
                driverKind = info.string(Rtnl.IFLA_INFO_KIND);
            }
        }
        return new Link(ifindex, name, (flags & Rtnl.IFF_UP) != 0, (flags & Rtnl.IFF_RUNNING) != 0, (int) mtu,
                hardwareType, driverKind, kind(name, hardwareType, driverKind));
    }

    private LinkKind kind(String name, int hardwareType, String driverKind) {
        if (hardwareType == Rtnl.ARPHRD_LOOPBACK) {
            return LinkKind.LOOPBACK;
        }
        if (wireless.test(name)) {
            return LinkKind.WIRELESS;
        }
        return switch (hardwareType) {
            case Rtnl.ARPHRD_NONE, Rtnl.ARPHRD_PPP, Rtnl.ARPHRD_RAWIP, Rtnl.ARPHRD_TUNNEL, Rtnl.ARPHRD_TUNNEL6,
                    Rtnl.ARPHRD_SIT, Rtnl.ARPHRD_IPGRE, Rtnl.ARPHRD_IP6GRE -> LinkKind.TUNNEL;
            default -> driverKind.equals("wireguard") ? LinkKind.TUNNEL : LinkKind.WIRED;
        };
    }

    // ---- addresses ----

    /** The address in an RTM_NEWADDR or RTM_DELADDR message; null for other families or malformed (counted). */
    InterfaceAddress address(NetlinkMessage m) {
        ByteBuffer body = m.body();
        if (body.remaining() < Rtnl.IFADDRMSG_LEN) {
            return malformed();
        }
        int af = Byte.toUnsignedInt(body.get(0));
        Family family = af == Rtnl.AF_INET ? Family.V4 : af == Rtnl.AF_INET6 ? Family.V6 : null;
        if (family == null) {
            return null;
        }
        int prefixLength = Byte.toUnsignedInt(body.get(1));
        int scope = Byte.toUnsignedInt(body.get(3));
        int ifindex = body.getInt(4);
        Attributes a = Attributes.parse(body, Rtnl.IFADDRMSG_LEN);
        if (a == null || prefixLength > family.bits() || ifindex <= 0) {
            return malformed();
        }
        long flags = a.u32(Rtnl.IFA_FLAGS, Byte.toUnsignedInt(body.get(2)));
        IpAddress address = address(a, a.has(Rtnl.IFA_LOCAL) ? Rtnl.IFA_LOCAL : Rtnl.IFA_ADDRESS, family);
        if (address == null || flags < 0) {
            return malformed();
        }
        return new InterfaceAddress(ifindex, address, prefixLength, scope, (flags & Rtnl.IFA_F_TENTATIVE) != 0);
    }

    private <T> T malformed() {
        counters.count(NetlinkCounters.Kind.MALFORMED_ATTRIBUTE);
        return null;
    }
}
