package org.jbabel.extension;

import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.NeighbourView;

/**
 * A neighbour appeared ({@code ADDED}), changed ({@code CHANGED}: costs, Hello histories) or was forgotten
 * ({@code REMOVED}, with its last state).
 *
 * @param ifindex the index of the interface it is heard on (0 when that interface is gone)
 * @param bidirectional whether it is usable now: it hears us and we hear it (its cost is finite); false once removed
 * @param transition whether {@code bidirectional} changed with this event: with {@code bidirectional} the neighbour
 *     became usable, without it the neighbour was lost
 */
public record NeighbourEvent(ChangeKind kind, NeighbourView neighbour, int ifindex, boolean bidirectional,
        boolean transition) {

    /** The neighbour became bidirectional with this event. */
    public boolean becameBidirectional() {
        return transition && bidirectional;
    }

    /** The neighbour stopped being bidirectional (or was forgotten while it was) with this event. */
    public boolean lost() {
        return transition && !bidirectional;
    }
}
