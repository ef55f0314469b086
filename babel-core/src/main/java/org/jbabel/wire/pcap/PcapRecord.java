package org.jbabel.wire.pcap;

/**
 * One captured frame: its 1-based number in the file, its time (nanoseconds since the epoch), the length it had on
 * the wire and the bytes captured (possibly fewer). The array is the reader's own; do not modify it.
 */
public record PcapRecord(int number, long epochNanos, int originalLength, byte[] data) {}
