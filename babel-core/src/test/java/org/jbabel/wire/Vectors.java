package org.jbabel.wire;

import java.util.HexFormat;

/** Wire test vectors: babeld 1.12.1 packets observed in network namespaces (babel-notes.md §14, TV-3 to TV-6). */
final class Vectors {
    /** TV-4: Hello with timestamp, wildcard retraction, IPv6 and IPv4 updates, wildcard request. */
    static final String TV4 = "2a02005e"
            + "040c0000b42f019003041f8db193"
            + "080a00000000ffff0d9dffff"
            + "060a0000020000fffe00000b"
            + "081a028080000640 0d9d0000 20010db8000b00000000000000000001"
            + "07060100 0a010002"
            + "080e01002000 06400d9d0000 0a010002"
            + "09020000";

    /** TV-5: compression (5 bytes omitted), a source-specific update and AE 4 updates without Next Hop. */
    static final String TV5 = "2a02006a"
            + "060a0000020000fffe00000a"
            + "081a02808000064067fa0000 20010db8000a0000 0000000000000001"
            + "080b02803005064067fa0080fe"
            + "081402803005064067fa0080ff 8007 30 20010db8000a"
            + "080e04002000064067fa0000c0000201"
            + "080d04001800064067fa0080c63364";

    /** TV-3: Hello with timestamp, wildcard request, PC; an HMAC-SHA256 MAC in the trailer. */
    static final String TV3 = "2a020020"
            + "040c0000ff7401900304 1a7af85d"
            + "09020000"
            + "110c00000000 9b97552a71e9b31a"
            + "1020 7047426542573c164007a76bd12339925e580f3da3f11307bf730cada60021e1";

    /** TV-6: an IHU with AE 3 and an RTT timestamp sub-TLV, in a packet of its own. */
    static final String TV6 = "2a02001a" + "051803000060 04b0 404acefffe06d2ca 0308 202ef81a 202ef85f";

    private Vectors() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
