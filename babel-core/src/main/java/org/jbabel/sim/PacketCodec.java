package org.jbabel.sim;

import java.util.List;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;

/** How the simulator turns TLVs into datagrams and back: {@link #wire(int)} in production, stand-ins in tests. */
interface PacketCodec {

    /** One or more datagrams (UDP payloads) carrying the TLVs. */
    List<byte[]> encode(List<Tlv> tlvs);

    ReadResult decode(byte[] datagram);

    /** The real wire format: {@link PacketWriter} sized for the MTU, {@link PacketReader}. */
    static PacketCodec wire(int mtu) {
        PacketWriter writer = new PacketWriter(PacketWriter.maxPacketSizeForMtu(mtu));
        return new PacketCodec() {
            @Override
            public List<byte[]> encode(List<Tlv> tlvs) {
                return writer.write(tlvs);
            }

            @Override
            public ReadResult decode(byte[] datagram) {
                return PacketReader.read(datagram);
            }
        };
    }
}
