package org.jbabel.xlat.nat426;

import org.jbabel.wire.IpAddress;

/**
 * What {@link ResolverEngine} does to the world, one call per effect. The extension carries them out (UDP on
 * {@link ResolverMessage#PORT}); tests record them. No method may call back into the engine.
 */
public interface ResolverOutput {

    /** Floods a query to the mesh (mmfd0 when mmfd runs, else {@link ResolverMessage#GROUP} on Babel's interfaces). */
    void flood(byte[] datagram);

    /** Sends an answer to the node that asked. */
    void unicast(IpAddress destination, byte[] datagram);

    /** A held packet whose pair is known now: handle it again (the table has the pair). */
    void release(byte[] packet);

    /** Increments a counter (names: {@link ResolverEngine}). */
    void count(String counter);
}
