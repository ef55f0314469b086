package org.jbabel.config;

import java.time.Duration;

/**
 * A line received on the control socket, parsed. Read-only sockets accept only {@link Dump}, {@link Monitor},
 * {@link Unmonitor} and {@link Quit}; read-write sockets also accept the others. Filters and most global options
 * cannot be changed at run time (as in babeld).
 */
public sealed interface RuntimeStatement {

    /** {@code dump}: all interfaces, neighbours, xroutes and routes, then {@code ok}. */
    record Dump() implements RuntimeStatement {}

    /** {@code monitor}: a dump, then every change until {@code unmonitor}. */
    record Monitor() implements RuntimeStatement {}

    /** {@code unmonitor}. */
    record Unmonitor() implements RuntimeStatement {}

    /** {@code quit}: close the connection, without a status line. */
    record Quit() implements RuntimeStatement {}

    /**
     * {@code interface NAME ...}: run on this interface. babeld merges the parameters into the stored statement,
     * but an interface that is already up keeps its running parameters until flushed.
     */
    record AddInterface(InterfaceName name, InterfaceSettings settings) implements RuntimeStatement {}

    /** {@code default ...}: merge into the default interface parameters. */
    record SetDefaults(InterfaceSettings settings) implements RuntimeStatement {}

    /** {@code flush interface NAME}: stop running on the interface and forget its statement. */
    record FlushInterface(String name) implements RuntimeStatement {}

    /** {@code key ...}: define or replace a key. */
    record AddKey(KeyConfig key) implements RuntimeStatement {}

    /** {@code neighbour ADDRESS interface IF} (jbabel): add a unicast neighbour. */
    record AddNeighbour(UnicastNeighbour neighbour) implements RuntimeStatement {}

    /** {@code link-detect BOOL}. */
    record SetLinkDetect(boolean on) implements RuntimeStatement {}

    /** {@code log-file PATH}: switch the log file (and reopen it). */
    record SetLogFile(String path) implements RuntimeStatement {}

    /** {@code smoothing-half-life SECONDS}; zero turns smoothing off. */
    record SetSmoothingHalfLife(Duration halfLife) implements RuntimeStatement {}

    /** {@code reopen-logfile}. */
    record ReopenLogfile() implements RuntimeStatement {}
}
