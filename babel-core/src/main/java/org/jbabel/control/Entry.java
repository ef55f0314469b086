package org.jbabel.control;

/**
 * One line of a dump: an interface, a neighbour, an xroute (a locally originated route), a route, or an object of an
 * extension's section. Entries are
 * immutable values; {@link #key()} is the identity under which {@link StateDiff} recognises the same object in
 * two snapshots (so that a changed field gives {@code change}, not {@code flush} and {@code add}).
 */
public sealed interface Entry permits InterfaceEntry, NeighbourEntry, XrouteEntry, RouteEntry,
        ExtensionEntry {

    /** The identity of the object this entry describes; equal keys in two snapshots mean the same object. */
    Object key();
}
