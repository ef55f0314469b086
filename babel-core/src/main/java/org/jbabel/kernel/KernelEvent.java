package org.jbabel.kernel;

/** A change the kernel announced: links, addresses and routes appearing, changing and going away. */
public sealed interface KernelEvent {

    /** A link appeared or changed (flags, MTU, name). */
    record LinkChanged(Link link) implements KernelEvent {}

    /** A link was deleted. */
    record LinkRemoved(int ifindex, String name) implements KernelEvent {}

    /** An address was added or its flags changed (for example, duplicate-address detection finished). */
    record AddressAdded(InterfaceAddress address) implements KernelEvent {}

    /** An address was removed. */
    record AddressRemoved(InterfaceAddress address) implements KernelEvent {}

    /** A route was added or replaced. */
    record RouteAdded(KernelRoute route) implements KernelEvent {}

    /** A route was removed. */
    record RouteRemoved(KernelRoute route) implements KernelEvent {}

    /**
     * Notifications were lost (the kernel's socket buffer overflowed): the receiver must re-read links,
     * addresses and routes in full.
     */
    record Resync() implements KernelEvent {}
}
