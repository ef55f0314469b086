package org.jbabel.config;

/** The MAC algorithms of babeld's {@code key} statement (RFC 8967), with the key lengths babeld accepts. */
public enum MacAlgorithm {
    /** HMAC-SHA256; keys of 0 to 64 bytes (babeld zero-pads them to 64, which HMAC does anyway). */
    HMAC_SHA256("hmac-sha256", 0, 64),
    /** Keyed BLAKE2s with a 16-byte digest; keys of 1 to 32 bytes. */
    BLAKE2S128("blake2s128", 1, 32);

    private final String configName;
    private final int minKeyLength;
    private final int maxKeyLength;

    MacAlgorithm(String configName, int minKeyLength, int maxKeyLength) {
        this.configName = configName;
        this.minKeyLength = minKeyLength;
        this.maxKeyLength = maxKeyLength;
    }

    /** The word in the configuration, e.g. {@code hmac-sha256}. */
    public String configName() {
        return configName;
    }

    public int minKeyLength() {
        return minKeyLength;
    }

    public int maxKeyLength() {
        return maxKeyLength;
    }

    static MacAlgorithm byConfigName(String word) {
        for (MacAlgorithm a : values()) {
            if (a.configName.equals(word)) {
                return a;
            }
        }
        return null;
    }
}
