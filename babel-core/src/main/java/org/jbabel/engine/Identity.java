package org.jbabel.engine;

import java.util.List;
import org.jbabel.wire.RouterId;

/**
 * Who we are on the wire: our router-id and the seqno our own routes are announced with (RFC 8966 §3.2). The driver
 * is told every seqno, so that a restart can continue from it ({@link Action.StateChanged}).
 */
final class Identity {
    private final RouterId routerId;
    private int seqno;
    private final List<Action> actions;

    Identity(RouterId routerId, int seqno, List<Action> actions) {
        this.routerId = routerId;
        this.seqno = seqno & 0xFFFF;
        this.actions = actions;
        actions.add(new Action.StateChanged(routerId, this.seqno));
    }

    RouterId routerId() {
        return routerId;
    }

    int seqno() {
        return seqno;
    }

    /** Increments our seqno (RFC 8966 §3.8.1.2), and tells the driver. */
    void increment() {
        seqno = Seqno.plus(seqno, 1);
        actions.add(new Action.StateChanged(routerId, seqno));
    }
}
