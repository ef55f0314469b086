package org.jbabel.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.wire.Bytes;

/**
 * Computes the MAC of one key over pseudo-header ‖ packet header ‖ body (RFC 8967): the bytes a MAC TLV carries.
 * One instance per key; not thread-safe (it keeps its primitive's state between calls).
 */
public sealed interface MacComputer permits MacComputer.HmacSha256, MacComputer.Blake2s128 {

    /** A computer for {@code key} under {@code algorithm}; the key length must be one the algorithm accepts. */
    static MacComputer of(MacAlgorithm algorithm, Bytes key) {
        if (key.length() < algorithm.minKeyLength() || key.length() > algorithm.maxKeyLength()) {
            throw new IllegalArgumentException("a " + algorithm.configName() + " key must have "
                    + algorithm.minKeyLength() + " to " + algorithm.maxKeyLength() + " bytes, not " + key.length());
        }
        return switch (algorithm) {
            case HMAC_SHA256 -> new HmacSha256(key);
            case BLAKE2S128 -> new Blake2s128(key);
        };
    }

    /** The length of the MAC in bytes (32 for HMAC-SHA256, 16 for BLAKE2s-128). */
    int length();

    /** The MAC of {@code pseudoHeader} followed by the first {@code length} bytes of {@code packet}. */
    byte[] compute(PseudoHeader pseudoHeader, byte[] packet, int length);

    /** Whether {@code mac} is the MAC of the same input, compared in constant time. */
    default boolean verifies(Bytes mac, PseudoHeader pseudoHeader, byte[] packet, int length) {
        return mac.length() == length() && MessageDigest.isEqual(mac.toArray(), compute(pseudoHeader, packet, length));
    }

    /**
     * HMAC-SHA256 from the JDK. The key is zero-padded to the 64-byte block as babeld does, which gives the same MAC
     * as standard HMAC and also admits the empty key.
     */
    final class HmacSha256 implements MacComputer {
        private static final int BLOCK = 64;
        private final Mac mac;

        HmacSha256(Bytes key) {
            byte[] padded = new byte[BLOCK];
            key.copyTo(padded, 0);
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(padded, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no HmacSHA256", e);
            }
        }

        @Override
        public int length() {
            return 32;
        }

        @Override
        public byte[] compute(PseudoHeader pseudoHeader, byte[] packet, int length) {
            mac.update(pseudoHeader.toBytes());
            mac.update(packet, 0, length);
            return mac.doFinal();
        }
    }

    /** Keyed BLAKE2s with a 16-byte digest (RFC 7693), from bouncycastle. */
    final class Blake2s128 implements MacComputer {
        private static final int DIGEST = 16;
        private final Blake2sDigest digest;

        Blake2s128(Bytes key) {
            digest = new Blake2sDigest(key.toArray(), DIGEST, null, null);
        }

        @Override
        public int length() {
            return DIGEST;
        }

        @Override
        public byte[] compute(PseudoHeader pseudoHeader, byte[] packet, int length) {
            byte[] ph = pseudoHeader.toBytes();
            digest.update(ph, 0, ph.length);
            digest.update(packet, 0, length);
            byte[] out = new byte[DIGEST];
            digest.doFinal(out, 0);
            return out;
        }
    }
}
