package org.jbabel.wire.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a classic libpcap capture file: either byte order, microsecond or nanosecond time stamps. pcapng is
 * recognised and refused with a message. A truncated or corrupt file ends in a {@link PcapFormatException} saying
 * which record is bad; the records before it have been returned.
 */
public final class PcapReader implements Closeable {
    private static final int MAX_RECORD = 16 * 1024 * 1024;

    private final InputStream in;
    private final ByteOrder order;
    private final boolean nanosecond;
    private final int linkType;
    private int number;

    private PcapReader(InputStream in, ByteOrder order, boolean nanosecond, int linkType) {
        this.in = in;
        this.order = order;
        this.nanosecond = nanosecond;
        this.linkType = linkType;
    }

    public static PcapReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        try {
            return of(in);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** Reads the file header from {@code in}; the reader then owns the stream. */
    public static PcapReader of(InputStream in) throws IOException {
        byte[] header = in.readNBytes(24);
        if (header.length >= 4 && (header[0] & 0xff) == 0x0a && header[1] == 0x0d && header[2] == 0x0d
                && header[3] == 0x0a) {
            throw new PcapFormatException("this is a pcapng file; only classic pcap is read"
                    + " (convert it with: editcap -F pcap IN OUT)");
        }
        if (header.length < 24) {
            throw new PcapFormatException("not a pcap file: only " + header.length + " bytes of file header");
        }
        int magic = ByteBuffer.wrap(header, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        ByteOrder order;
        boolean nano;
        switch (magic) {
            case 0xa1b2c3d4 -> { order = ByteOrder.BIG_ENDIAN; nano = false; }
            case 0xd4c3b2a1 -> { order = ByteOrder.LITTLE_ENDIAN; nano = false; }
            case 0xa1b23c4d -> { order = ByteOrder.BIG_ENDIAN; nano = true; }
            case 0x4d3cb2a1 -> { order = ByteOrder.LITTLE_ENDIAN; nano = true; }
            default -> throw new PcapFormatException(String.format("not a pcap file: magic 0x%08x", magic));
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(order);
        int major = h.getShort(4) & 0xffff;
        if (major != 2) {
            throw new PcapFormatException("unsupported pcap version " + major);
        }
        int linkType = h.getInt(20) & 0xffff;
        if (!LinkType.isSupported(linkType)) {
            throw new PcapFormatException("link type " + linkType + " is not supported");
        }
        return new PcapReader(in, order, nano, linkType);
    }

    /** The link-layer header type of every record (see {@link LinkType}). */
    public int linkType() {
        return linkType;
    }

    public boolean nanosecond() {
        return nanosecond;
    }

    /** The next record, or null at the end of the file. */
    public PcapRecord next() throws IOException {
        byte[] rh = in.readNBytes(16);
        if (rh.length == 0) {
            return null;
        }
        int n = number + 1;
        if (rh.length < 16) {
            throw new PcapFormatException("record " + n + ": truncated record header (" + rh.length + " of 16 bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(rh).order(order);
        long seconds = h.getInt(0) & 0xffff_ffffL;
        long fraction = h.getInt(4) & 0xffff_ffffL;
        long captured = h.getInt(8) & 0xffff_ffffL;
        long original = h.getInt(12) & 0xffff_ffffL;
        if (captured > MAX_RECORD) {
            throw new PcapFormatException("record " + n + ": corrupt captured length " + captured);
        }
        byte[] data = in.readNBytes((int) captured);
        if (data.length < captured) {
            throw new PcapFormatException(
                    "record " + n + ": truncated, " + data.length + " of " + captured + " bytes present");
        }
        number = n;
        long nanos = seconds * 1_000_000_000L + (nanosecond ? fraction : fraction * 1000);
        return new PcapRecord(n, nanos, (int) Math.min(original, Integer.MAX_VALUE), data);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
