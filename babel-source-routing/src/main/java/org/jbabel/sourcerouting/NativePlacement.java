package org.jbabel.sourcerouting;

import org.jbabel.kernel.PlainPlacement;
import org.jbabel.wire.Family;

/**
 * Every route goes into the kernel as it is, a source-specific one with its source prefix ({@code RTA_SRC}):
 * right for IPv6 on kernels with subtrees, whose lookup is destination first, then source, as Babel's. One
 * kernel change per route change (two when the kernel's identity of the route, its table or priority, moves).
 */
public final class NativePlacement extends PlainPlacement {

    public NativePlacement(Family family) {
        super(family, Strategy.NATIVE);
    }

    @Override
    public org.jbabel.kernel.Placement fresh() {
        return new NativePlacement(family());
    }
}
