package org.jbabel.config;

import java.time.Duration;
import java.util.List;
import org.jbabel.engine.InterfaceType;

/**
 * The parameters of an {@code interface} or {@code default} statement. Every field is null when not given (babeld's
 * {@code default}/{@code auto} values also mean "not given"), so that statements merge field by field: a later
 * {@code interface} line for the same name overrides what it sets, and {@code default} lines fill what an interface
 * leaves open. {@code type} is never {@link InterfaceType#AUTO}: {@code type auto} is "not given". {@code keys} are
 * the ids of keys defined earlier, in the order given (babeld takes one {@code key}; jbabel takes several on one
 * line for key rotation, docs/AUTH.md); a statement that names keys replaces the keys of the statements under it. RTT bounds keep babeld's sub-millisecond precision.
 */
public record InterfaceSettings(
        InterfaceType type,
        Duration helloInterval,
        Duration updateInterval,
        Integer rxcost,
        Boolean linkQuality,
        Boolean splitHorizon,
        Boolean unicast,
        Boolean enableTimestamps,
        Boolean rfc6126Compatible,
        Boolean acceptBadSignatures,
        Boolean v4ViaV6,
        Boolean probeMtu,
        Integer rttDecay,
        Duration rttMin,
        Duration rttMax,
        Integer maxRttPenalty,
        List<String> keys) {

    public InterfaceSettings {
        keys = keys == null ? null : List.copyOf(keys);
    }

    /** Nothing set. */
    public static final InterfaceSettings NONE = new Builder().build();

    /** Field by field: this statement's value where it has one, otherwise {@code under}'s. */
    public InterfaceSettings over(InterfaceSettings under) {
        return new InterfaceSettings(
                pick(type, under.type),
                pick(helloInterval, under.helloInterval),
                pick(updateInterval, under.updateInterval),
                pick(rxcost, under.rxcost),
                pick(linkQuality, under.linkQuality),
                pick(splitHorizon, under.splitHorizon),
                pick(unicast, under.unicast),
                pick(enableTimestamps, under.enableTimestamps),
                pick(rfc6126Compatible, under.rfc6126Compatible),
                pick(acceptBadSignatures, under.acceptBadSignatures),
                pick(v4ViaV6, under.v4ViaV6),
                pick(probeMtu, under.probeMtu),
                pick(rttDecay, under.rttDecay),
                pick(rttMin, under.rttMin),
                pick(rttMax, under.rttMax),
                pick(maxRttPenalty, under.maxRttPenalty),
                pick(keys, under.keys));
    }

    private static <T> T pick(T mine, T theirs) {
        return mine != null ? mine : theirs;
    }

    /** Collects the options of one statement while it is parsed. */
    static final class Builder {
        InterfaceType type;
        Duration helloInterval;
        Duration updateInterval;
        Integer rxcost;
        Boolean linkQuality;
        Boolean splitHorizon;
        Boolean unicast;
        Boolean enableTimestamps;
        Boolean rfc6126Compatible;
        Boolean acceptBadSignatures;
        Boolean v4ViaV6;
        Boolean probeMtu;
        Integer rttDecay;
        Duration rttMin;
        Duration rttMax;
        Integer maxRttPenalty;
        List<String> keys;

        InterfaceSettings build() {
            return new InterfaceSettings(type, helloInterval, updateInterval, rxcost, linkQuality, splitHorizon,
                    unicast, enableTimestamps, rfc6126Compatible, acceptBadSignatures, v4ViaV6, probeMtu, rttDecay,
                    rttMin, rttMax, maxRttPenalty, keys);
        }
    }
}
