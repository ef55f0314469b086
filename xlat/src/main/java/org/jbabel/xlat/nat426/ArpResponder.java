package org.jbabel.xlat.nat426;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * NAT426's side of ARP on the client bridge (docs/XLAT.md decisions 3, 3b and "client-to-client IPv4"): it learns
 * clients from the senders of ARP and from the IPv4 frames they send to an exit MAC, and decides what to answer.
 *
 * <ul>
 *   <li>For the virtual gateway G: {@code XMAC(E)} of the nearest reachable exit E, remembered as that client's exit.
 *   <li>For an exit address E (an address of the exit range whose /96 has a route): {@code XMAC(E)}.
 *   <li>For another client's address: its real MAC once the table knows it ({@link Resolve} asks the caller to start
 *       the resolver otherwise) — never for an address seen on this bridge within the last minute (the client
 *       answers for itself), never for the asker's own address.
 *   <li>Nothing for gratuitous ARP, probes and replies: they are learned from.
 * </ul>
 *
 * <p>When a client sends to an exit that is gone ({@link #exitForFrame}) or a client's exit goes ({@link
 * #exitGone}), it gets a unicast reply {@code G is-at XMAC(E')} for the nearest exit E' so that its ARP cache moves,
 * once per change.
 *
 * <p>Counters: {@code arp_answered}, {@code arp_resolve}, {@code arp_silent_<reason>} ({@link Silence}),
 * {@code sender_reserved} (a sender claiming G or an exit address: not learned), {@code arp_steered},
 * {@code frame_no_exit}.
 */
public final class ArpResponder {

    /** What to do about a request. */
    public sealed interface Decision permits Answer, Resolve, AskExit, Silent {}

    /** Send this frame on the bridge. */
    public record Answer(ArpFrame reply) implements Decision {}

    /** Say nothing now; ask the mesh for the MAC of {@code address} (the client will ask again). */
    public record Resolve(int address) implements Decision {}

    /**
     * Say nothing now; ask the mesh about the client {@code mac} (the resolver's answer names the exit it uses where
     * it was): a client this node does not know asks for G, perhaps right after a roam. Its next request is answered.
     */
    public record AskExit(long mac) implements Decision {}

    /** Say nothing. */
    public record Silent(Silence why) implements Decision {}

    /** Why nothing is answered. */
    public enum Silence {
        /** A reply, a gratuitous ARP or a probe: learned from, not answered. */
        NOT_A_QUESTION,
        /** The target is the asker's own address. */
        OWN_ADDRESS,
        /** The target was seen on this bridge within the last minute: its owner answers. */
        ON_BRIDGE,
        /** A request for G while no exit is reachable. */
        NO_EXIT,
        /** A request for an address of the exit range that has no route. */
        EXIT_UNREACHABLE;

        String counter() {
            return "arp_silent_" + name().toLowerCase(Locale.ROOT);
        }
    }

    private final int gateway;
    private final ExitMac exitMac;
    private final ClientTable table;
    private final Exits exits;
    private final Consumer<String> counter;
    private final LongPredicate leasedHere;
    /** Clients asked about ({@link AskExit}) and when: each is asked once, its next request answered. */
    private final LinkedHashMap<Long, Long> asked = new LinkedHashMap<>();
    private static final int ASKED_MAX = 1024;
    private static final long ASK_AGAIN = 10_000_000_000L;

    /**
     * @param gateway G, the virtual gateway clients get from DHCP
     * @param exitMac the XMAC layout
     */
    public ArpResponder(int gateway, ExitMac exitMac, ClientTable table, Exits exits, Consumer<String> counter) {
        this(gateway, exitMac, table, exits, counter, mac -> false);
    }

    /**
     * @param leasedHere whether a client got its address from this node's DHCP side (a new client: it is answered
     *     at once, nobody else knows it)
     */
    public ArpResponder(int gateway, ExitMac exitMac, ClientTable table, Exits exits, Consumer<String> counter,
            LongPredicate leasedHere) {
        this.leasedHere = leasedHere;
        this.gateway = gateway;
        this.exitMac = exitMac;
        this.table = table;
        this.exits = exits;
        this.counter = counter;
    }

    /** Learns from an ARP frame seen on the bridge and decides what to answer. */
    public Decision handle(long now, ArpFrame f) {
        learn(now, f.senderMac(), f.senderIp());
        if (!f.isRequest() || f.isAnnouncementOrProbe()) {
            return silent(Silence.NOT_A_QUESTION);
        }
        int target = f.targetIp();
        if (target == gateway) {
            int slot = table.slotOfMac(now, f.senderMac());
            long e = keptExit(f, slot);
            if (e == Exits.NONE) {
                return silent(Silence.NO_EXIT);
            }
            if ((slot < 0 || table.exit(slot) == ClientTable.NO_EXIT) && !isExitMac(f.ethDestination())
                    && !leasedHere.test(f.senderMac()) && firstAsk(now, f.senderMac())) {
                counter.accept("arp_ask_exit");
                return new AskExit(f.senderMac());
            }
            if (slot >= 0) {
                table.setExit(slot, e);
            }
            return answer(exitMac.of((int) e), f);
        }
        if (exits.inExitRange(target)) {
            return exits.reachable(target) ? answer(exitMac.of(target), f) : silent(Silence.EXIT_UNREACHABLE);
        }
        int slot = table.slotOfIp(now, target);
        if (slot < 0) {
            counter.accept("arp_resolve");
            return new Resolve(target);
        }
        if (table.mac(slot) == f.senderMac()) {
            return silent(Silence.OWN_ADDRESS);
        }
        if (table.onBridge(slot, now)) {
            return silent(Silence.ON_BRIDGE);
        }
        return answer(table.mac(slot), f);
    }

    /** Whether the client {@code mac} has not been asked about within {@link #ASK_AGAIN}; remembers the ask. */
    private boolean firstAsk(long now, long mac) {
        Long at = asked.get(mac);
        if (at != null && now - at < ASK_AGAIN) {
            return false;
        }
        asked.remove(mac);
        if (asked.size() >= ASKED_MAX) {
            asked.remove(asked.keySet().iterator().next());
        }
        asked.put(mac, now);
        return true;
    }

    /**
     * The exit a client asking for G keeps: the one its request is addressed to (a unicast refresh of its ARP entry,
     * sent to the exit MAC it holds: after a roam the new node sees it first), else the one the table knows it uses,
     * while that exit is reachable; else the nearest. A client keeps its exit as long as the exit lasts, so its
     * connections survive a roam (docs/XLAT.md decision 3).
     */
    private long keptExit(ArpFrame f, int slot) {
        if (isExitMac(f.ethDestination()) && exits.reachable(ExitMac.exitOf(f.ethDestination()))) {
            return ExitMac.exitOf(f.ethDestination()) & 0xffff_ffffL;
        }
        if (slot >= 0 && table.exit(slot) != ClientTable.NO_EXIT && exits.reachable((int) table.exit(slot))) {
            return table.exit(slot);
        }
        return exits.nearest();
    }

    /**
     * Whether a frame to {@code mac} is for an exit: XMAC of an address in the exit range. (A client's random MAC
     * with the exit MAC prefix whose other 32 bits are outside the exit range is a client's.) Allocates nothing.
     */
    public boolean isExitMac(long mac) {
        return exitMac.matches(mac) && exits.inExitRange(ExitMac.exitOf(mac));
    }

    /**
     * The exit an IPv4 frame from a client to {@code XMAC(exitInMac)} ({@link #isExitMac}) is translated towards:
     * that exit while it is reachable, else the nearest one, {@link Exits#NONE} when there is none (counted
     * {@code frame_no_exit}). Learns the frame's source pair. When the client is sent elsewhere than its frame says
     * and has not been told yet, {@code send} gets the unicast {@code G is-at XMAC(E')} for it. Allocates nothing
     * unless it steers.
     */
    public long exitForFrame(long now, long clientMac, int clientIp, int exitInMac, Consumer<byte[]> send) {
        learn(now, clientMac, clientIp);
        int slot = table.slotOfMac(now, clientMac);
        if (exits.reachable(exitInMac)) {
            if (slot >= 0) {
                table.setExit(slot, exitInMac & 0xffff_ffffL);
            }
            return exitInMac & 0xffff_ffffL;
        }
        long e = exits.nearest();
        if (e == Exits.NONE) {
            counter.accept("frame_no_exit");
            return Exits.NONE;
        }
        if (slot >= 0 && table.exit(slot) != e) {
            table.setExit(slot, e);
            send.accept(steer(clientMac, clientIp, e).encode());
        }
        return e;
    }

    /**
     * Exit {@code exit} went away: the unicast replies {@code G is-at XMAC(E')} that move the local clients using it
     * to the nearest exit E' (none when no exit is left; those clients are steered by their next frame).
     */
    public List<ArpFrame> exitGone(long now, long exit) {
        long e = exits.nearest();
        List<ArpFrame> out = new ArrayList<>();
        for (int slot : table.localClientsOf(now, (int) exit)) {
            table.setExit(slot, e == Exits.NONE ? ClientTable.NO_EXIT : e);
            if (e != Exits.NONE) {
                out.add(steer(table.mac(slot), table.ip(slot), e));
            }
        }
        return out;
    }

    private ArpFrame steer(long clientMac, int clientIp, long exit) {
        counter.accept("arp_steered");
        return ArpFrame.reply(exitMac.of((int) exit), gateway, clientMac, clientIp);
    }

    private void learn(long now, long senderMac, int senderIp) {
        if (senderIp == 0) {
            return;
        }
        if (senderIp == gateway || exits.inExitRange(senderIp)) {
            counter.accept("sender_reserved");
            return;
        }
        table.learnFrame(now, senderMac, senderIp);
    }

    private Decision answer(long mac, ArpFrame question) {
        counter.accept("arp_answered");
        return new Answer(ArpFrame.reply(mac, question.targetIp(), question.senderMac(), question.senderIp()));
    }

    private Decision silent(Silence why) {
        counter.accept(why.counter());
        return new Silent(why);
    }
}
