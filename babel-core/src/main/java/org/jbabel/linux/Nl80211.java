package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.jbabel.extension.KernelAccess;

/**
 * The few generic-netlink messages of nl80211 that tell a wireless access point's stations (the wireless equivalent
 * of a bridge learning a MAC on a port): resolving the family and its {@code mlme} multicast group through the
 * generic-netlink controller, and reading NL80211_CMD_NEW_STATION / DEL_STATION events. Constants from the kernel's
 * UAPI headers ({@code linux/genetlink.h}, {@code linux/nl80211.h}). Sans-IO: {@link LinuxKernelAccess} does the
 * socket work.
 */
final class Nl80211 {

    static final int NETLINK_GENERIC = 16;
    /** The generic-netlink controller's fixed family id ({@code GENL_ID_CTRL}). */
    static final int GENL_ID_CTRL = 0x10;
    static final int GENL_HDRLEN = 4;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;
    static final int CTRL_ATTR_MCAST_GROUPS = 7;
    static final int CTRL_ATTR_MCAST_GRP_NAME = 1;
    static final int CTRL_ATTR_MCAST_GRP_ID = 2;
    static final int CMD_NEW_STATION = 19;
    static final int CMD_DEL_STATION = 20;
    static final int ATTR_IFINDEX = 3;
    static final int ATTR_MAC = 6;
    static final String FAMILY = "nl80211";
    static final String GROUP_MLME = "mlme";

    /** A resolved generic-netlink family: its id and multicast groups by name. */
    record Family(int id, Map<String, Integer> groups) {}

    /** A station event: the wireless interface, the station's MAC, and whether it left. */
    record StationEvent(int ifindex, byte[] mac, boolean removed) {}

    private Nl80211() {}

    /** Appends CTRL_CMD_GETFAMILY for {@code name}, with an ACK. */
    static void writeGetFamily(MessageBuilder b, String name, int seq) {
        b.begin(GENL_ID_CTRL, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq);
        b.u8(CTRL_CMD_GETFAMILY).u8(1).u16(0);
        byte[] ascii = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.attr(CTRL_ATTR_FAMILY_NAME, java.util.Arrays.copyOf(ascii, ascii.length + 1));
        b.end();
    }

    /** The family in the controller's answer, or null when the message is not one (or malformed). */
    static Family family(NetlinkMessage m) {
        if (m.type() != GENL_ID_CTRL || m.body().remaining() < GENL_HDRLEN) {
            return null;
        }
        Attributes a = Attributes.parse(m.body(), GENL_HDRLEN);
        if (a == null || a.length(CTRL_ATTR_FAMILY_ID) != 2) {
            return null;
        }
        int id = Short.toUnsignedInt(a.get(CTRL_ATTR_FAMILY_ID).getShort(0));
        Map<String, Integer> groups = new HashMap<>();
        ByteBuffer list = a.get(CTRL_ATTR_MCAST_GROUPS);
        if (list != null) {
            // a nest of nests (one per group, numbered from 1), each with a name and an id
            for (int pos = 0; pos + 4 <= list.remaining(); ) {
                int len = Short.toUnsignedInt(list.getShort(pos));
                if (len < 4 || pos + len > list.remaining()) {
                    return null;
                }
                Attributes g = Attributes.parse(list.slice(pos, len).order(list.order()), 4);
                if (g != null && g.has(CTRL_ATTR_MCAST_GRP_NAME) && g.u32(CTRL_ATTR_MCAST_GRP_ID, -1) > 0) {
                    groups.put(g.string(CTRL_ATTR_MCAST_GRP_NAME), (int) g.u32(CTRL_ATTR_MCAST_GRP_ID, -1));
                }
                pos += Rtnl.align(len);
            }
        }
        return new Family(id, Map.copyOf(groups));
    }

    /** The station event in a message of family {@code familyId}, or null for anything else or a malformed one. */
    static StationEvent station(NetlinkMessage m, int familyId) {
        if (m.type() != familyId || m.body().remaining() < GENL_HDRLEN) {
            return null;
        }
        int cmd = Byte.toUnsignedInt(m.body().get(0));
        if (cmd != CMD_NEW_STATION && cmd != CMD_DEL_STATION) {
            return null;
        }
        Attributes a = Attributes.parse(m.body(), GENL_HDRLEN);
        if (a == null) {
            return null;
        }
        long ifindex = a.u32(ATTR_IFINDEX, -1);
        byte[] mac = a.bytes(ATTR_MAC);
        if (ifindex <= 0 || mac == null || mac.length != 6) {
            return null;
        }
        return new StationEvent((int) ifindex, mac, cmd == CMD_DEL_STATION);
    }

    /** The station as {@link KernelAccess} tells it: on port {@code ifindex} of bridge {@code master} (0: none). */
    static KernelAccess.Station toStation(StationEvent e, int master) {
        return new KernelAccess.Station(master, e.ifindex(), e.mac(), e.removed());
    }
}
