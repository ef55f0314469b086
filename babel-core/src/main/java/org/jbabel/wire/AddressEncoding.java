package org.jbabel.wire;

/** Address encodings (AE) of RFC 8966 §4.1.5 and RFC 9229. */
public enum AddressEncoding {
    WILDCARD(0),
    IPV4(1),
    IPV6(2),
    IPV6_LINK_LOCAL(3),
    IPV4_VIA_IPV6(4);

    private final int code;

    AddressEncoding(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The encoding with this code, or null when the code is unknown (the TLV must then be dropped). */
    public static AddressEncoding fromCode(int code) {
        return switch (code) {
            case 0 -> WILDCARD;
            case 1 -> IPV4;
            case 2 -> IPV6;
            case 3 -> IPV6_LINK_LOCAL;
            case 4 -> IPV4_VIA_IPV6;
            default -> null;
        };
    }

    /** The family of addresses carried with this encoding; null for the wildcard. */
    public Family family() {
        return switch (this) {
            case WILDCARD -> null;
            case IPV4, IPV4_VIA_IPV6 -> Family.V4;
            case IPV6, IPV6_LINK_LOCAL -> Family.V6;
        };
    }
}
