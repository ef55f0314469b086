package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * nl80211's station events and the controller's family answer, on messages built here byte by byte after the
 * kernel's UAPI layouts (genlmsghdr, nested multicast groups with NLA_F_NESTED): no wireless driver runs on these
 * machines to record real ones (docs/ROAMING.md says what could not be tested).
 */
class Nl80211Test {

    private static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex("02:11:22:33:44:55");

    /** A netlink message: header, then {@code body}. */
    private static NetlinkMessage message(int type, ByteBuffer body) {
        MessageBuilder b = new MessageBuilder();
        b.begin(type, 0, 1);
        for (int i = 0; i < body.limit(); i++) {
            b.u8(body.get(i));
        }
        b.end();
        List<NetlinkMessage> list = NetlinkMessage.split(b.take(), new NetlinkCounters());
        assertThat(list).hasSize(1);
        return list.getFirst();
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    }

    private static void attr(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static ByteBuffer station(int cmd, int ifindex, byte[] mac) {
        ByteBuffer b = buffer();
        b.put((byte) cmd).put((byte) 0).putShort((short) 0);
        attr(b, Nl80211.ATTR_IFINDEX, u32(ifindex));
        attr(b, Nl80211.ATTR_MAC, mac);
        attr(b, 0x100 & 0x3f, new byte[] {1, 2, 3}); // some other attribute
        return b.flip();
    }

    @Test
    void newAndDelStationEventsAreReadAndOthersIgnored() {
        Nl80211.StationEvent added = Nl80211.station(message(28, station(Nl80211.CMD_NEW_STATION, 7, MAC)), 28);
        assertThat(added.ifindex()).isEqualTo(7);
        assertThat(added.mac()).isEqualTo(MAC);
        assertThat(added.removed()).isFalse();
        assertThat(Nl80211.station(message(28, station(Nl80211.CMD_DEL_STATION, 7, MAC)), 28).removed()).isTrue();
        assertThat(Nl80211.toStation(added, 4)).satisfies(st -> {
            assertThat(st.bridge()).isEqualTo(4);
            assertThat(st.port()).isEqualTo(7);
        });
        // another family, another command, a short MAC, a truncated body: nothing
        assertThat(Nl80211.station(message(29, station(Nl80211.CMD_NEW_STATION, 7, MAC)), 28)).isNull();
        assertThat(Nl80211.station(message(28, station(18, 7, MAC)), 28)).isNull();
        assertThat(Nl80211.station(message(28, station(Nl80211.CMD_NEW_STATION, 7, new byte[4])), 28)).isNull();
        assertThat(Nl80211.station(message(28, ByteBuffer.allocate(2)), 28)).isNull();
        ByteBuffer broken = station(Nl80211.CMD_NEW_STATION, 7, MAC);
        broken.putShort(4, (short) 200); // an attribute longer than the message
        assertThat(Nl80211.station(message(28, broken), 28)).isNull();
    }

    @Test
    void theControllersAnswerGivesTheFamilyIdAndItsMulticastGroups() {
        ByteBuffer b = buffer();
        b.put((byte) 1).put((byte) 2).putShort((short) 0); // CTRL_CMD_NEWFAMILY, version 2
        attr(b, Nl80211.CTRL_ATTR_FAMILY_NAME, "nl80211\0".getBytes());
        // a u16 attribute: length 6, padded to 8
        b.putShort((short) 6).putShort((short) Nl80211.CTRL_ATTR_FAMILY_ID).putShort((short) 28).putShort((short) 0);
        ByteBuffer groups = buffer();
        int[] ids = {5, 6, 7};
        String[] names = {"config", "scan", "mlme"};
        for (int i = 0; i < 3; i++) {
            ByteBuffer g = buffer();
            attr(g, Nl80211.CTRL_ATTR_MCAST_GRP_ID, u32(ids[i]));
            attr(g, Nl80211.CTRL_ATTR_MCAST_GRP_NAME, (names[i] + "\0").getBytes());
            g.flip();
            byte[] nested = new byte[g.limit()];
            g.get(nested);
            attr(groups, 0x8000 | (i + 1), nested);
        }
        groups.flip();
        byte[] all = new byte[groups.limit()];
        groups.get(all);
        attr(b, 0x8000 | Nl80211.CTRL_ATTR_MCAST_GROUPS, all);
        Nl80211.Family f = Nl80211.family(message(Nl80211.GENL_ID_CTRL, b.flip()));
        assertThat(f).isNotNull();
        assertThat(f.id()).isEqualTo(28);
        assertThat(f.groups()).isEqualTo(Map.of("config", 5, "scan", 6, "mlme", 7));
        assertThat(Nl80211.family(message(Nl80211.GENL_ID_CTRL, ByteBuffer.allocate(2)))).isNull();
        assertThat(Nl80211.family(message(3, b.rewind()))).isNull();
    }

    @Test
    void theFamilyRequestIsCtrlGetFamilyWithTheName() {
        MessageBuilder b = new MessageBuilder();
        Nl80211.writeGetFamily(b, "nl80211", 9);
        NetlinkMessage m = NetlinkMessage.split(b.take(), new NetlinkCounters()).getFirst();
        assertThat(m.type()).isEqualTo(Nl80211.GENL_ID_CTRL);
        assertThat(m.seq()).isEqualTo(9);
        assertThat(m.body().get(0)).isEqualTo((byte) Nl80211.CTRL_CMD_GETFAMILY);
        Attributes a = Attributes.parse(m.body(), Nl80211.GENL_HDRLEN);
        assertThat(a.string(Nl80211.CTRL_ATTR_FAMILY_NAME)).isEqualTo("nl80211");
    }
}
