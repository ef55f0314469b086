package org.jbabel.kernel;

import java.util.List;
import java.util.Optional;

/** The kernel's interfaces and their addresses, and notifications of changes to them and to routes. */
public interface LinkMonitor extends AutoCloseable {

    /** Every interface, in ifindex order. */
    List<Link> links();

    /** Every address on every interface. */
    List<InterfaceAddress> addresses();

    /** The interface called {@code name}, if there is one. */
    default Optional<Link> link(String name) {
        return links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The addresses on interface {@code ifindex}. */
    default List<InterfaceAddress> addresses(int ifindex) {
        return addresses().stream().filter(a -> a.ifindex() == ifindex).toList();
    }

    /**
     * Starts listening for link, address and route notifications. Events that happen after this call
     * returns are delivered; call {@link #links()}, {@link #addresses()} and {@link Fib#routes()} after
     * subscribing to have no gap.
     */
    KernelEvents subscribe();

    @Override
    void close();
}
