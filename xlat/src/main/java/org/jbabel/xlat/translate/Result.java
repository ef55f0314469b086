package org.jbabel.xlat.translate;

/**
 * What one call of {@link Translator} produced, written into a buffer the caller owns and reuses: the translated
 * packet, or its fragments one after the other ({@link Kind#PACKETS}); an ICMP error to send back towards the
 * sender, in the input's family ({@link Kind#ERROR}, with the {@link #drop()} reason of the input); or nothing
 * ({@link Kind#DROPPED}). Packet {@code i} is {@code buffer()[offset(i) .. offset(i)+length(i)-1]}, a bare IP
 * packet. Valid until the next call that passes this result.
 */
public final class Result {

    /** The outcome. */
    public enum Kind { PACKETS, ERROR, DROPPED }

    /** Enough for a 65,535-byte IPv4 packet cut into 1,280-byte IPv6 fragments (55 of them, 48 header bytes each). */
    public static final int CAPACITY = 65_535 + 64 * 48;
    /** At most this many packets (fragments) in one result. */
    public static final int MAX_PACKETS = 64;

    private final byte[] buffer;
    private final int[] offsets = new int[MAX_PACKETS];
    private final int[] lengths = new int[MAX_PACKETS];
    private int count;
    private Kind kind = Kind.DROPPED;
    private Drop drop;

    /** A result with its own buffer of {@link #CAPACITY} bytes. */
    public Result() {
        this(new byte[CAPACITY]);
    }

    /** A result writing into {@code buffer}; a packet that does not fit is dropped as {@link Drop#OUTPUT_TOO_SMALL}. */
    public Result(byte[] buffer) {
        this.buffer = buffer;
    }

    public Kind kind() {
        return kind;
    }

    /** Why the input was not translated ({@link Kind#ERROR}, {@link Kind#DROPPED}), else null. */
    public Drop drop() {
        return drop;
    }

    public byte[] buffer() {
        return buffer;
    }

    /** The number of packets: 0 when dropped, 1 for an error. */
    public int count() {
        return count;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** Packet {@code i} as a new array (tests, logs; allocates). */
    public byte[] packet(int i) {
        return java.util.Arrays.copyOfRange(buffer, offsets[i], offsets[i] + lengths[i]);
    }

    void clear() {
        count = 0;
        kind = Kind.DROPPED;
        drop = null;
    }

    void add(int offset, int length) {
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }

    void packets() {
        kind = Kind.PACKETS;
        drop = null;
    }

    void error(Drop reason) {
        kind = Kind.ERROR;
        drop = reason;
    }

    void dropped(Drop reason) {
        count = 0;
        kind = Kind.DROPPED;
        drop = reason;
    }

    @Override
    public String toString() {
        return kind + (drop == null ? "" : " " + drop.counter()) + " x" + count;
    }
}
