package org.jbabel.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.RouterId;

/**
 * Drives the sans-IO engine on the daemon's event loop: every input (a packet, a kernel change, an extension's call,
 * the engine's timer) is followed, at the end of that turn of the loop, by one carrying-out of the engine's actions:
 * packets sent, one batch of kernel route changes, the state file written, the control socket told, and the timer
 * set for the engine's next wake-up. Routes the kernel refuses go back to the engine, and another turn follows.
 */
final class EngineDriver {

    /**
     * Packets the engine takes before their actions are carried out, at most: datagrams that waited while the loop
     * was busy (up to the poller's 1,024) are taken in one go, and without a bound a flood's whole backlog — a route
     * cap's worth of kernel changes and updates, several times over — would be held in one turn.
     */
    static final int MAX_PACKETS_PER_TURN = 64;
    /**
     * Actions after which the engine's are carried out at once, before the next packet: one packet can bring a
     * neighbour's whole share of the table (an IHU that changes its cost changes the route to each of its
     * destinations), and a turn holds at most about one such burst on top of this.
     */
    static final int MAX_ACTIONS_PER_TURN = 4_096;

    private final DaemonLoop loop;
    private final PacketPath packets;
    private final KernelWriter kernelWriter;
    private final Path stateFile;
    private final ErrorLog errors;
    private final Map<String, Long> counters;
    private final Runnable afterTurn;
    private BabelEngine engine;
    private LimitReporter limitReporter;
    private boolean turnQueued;
    /** Packets given to the engine since its actions were last carried out. */
    private int packetsThisTurn;
    private DaemonLoop.Timer timer;
    private long timerAt = Long.MAX_VALUE;
    /** Set on stop, or from any thread after a fatal error: nothing more is carried out. */
    private volatile boolean halted;

    /**
     * @param stateFile where the router-id and seqno are kept, or null
     * @param counters the daemon's own counters
     * @param afterTurn run at the end of every turn (the control socket's change notification)
     */
    EngineDriver(DaemonLoop loop, PacketPath packets, KernelWriter kernelWriter, Path stateFile, ErrorLog errors,
            Map<String, Long> counters, Runnable afterTurn) {
        this.loop = loop;
        this.packets = packets;
        this.kernelWriter = kernelWriter;
        this.stateFile = stateFile;
        this.errors = errors;
        this.counters = counters;
        this.afterTurn = afterTurn;
    }

    /** Starts driving {@code e}. */
    void start(BabelEngine e, LimitReporter reporter) {
        this.engine = e;
        this.limitReporter = reporter;
    }

    /** The engine, or null before start. */
    BabelEngine engine() {
        return engine;
    }

    boolean running() {
        return engine != null && !halted;
    }

    /** A packet for the engine. */
    void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {
        if (running()) {
            engine.receive(now, ifname, source, destination, packet);
            if (++packetsThisTurn >= MAX_PACKETS_PER_TURN || engine.pendingActions() >= MAX_ACTIONS_PER_TURN) {
                endOfTurn();
            } else {
                queueTurn();
            }
        }
    }

    /** Arranges for the engine's actions to be carried out after the I/O and tasks of this turn of the loop. */
    void queueTurn() {
        if (!turnQueued && running()) {
            turnQueued = true;
            loop.execute(this::endOfTurn);
        }
    }

    /** Carries out what the engine wants now (also called directly at start). */
    void endOfTurn() {
        turnQueued = false;
        packetsThisTurn = 0;
        if (!running()) {
            return;
        }
        carryOut(engine.pollActions());
        kernelWriter.flush();
        List<Action.FibUpdate> refused = kernelWriter.takeRefused();
        if (!refused.isEmpty()) {
            // Routes the kernel would not take: the engine stops showing and announcing them; another turn carries
            // out what it does instead.
            long now = System.nanoTime();
            refused.forEach(u -> engine.kernelRefused(now, u));
            queueTurn();
        }
        limitReporter.check(engine.counters(), System.nanoTime());
        schedule(engine.nextWakeup());
        afterTurn.run();
    }

    /**
     * The clean exit's last engine turn: retractions and goodbye Hellos sent (each is with the kernel when this
     * returns), the state file written. Nothing is carried out after it.
     */
    void shutdown() {
        halt();
        if (engine == null) {
            return;
        }
        engine.shutdown(System.nanoTime());
        carryOut(engine.pollActions());
        writeState(engine.routerId(), engine.seqno());
    }

    /** Stops driving; callable from any thread. */
    void halt() {
        halted = true;
        if (loop.inLoop() && timer != null) {
            timer.cancel();
        }
    }

    private void tick() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        if (running()) {
            engine.tick(System.nanoTime());
            queueTurn();
        }
    }

    private void carryOut(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> packets.send(s);
                case Action.FibUpdate u -> kernelWriter.update(u);
                case Action.StateChanged st -> writeState(st.routerId(), st.seqno());
            }
        }
    }

    private void schedule(long wakeup) {
        if (wakeup == Long.MAX_VALUE || (timer != null && timerAt <= wakeup)) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerAt = wakeup;
        long delay = Math.max(0, wakeup - System.nanoTime());
        timer = loop.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
    }

    private void writeState(RouterId id, int seqno) {
        if (stateFile == null) {
            return;
        }
        try {
            new StateFile(id, seqno).write(stateFile);
        } catch (IOException e) {
            counters.merge("state_file_write_failed", 1L, Long::sum);
            errors.report("cannot write the state file " + stateFile, e);
        }
    }
}
