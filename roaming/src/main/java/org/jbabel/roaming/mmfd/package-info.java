/**
 * mmfd, the mesh multicast flooding service (docs/CONFIGURATION.md "mmfd", spec roaming.md §2): every IPv6
 * multicast packet the kernel routes into the TUN device {@code mmfd0} is flooded to every other mmfd node of the
 * mesh and written into their {@code mmfd0} exactly once. Wire-compatible with the C mmfd of Freifunk Gluon.
 *
 * <p>{@link org.jbabel.roaming.mmfd.MmfdEngine} is the sans-IO core (neighbour table, duplicate cache, flooding),
 * driven with the caller's time and answering through {@link org.jbabel.roaming.mmfd.MmfdEngine.Output};
 * {@link org.jbabel.roaming.mmfd.Mmfd} runs it as an {@link org.jbabel.extension.Extension} over nothing but the
 * {@link org.jbabel.extension.ExtensionContext}, so the same class runs in jbabeld and on every simulated node;
 * {@link org.jbabel.roaming.mmfd.MmfdProvider} reads its {@code mmfd} statements.
 *
 * <p>Why here, in the {@code roaming} module: mmfd belongs to the same Gluon layer-3 family as l3roamd and prefixd
 * (the module's purpose), it needs nothing but babel-core, and the services that will ride on it (DDHCP's block
 * messages, respondd-style queries) can depend on this module without pulling in each other. It is a package of its
 * own because it shares no state with the other roaming services.
 */
package org.jbabel.roaming.mmfd;
