package org.jbabel.xlat.nat426;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * Where an exit's address E sits in its /96 XP(E), by the metaprefix length (docs/XLAT.md decision 2): under a /64,
 * bytes 8..11; under a /56, byte 7 and bytes 9..11 with byte 8 (RFC 6052's u-octet) zero. Package-private: the
 * nat64 package owns {@code ExitPrefix}, the public form; this is only what exit choice needs to read E back from a
 * route, written against the documented layout until the two are joined.
 */
final class ExitPrefixLayout {

    /** Returned by {@link #exitOf} for a prefix that is not an exit's /96. */
    static final long NOT_AN_EXIT = -1;

    private ExitPrefixLayout() {}

    /** Whether {@code metaprefix} is one the layout knows: IPv6, /64 or /56. */
    static boolean valid(Prefix metaprefix) {
        return metaprefix.family() == Family.V6 && (metaprefix.length() == 64 || metaprefix.length() == 56);
    }

    /** XP(E) under {@code metaprefix}. */
    static Prefix xp(Prefix metaprefix, int exit) {
        long hi = metaprefix.address().hi();
        long e = exit & 0xffff_ffffL;
        long lo;
        if (metaprefix.length() == 64) {
            lo = e << 32;
        } else {
            hi = (hi & ~0xffL) | (e >>> 24);
            lo = (e & 0xff_ffffL) << 32;
        }
        return new Prefix(IpAddress.v6(hi, lo), 96);
    }

    /** E (as an unsigned 32-bit value) when {@code p} is a /96 of the layout under {@code metaprefix}, else {@link #NOT_AN_EXIT}. */
    static long exitOf(Prefix metaprefix, Prefix p) {
        if (p.length() != 96 || p.family() != Family.V6 || !metaprefix.contains(p.address())) {
            return NOT_AN_EXIT;
        }
        long hi = p.address().hi();
        long lo = p.address().lo();
        if (metaprefix.length() == 64) {
            return lo >>> 32;
        }
        if ((lo >>> 56) != 0) {
            return NOT_AN_EXIT;
        }
        return ((hi & 0xffL) << 24) | ((lo >>> 32) & 0xff_ffffL);
    }
}
