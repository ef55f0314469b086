package org.jbabel.ddhcp.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.ddhcp.block.BlockMessage.Claim;
import org.jbabel.ddhcp.block.BlockMessage.Header;
import org.jbabel.ddhcp.block.BlockMessage.Inquire;
import org.jbabel.ddhcp.block.BlockMessage.LeaseEntry;
import org.jbabel.ddhcp.block.BlockMessage.RenewLease;
import org.jbabel.ddhcp.block.BlockMessage.UpdateClaim;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** The test vectors of spec ddhcp.md §3.6, read and written, and the reader's drop reasons. */
class BlockCodecTest {

    static final Swarm SWARM = Swarm.of(Prefix.parse("10.116.224.0/20"), 4);
    static final Header HEADER = new Header(NodeId.parse("0211223344550000"), SWARM);
    static final String HEAD = "0211223344550000" + "0a74e000" + "14" + "04";
    static final byte[] CHADDR = HexFormat.of().parseHex("52540012345600000000000000000000");
    static final int ADDRESS = IpAddress.parse("10.116.224.21").v4Bits();
    private final BlockReader reader = new BlockReader(List.of(SWARM));

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void derivedValuesOfTheRange() {
        assertThat(SWARM.numberOfBlocks()).isEqualTo(1024);
        assertThat(SWARM.blockOf(ADDRESS)).isEqualTo(5);
        assertThat(IpAddress.v4(SWARM.firstAddress(5))).hasToString("10.116.224.20");
        assertThat(Swarm.of(Prefix.parse("10.0.0.0/24"), 32).numberOfBlocks()).isEqualTo(8);
        assertThat(Swarm.of(Prefix.parse("10.0.0.0/16"), 4).numberOfBlocks()).isEqualTo(16384);
        assertThat(Swarm.of(Prefix.parse("10.0.0.0/22"), 4).numberOfBlocks()).isEqualTo(256);
        assertThat(SWARM.blockOf(IpAddress.parse("10.116.240.0").v4Bits())).isEqualTo(-1);
        assertThat(SWARM.blockOf(IpAddress.parse("10.116.223.255").v4Bits())).isEqualTo(-1);
    }

    @Test
    void inquireVector() {
        byte[] wire = hex(HEAD + "02 02 00000005 000002bc");
        Inquire m = new Inquire(HEADER, List.of(5L, 700L));
        assertThat(BlockWriter.write(m)).isEqualTo(wire).hasSize(24);
        assertThat(reader.read(wire)).isEqualTo(new BlockReader.Read(m));
    }

    @Test
    void updateClaimVector() {
        byte[] wire = hex(HEAD + "01 02 00000005003c00 000002bc003c00");
        UpdateClaim m = new UpdateClaim(HEADER, List.of(new Claim(5, 60), new Claim(700, 60)));
        assertThat(BlockWriter.write(m)).isEqualTo(wire).hasSize(30);
        assertThat(reader.read(wire)).isEqualTo(new BlockReader.Read(m));
    }

    @Test
    void renewLeaseFromALittleEndianSender() {
        byte[] wire = hex(HEAD + "10 00 15e0740a deadbeef 00000000 52540012345600000000000000000000");
        RenewLease m = new RenewLease(HEADER, new LeaseEntry(ADDRESS, AddressOrder.REVERSED, 0xdeadbeef, 0, CHADDR));
        assertThat(BlockWriter.write(m)).isEqualTo(wire).hasSize(44);
        assertThat(reader.read(wire)).isEqualTo(new BlockReader.Read(m));
    }

    @Test
    void renewLeaseFromABigEndianSender() {
        byte[] wire = hex(HEAD + "10 00 0a74e015 deadbeef 00000000 52540012345600000000000000000000");
        RenewLease m = new RenewLease(HEADER, new LeaseEntry(ADDRESS, AddressOrder.NETWORK, 0xdeadbeef, 0, CHADDR));
        assertThat(BlockWriter.write(m)).isEqualTo(wire);
        assertThat(reader.read(wire)).isEqualTo(new BlockReader.Read(m));
    }

    @Test
    void everyLeaseCommandIsReadAndReleaseIsAccepted() {
        for (int command : new int[] {0x10, 0x11, 0x12, 0x13}) {
            byte[] wire = hex(HEAD + String.format("%02x", command) + "00 0a74e015 deadbeef 00000000" + "00".repeat(16));
            BlockReader.Result r = reader.read(wire);
            assertThat(r).isInstanceOf(BlockReader.Read.class);
            BlockMessage m = ((BlockReader.Read) r).message();
            assertThat(m.command()).isEqualTo(command);
            assertThat(BlockWriter.write(m)).isEqualTo(wire);
        }
    }

    @Test
    void malformedDatagramsAreDroppedWithTheirReason() {
        assertThat(reader.read(hex("0211"))).isEqualTo(new BlockReader.Dropped("short"));
        assertThat(reader.read(hex(HEAD + "02 02 00000005"))).isEqualTo(new BlockReader.Dropped("bad_length"));
        assertThat(reader.read(hex(HEAD + "01 01 00000005003c"))).isEqualTo(new BlockReader.Dropped("bad_length"));
        assertThat(reader.read(hex(HEAD + "10 00 0a74e015"))).isEqualTo(new BlockReader.Dropped("bad_length"));
        assertThat(reader.read(hex(HEAD + "07 00"))).isEqualTo(new BlockReader.Dropped("unknown_command"));
        assertThat(reader.read(hex("0211223344550000 0a74e000 14 08 02 01 00000005")))
                .isEqualTo(new BlockReader.Dropped("foreign_swarm"));
        assertThat(reader.read(hex("0211223344550000 0a74e005 14 04 02 01 00000005")))
                .as("host bits in the prefix make a foreign swarm, as with ddhcpd")
                .isEqualTo(new BlockReader.Dropped("foreign_swarm"));
        assertThat(reader.read(hex(HEAD + "10 00 0b000001 deadbeef 00000000" + "00".repeat(16))))
                .isEqualTo(new BlockReader.Dropped("lease_address_outside"));
    }

    @Test
    void aZeroCountMessageIsValid() {
        assertThat(reader.read(hex(HEAD + "02 00"))).isEqualTo(new BlockReader.Read(new Inquire(HEADER, List.of())));
    }

    @Test
    void nodeIdsCompareAsUnsignedBytes() {
        assertThat(NodeId.parse("ff00000000000000").isHigherThan(NodeId.parse("7f00000000000000"))).isTrue();
        assertThat(NodeId.ZERO.isHigherThan(NodeId.parse("0000000000000001"))).isFalse();
        assertThat(NodeId.ofMac(hex("00163ea4a121"))).hasToString("00163ea4a1210000");
        // a router-id that is the modified EUI-64 of 02:11:22:33:44:55
        assertThat(NodeId.ofRouterId(0x001122fffe334455L)).hasToString("0211223344550000");
        assertThat(NodeId.ofRouterId(0x0102030405060708L)).hasToString("0102030405060708");
    }
}
