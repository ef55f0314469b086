package org.jbabel.wire.pcap;

import java.io.IOException;

/** A capture file that is not a classic pcap file, or is truncated or corrupt; the message says what and where. */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public PcapFormatException(String message) {
        super(message);
    }
}
