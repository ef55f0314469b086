package org.jbabel.xlat.nat64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.wire.IpAddress;

/**
 * The RFC 6146 state of one exit (docs/XLAT.md "RFC 6146 timers"), sans-IO: fed with the transport tuples of the
 * packets the exit translates and with the time, never with packet bytes. It keeps the Binding Information Base of
 * each protocol (inside address and port or ICMP identifier ↔ outside port of the exit's one address A4), mapping
 * endpoint-independently, and the sessions (a binding and a remote IPv4 address and port), filtering
 * address-dependently: a packet from outside passes only from a remote address its binding has sent to.
 *
 * <p>{@link #outbound} and {@link #inbound} answer with a <em>handle</em>, an {@code int} naming the session the
 * packet belongs to (read it with {@link #outsidePort}, {@link #insideHigh} ...; valid until the next call that
 * changes the tables), or with a negative number naming the {@link Drop} (see {@link #drop(int)}); every drop is
 * counted. Nothing is allocated per packet; the tables never hold more than {@code sessionsMax} sessions whatever
 * arrives, and a binding lives as long as it has a session.
 *
 * <p>TCP follows the state machine of RFC 6146 §3.5.2.2 with two documented departures: an incoming SYN without a
 * session is dropped (no V4 INIT state held for 6 s: the exit is for outgoing connections), and a RST in a FIN-received
 * state moves the session to TRANS as in ESTABLISHED (else a reset half-closed connection would hold its port for the
 * established timeout). An established session whose lifetime ends is removed without a probe.
 */
public final class Nat64Sessions {

    /** The translated protocols; ICMP means ICMP query messages (echo), whose identifier stands for the port. */
    public enum Protocol {
        TCP, UDP, ICMP;

        /** {@code tcp}, {@code udp}, {@code icmp}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The TCP states of RFC 6146 §3.5.2.2 a session can be in (CLOSED is no session; V4 INIT is never entered). */
    public enum TcpState {
        V6_INIT, ESTABLISHED, V4_FIN_RCV, V6_FIN_RCV, V6_FIN_V4_FIN_RCV, TRANS;

        /** {@code v6-init}, {@code established}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Why a packet is not translated; {@link #counter()} names its counter. */
    public enum Drop {
        /** A port outside 0..65535, or port 0 for TCP or UDP. */
        BAD_PORT,
        /** A new session would exceed {@code sessions-max}. */
        SESSIONS_MAX,
        /** A new binding finds no free outside port (or ICMP identifier) in the configured range. */
        PORTS_EXHAUSTED,
        /** TCP from inside without a session that is not a SYN. */
        OUTBOUND_NOT_SYN,
        /** From outside to a port (identifier) no binding has. */
        NO_MAPPING,
        /** From outside from a remote address the binding has not sent to (address-dependent filtering). */
        FILTERED,
        /** A TCP SYN from outside without a session (documented departure: no simultaneous open held). */
        INBOUND_SYN,
        /** TCP from outside, from an address the binding has sent to, but without a session and not a SYN. */
        INBOUND_NO_SESSION;

        private final String counter = "dropped_" + name().toLowerCase(Locale.ROOT);

        /** {@code dropped_bad_port}, ... */
        public String counter() {
            return counter;
        }
    }

    /** TCP flag bits as in the TCP header's flags byte. */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    private static final long SECOND = 1_000_000_000L;
    /** RFC 6146 §4 UDP_Default (at least 2 min; 5 min). */
    public static final long UDP_DEFAULT = 300 * SECOND;
    /** RFC 6146 §4 ICMP_Default. */
    public static final long ICMP_DEFAULT = 60 * SECOND;
    /** RFC 6146 §4 TCP_Est: 2 h 4 min. */
    public static final long TCP_EST = (2 * 3600 + 4 * 60) * SECOND;
    /** RFC 6146 §4 TCP_Trans: 4 min. */
    public static final long TCP_TRANS = 240 * SECOND;

    /** What {@code sessions-max} may be at most: handles and the tables' sizes stay small. */
    public static final int SESSIONS_LIMIT = 1 << 20;

    // timer classes: each has one lifetime, so a list in order of refresh is in order of expiry
    private static final int T_UDP = 0;
    private static final int T_ICMP = 1;
    private static final int T_TRANS = 2;
    private static final int T_EST = 3;
    private static final long[] LIFETIME = {UDP_DEFAULT, ICMP_DEFAULT, TCP_TRANS, TCP_EST};
    private static final byte NO_STATE = -1;
    private static final TcpState[] STATES = TcpState.values();
    private static final Protocol[] PROTOCOLS = Protocol.values();
    private static final Drop[] DROPS = Drop.values();
    private static final long V4 = 0xffff_ffffL;

    private final int sessionsMax;
    private final int portLow;
    private final int portHigh;

    // bindings, by slot
    private byte[] bProto;
    private long[] bHigh;
    private long[] bLow;
    private int[] bInPort;
    private int[] bOutPort;
    private int[] bSessions;
    private int bFree = -1;
    private int bUsed;
    private int bindings;
    /** Per protocol: outside port → binding slot + 1 (0: free); allocated at the protocol's first binding. */
    private final int[][] byPort = new int[PROTOCOLS.length][];
    /** Per protocol and parity: the free ports of the range. */
    private final int[][] freePorts = new int[PROTOCOLS.length][2];
    /** (inside high, inside low, protocol ‖ inside port) → binding slot. */
    private final KeyTable bindingByInside;

    // sessions, by slot
    private int[] sBinding;
    private int[] sRemote;
    private int[] sRemotePort;
    private byte[] sState;
    private byte[] sTimer;
    private long[] sExpiry;
    private int[] sNext;
    private int[] sPrev;
    private int sFree = -1;
    private int sUsed;
    private int sessions;
    /** (protocol ‖ outside port, remote address, remote port) → session slot. */
    private final KeyTable sessionByKey;
    /** (protocol ‖ outside port, remote address, 0) → the number of sessions: address-dependent filtering. */
    private final KeyTable remoteAddresses;
    private final int[] head = {-1, -1, -1, -1};
    private final int[] tail = {-1, -1, -1, -1};

    private final long[] drops = new long[DROPS.length];
    private final ExtensionContext.Counters sink;
    private long created;
    private long expired;

    /** Empty tables that only count for {@link #counters()}. */
    public Nat64Sessions(int sessionsMax, int portLow, int portHigh) {
        this(sessionsMax, portLow, portHigh, null);
    }

    /**
     * Empty tables.
     *
     * @param sessionsMax at most this many sessions (1..{@link #SESSIONS_LIMIT})
     * @param portLow the outside port range's first port (1..65535)
     * @param portHigh its last port (portLow..65535)
     * @param sink where every count goes as it happens too, named as in {@link #counters()} (the extension's
     *     counters, which the daemon shows as {@code nat64.NAME}); null: none
     */
    public Nat64Sessions(int sessionsMax, int portLow, int portHigh, ExtensionContext.Counters sink) {
        if (sessionsMax < 1 || sessionsMax > SESSIONS_LIMIT) {
            throw new IllegalArgumentException("sessions-max must be 1.." + SESSIONS_LIMIT + ", not " + sessionsMax);
        }
        if (portLow < 1 || portHigh > 65535 || portLow > portHigh) {
            throw new IllegalArgumentException("not a port range: " + portLow + "-" + portHigh);
        }
        this.sessionsMax = sessionsMax;
        this.portLow = portLow;
        this.portHigh = portHigh;
        this.sink = sink;
        if (sink != null) {
            sink.limit(Drop.SESSIONS_MAX.counter(), "new NAT64 sessions refused: the session table is full (sessions-max "
                    + sessionsMax + ")");
            sink.limit(Drop.PORTS_EXHAUSTED.counter(), "new NAT64 sessions refused: no outside port left (ports "
                    + portLow + "-" + portHigh + ")");
        }
        int even = countParity(portLow, portHigh, 0);
        for (int[] f : freePorts) {
            f[0] = even;
            f[1] = (portHigh - portLow + 1) - even;
        }
        int initial = Math.min(sessionsMax, 256);
        growBindings(initial);
        growSessions(initial);
        bindingByInside = new KeyTable(initial);
        sessionByKey = new KeyTable(initial);
        remoteAddresses = new KeyTable(initial);
    }

    /** The tables of {@code settings}' bounds, counting into {@code sink} (null: none). */
    public static Nat64Sessions of(Nat64Settings settings, ExtensionContext.Counters sink) {
        return new Nat64Sessions(settings.sessionsMax(), settings.portLow(), settings.portHigh(), sink);
    }

    private static int countParity(int low, int high, int parity) {
        int first = (low & 1) == parity ? low : low + 1;
        return first > high ? 0 : (high - first) / 2 + 1;
    }

    // ---- the packet path ----

    /**
     * A packet from inside: {@code src6}:{@code srcPort} (an ICMP query's identifier) to {@code dst4}:{@code dstPort}
     * (ignored for ICMP) with the TCP flags {@code tcpFlags} (ignored but for TCP).
     *
     * @return the session's handle (its outside port is {@link #outsidePort}), or a negative number naming the drop
     */
    public int outbound(long now, Protocol protocol, long src6High, long src6Low, int srcPort, int dst4, int dstPort,
            int tcpFlags) {
        int p = protocol.ordinal();
        if (protocol == Protocol.ICMP) {
            dstPort = 0;
            if (srcPort < 0 || srcPort > 65535) {
                return drop(Drop.BAD_PORT);
            }
        } else if (srcPort < 1 || srcPort > 65535 || dstPort < 1 || dstPort > 65535) {
            return drop(Drop.BAD_PORT);
        }
        int b = bindingByInside.get(src6High, src6Low, key(p, srcPort));
        if (b >= 0) {
            int s = sessionByKey.get(key(p, bOutPort[b]), dst4 & V4, dstPort);
            if (s >= 0) {
                update(now, s, true, tcpFlags);
                return s;
            }
        }
        if (protocol == Protocol.TCP && !isSyn(tcpFlags)) {
            return drop(Drop.OUTBOUND_NOT_SYN);
        }
        if (sessions >= sessionsMax) {
            return drop(Drop.SESSIONS_MAX);
        }
        if (b < 0) {
            int port = allocatePort(p, srcPort);
            if (port < 0) {
                return drop(Drop.PORTS_EXHAUSTED);
            }
            b = newBinding(p, src6High, src6Low, srcPort, port);
        }
        return newSession(now, b, dst4, dstPort, protocol == Protocol.TCP ? TcpState.V6_INIT.ordinal() : NO_STATE);
    }

    /** {@link #outbound(long, Protocol, long, long, int, int, int, int)} with address values (tests, tools). */
    public int outbound(long now, Protocol protocol, IpAddress src6, int srcPort, IpAddress dst4, int dstPort,
            int tcpFlags) {
        return outbound(now, protocol, src6.hi(), src6.lo(), srcPort, dst4.v4Bits(), dstPort, tcpFlags);
    }

    /**
     * A packet from outside: {@code src4}:{@code srcPort} (ignored for ICMP) to the exit's {@code dstPort} (an ICMP
     * query reply's identifier) with the TCP flags {@code tcpFlags}.
     *
     * @return the session's handle (the inside address and port are {@link #insideHigh}, {@link #insideLow},
     *     {@link #insidePort}), or a negative number naming the drop
     */
    public int inbound(long now, Protocol protocol, int src4, int srcPort, int dstPort, int tcpFlags) {
        int p = protocol.ordinal();
        if (protocol == Protocol.ICMP) {
            srcPort = 0;
            if (dstPort < 0 || dstPort > 65535) {
                return drop(Drop.BAD_PORT);
            }
        } else if (srcPort < 1 || srcPort > 65535 || dstPort < 1 || dstPort > 65535) {
            return drop(Drop.BAD_PORT);
        }
        int[] ports = byPort[p];
        int b = ports == null ? -1 : ports[dstPort] - 1;
        if (b >= 0) {
            int s = sessionByKey.get(key(p, dstPort), src4 & V4, srcPort);
            if (s >= 0) {
                update(now, s, false, tcpFlags);
                return s;
            }
        }
        if (protocol == Protocol.TCP && isSyn(tcpFlags)) {
            return drop(Drop.INBOUND_SYN);
        }
        if (b < 0) {
            return drop(Drop.NO_MAPPING);
        }
        if (remoteAddresses.get(key(p, dstPort), src4 & V4, 0) < 0) {
            return drop(Drop.FILTERED);
        }
        if (protocol == Protocol.TCP) {
            return drop(Drop.INBOUND_NO_SESSION);
        }
        if (sessions >= sessionsMax) {
            return drop(Drop.SESSIONS_MAX);
        }
        return newSession(now, b, src4, srcPort, NO_STATE);
    }

    /** {@link #inbound(long, Protocol, int, int, int, int)} with an address value. */
    public int inbound(long now, Protocol protocol, IpAddress src4, int srcPort, int dstPort, int tcpFlags) {
        return inbound(now, protocol, src4.v4Bits(), srcPort, dstPort, tcpFlags);
    }

    /**
     * The session of a packet that went out from the exit, {@code outsidePort} to {@code remote}:{@code remotePort}
     * (ignored for ICMP), without touching its state or lifetime, or -1: for the packet quoted in an ICMPv4 error
     * from outside (RFC 6146 §3.5.3). Nothing is counted; the caller counts an error without a session.
     */
    public int findOutside(Protocol protocol, int outsidePort, int remote, int remotePort) {
        if (outsidePort < 0 || outsidePort > 65535 || remotePort < 0 || remotePort > 65535) {
            return -1;
        }
        int s = sessionByKey.get(key(protocol.ordinal(), outsidePort), remote & V4,
                protocol == Protocol.ICMP ? 0 : remotePort);
        return s < 0 ? -1 : s;
    }

    /**
     * The session of a packet that went in to {@code inside}:{@code insidePort} from {@code remote}:{@code
     * remotePort} (ignored for ICMP), without touching its state or lifetime, or -1: for the packet quoted in an
     * ICMPv6 error from inside. Nothing is counted.
     */
    public int findInside(Protocol protocol, long insideHigh, long insideLow, int insidePort, int remote,
            int remotePort) {
        if (insidePort < 0 || insidePort > 65535 || remotePort < 0 || remotePort > 65535) {
            return -1;
        }
        int p = protocol.ordinal();
        int b = bindingByInside.get(insideHigh, insideLow, key(p, insidePort));
        if (b < 0) {
            return -1;
        }
        int s = sessionByKey.get(key(p, bOutPort[b]), remote & V4, protocol == Protocol.ICMP ? 0 : remotePort);
        return s < 0 ? -1 : s;
    }

    /** Whether an answer of {@link #outbound} or {@link #inbound} is a drop. */
    public static boolean isDrop(int answer) {
        return answer < 0;
    }

    /** The drop an answer names. */
    public static Drop drop(int answer) {
        if (answer >= 0) {
            throw new IllegalArgumentException("a handle, not a drop: " + answer);
        }
        return DROPS[-answer - 1];
    }

    /** Removes the sessions whose lifetime ended at or before {@code now}; returns how many. */
    public int poll(long now) {
        int n = 0;
        for (int t = 0; t < head.length; t++) {
            while (head[t] >= 0 && sExpiry[head[t]] - now <= 0) {
                removeSession(head[t]);
                n++;
            }
        }
        if (n > 0) {
            expired += n;
            if (sink != null) {
                sink.add("sessions_expired", n);
            }
        }
        return n;
    }

    /** When the next session's lifetime ends ({@link Long#MAX_VALUE} without sessions): when to {@link #poll}. */
    public long nextExpiry() {
        long next = Long.MAX_VALUE;
        for (int h : head) {
            if (h >= 0 && sExpiry[h] < next) {
                next = sExpiry[h];
            }
        }
        return next;
    }

    // ---- a session's fields, by handle ----

    public Protocol protocol(int handle) {
        return PROTOCOLS[bProto[sBinding[handle]]];
    }

    /** The high 64 bits of the inside IPv6 address. */
    public long insideHigh(int handle) {
        return bHigh[sBinding[handle]];
    }

    public long insideLow(int handle) {
        return bLow[sBinding[handle]];
    }

    /** The inside port (ICMP: identifier). */
    public int insidePort(int handle) {
        return bInPort[sBinding[handle]];
    }

    /** The outside port (ICMP: identifier) on the exit's address. */
    public int outsidePort(int handle) {
        return bOutPort[sBinding[handle]];
    }

    /** The remote IPv4 address. */
    public int remote(int handle) {
        return sRemote[handle];
    }

    /** The remote port (0 for ICMP). */
    public int remotePort(int handle) {
        return sRemotePort[handle];
    }

    /** The TCP state, or null for UDP and ICMP. */
    public TcpState tcpState(int handle) {
        return sState[handle] == NO_STATE ? null : STATES[sState[handle]];
    }

    /** When the session's lifetime ends. */
    public long expiry(int handle) {
        return sExpiry[handle];
    }

    // ---- the whole tables ----

    public int sessionCount() {
        return sessions;
    }

    public int bindingCount() {
        return bindings;
    }

    public int sessionsMax() {
        return sessionsMax;
    }

    /** How many packets were dropped for {@code reason}. */
    public long dropped(Drop reason) {
        return drops[reason.ordinal()];
    }

    /**
     * The counters, named as the extension reports them under {@code nat64.}: {@code sessions_created},
     * {@code sessions_expired} and one {@link Drop#counter()} per drop reason.
     */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sessions_created", created);
        m.put("sessions_expired", expired);
        for (Drop d : DROPS) {
            m.put(d.counter(), drops[d.ordinal()]);
        }
        return m;
    }

    /**
     * One session as the control socket shows it.
     *
     * @param tcpState null for UDP and ICMP
     * @param expiry when its lifetime ends (the clock of {@link #outbound})
     */
    public record Session(Protocol protocol, IpAddress inside, int insidePort, int outsidePort, IpAddress remote,
            int remotePort, TcpState tcpState, long expiry) {}

    /** The sessions, ordered by protocol, outside port, remote address and port. */
    public List<Session> sessions() {
        List<Session> list = new ArrayList<>(sessions);
        for (int s = 0; s < sUsed; s++) {
            if (sBinding[s] >= 0) {
                list.add(new Session(protocol(s), IpAddress.v6(insideHigh(s), insideLow(s)), insidePort(s),
                        outsidePort(s), IpAddress.v4(sRemote[s]), sRemotePort[s], tcpState(s), sExpiry[s]));
            }
        }
        list.sort((a, b) -> {
            int c = a.protocol().compareTo(b.protocol());
            if (c == 0) {
                c = Integer.compare(a.outsidePort(), b.outsidePort());
            }
            if (c == 0) {
                c = a.remote().compareTo(b.remote());
            }
            return c != 0 ? c : Integer.compare(a.remotePort(), b.remotePort());
        });
        return list;
    }

    // ---- state changes ----

    private static boolean isSyn(int flags) {
        return (flags & (SYN | RST)) == SYN;
    }

    private static long key(int protocol, int port) {
        return ((long) protocol << 16) | port;
    }

    private int drop(Drop reason) {
        drops[reason.ordinal()]++;
        if (sink != null) {
            sink.increment(reason.counter());
        }
        return -reason.ordinal() - 1;
    }

    /** A packet of session {@code s} from inside ({@code fromInside}) or outside: RFC 6146 §3.5.1-3.5.2.2. */
    private void update(long now, int s, boolean fromInside, int flags) {
        byte state = sState[s];
        if (state == NO_STATE) {
            refresh(now, s, sTimer[s]);
            return;
        }
        boolean rst = (flags & RST) != 0;
        boolean syn = !rst && (flags & SYN) != 0;
        boolean fin = !rst && !syn && (flags & FIN) != 0;
        switch (STATES[state]) {
            case V6_INIT -> {
                if (syn && !fromInside) {
                    move(now, s, TcpState.ESTABLISHED, T_EST);
                } else if (syn) {
                    refresh(now, s, T_TRANS);
                }
            }
            case ESTABLISHED -> {
                if (rst) {
                    move(now, s, TcpState.TRANS, T_TRANS);
                } else if (fin) {
                    move(now, s, fromInside ? TcpState.V6_FIN_RCV : TcpState.V4_FIN_RCV, T_EST);
                } else {
                    refresh(now, s, T_EST);
                }
            }
            case V4_FIN_RCV, V6_FIN_RCV -> {
                boolean otherFin = fin && fromInside == (STATES[state] == TcpState.V4_FIN_RCV);
                if (rst) {
                    move(now, s, TcpState.TRANS, T_TRANS);
                } else if (otherFin) {
                    move(now, s, TcpState.V6_FIN_V4_FIN_RCV, T_TRANS);
                } else {
                    refresh(now, s, T_EST);
                }
            }
            case V6_FIN_V4_FIN_RCV -> {
                // translated; the lifetime runs out
            }
            case TRANS -> {
                if (!rst) {
                    move(now, s, TcpState.ESTABLISHED, T_EST);
                }
            }
        }
    }

    private void move(long now, int s, TcpState to, int timer) {
        sState[s] = (byte) to.ordinal();
        refresh(now, s, timer);
    }

    /**
     * Moves {@code s} to the tail of timer list {@code t}, its lifetime ending {@code LIFETIME[t]} after now (or with
     * the tail's, should the clock have gone back: the list stays in order of expiry whatever the caller's time).
     */
    private void refresh(long now, int s, int t) {
        unlink(s);
        long expiry = now + LIFETIME[t];
        if (tail[t] >= 0 && sExpiry[tail[t]] - expiry > 0) {
            expiry = sExpiry[tail[t]];
        }
        sTimer[s] = (byte) t;
        sExpiry[s] = expiry;
        sPrev[s] = tail[t];
        sNext[s] = -1;
        if (tail[t] >= 0) {
            sNext[tail[t]] = s;
        } else {
            head[t] = s;
        }
        tail[t] = s;
    }

    private void unlink(int s) {
        int t = sTimer[s];
        if (t < 0) {
            return;
        }
        if (sPrev[s] >= 0) {
            sNext[sPrev[s]] = sNext[s];
        } else {
            head[t] = sNext[s];
        }
        if (sNext[s] >= 0) {
            sPrev[sNext[s]] = sPrev[s];
        } else {
            tail[t] = sPrev[s];
        }
        sTimer[s] = -1;
    }

    /**
     * The inside port when it is in the range and free (port preservation), else the next free one of the range
     * with its parity (wrapping around), else the next free one of the other parity; -1 when the range is full.
     */
    private int allocatePort(int p, int insidePort) {
        int[] ports = byPort[p];
        if (ports == null) {
            ports = byPort[p] = new int[65536];
        }
        boolean inRange = insidePort >= portLow && insidePort <= portHigh;
        if (inRange && ports[insidePort] == 0) {
            return insidePort;
        }
        int parity = insidePort & 1;
        for (int pass = 0; pass < 2; pass++, parity ^= 1) {
            int n = freePorts[p][parity];
            if (n == 0) {
                continue;
            }
            int first = (portLow & 1) == parity ? portLow : portLow + 1;
            int c = inRange && (insidePort & 1) == parity ? insidePort : first;
            int candidates = countParity(portLow, portHigh, parity);
            for (int i = 0; i < candidates; i++) {
                if (ports[c] == 0) {
                    return c;
                }
                c += 2;
                if (c > portHigh) {
                    c = first;
                }
            }
        }
        return -1;
    }

    private int newBinding(int p, long high, long low, int inPort, int outPort) {
        int b;
        if (bFree >= 0) {
            b = bFree;
            bFree = bSessions[b];
        } else {
            if (bUsed == bProto.length) {
                growBindings(Math.min(sessionsMax, bProto.length * 2));
            }
            b = bUsed++;
        }
        bProto[b] = (byte) p;
        bHigh[b] = high;
        bLow[b] = low;
        bInPort[b] = inPort;
        bOutPort[b] = outPort;
        bSessions[b] = 0;
        bindingByInside.put(high, low, key(p, inPort), b);
        byPort[p][outPort] = b + 1;
        freePorts[p][outPort & 1]--;
        bindings++;
        return b;
    }

    private void removeBinding(int b) {
        int p = bProto[b];
        bindingByInside.remove(bHigh[b], bLow[b], key(p, bInPort[b]));
        byPort[p][bOutPort[b]] = 0;
        freePorts[p][bOutPort[b] & 1]++;
        bProto[b] = -1;
        bSessions[b] = bFree;
        bFree = b;
        bindings--;
    }

    private int newSession(long now, int b, int remote, int remotePort, int state) {
        int s;
        if (sFree >= 0) {
            s = sFree;
            sFree = sNext[s];
        } else {
            if (sUsed == sBinding.length) {
                growSessions(Math.min(sessionsMax, sBinding.length * 2));
            }
            s = sUsed++;
        }
        int p = bProto[b];
        sBinding[s] = b;
        sRemote[s] = remote;
        sRemotePort[s] = remotePort;
        sState[s] = (byte) state;
        sTimer[s] = -1;
        long k = key(p, bOutPort[b]);
        sessionByKey.put(k, remote & V4, remotePort, s);
        int n = remoteAddresses.get(k, remote & V4, 0);
        remoteAddresses.put(k, remote & V4, 0, n < 0 ? 1 : n + 1);
        bSessions[b]++;
        sessions++;
        created++;
        if (sink != null) {
            sink.increment("sessions_created");
        }
        int timer = p == Protocol.UDP.ordinal() ? T_UDP : p == Protocol.ICMP.ordinal() ? T_ICMP : T_TRANS;
        refresh(now, s, timer);
        return s;
    }

    private void removeSession(int s) {
        unlink(s);
        int b = sBinding[s];
        long k = key(bProto[b], bOutPort[b]);
        long remote = sRemote[s] & V4;
        sessionByKey.remove(k, remote, sRemotePort[s]);
        int n = remoteAddresses.get(k, remote, 0);
        if (n <= 1) {
            remoteAddresses.remove(k, remote, 0);
        } else {
            remoteAddresses.put(k, remote, 0, n - 1);
        }
        if (--bSessions[b] == 0) {
            removeBinding(b);
        }
        sBinding[s] = -1;
        sNext[s] = sFree;
        sFree = s;
        sessions--;
    }

    private void growBindings(int capacity) {
        int old = bProto == null ? 0 : bProto.length;
        bProto = bProto == null ? new byte[capacity] : Arrays.copyOf(bProto, capacity);
        bHigh = bHigh == null ? new long[capacity] : Arrays.copyOf(bHigh, capacity);
        bLow = bLow == null ? new long[capacity] : Arrays.copyOf(bLow, capacity);
        bInPort = bInPort == null ? new int[capacity] : Arrays.copyOf(bInPort, capacity);
        bOutPort = bOutPort == null ? new int[capacity] : Arrays.copyOf(bOutPort, capacity);
        bSessions = bSessions == null ? new int[capacity] : Arrays.copyOf(bSessions, capacity);
        Arrays.fill(bProto, old, capacity, (byte) -1);
    }

    private void growSessions(int capacity) {
        int old = sBinding == null ? 0 : sBinding.length;
        sBinding = sBinding == null ? new int[capacity] : Arrays.copyOf(sBinding, capacity);
        sRemote = sRemote == null ? new int[capacity] : Arrays.copyOf(sRemote, capacity);
        sRemotePort = sRemotePort == null ? new int[capacity] : Arrays.copyOf(sRemotePort, capacity);
        sState = sState == null ? new byte[capacity] : Arrays.copyOf(sState, capacity);
        sTimer = sTimer == null ? new byte[capacity] : Arrays.copyOf(sTimer, capacity);
        sExpiry = sExpiry == null ? new long[capacity] : Arrays.copyOf(sExpiry, capacity);
        sNext = sNext == null ? new int[capacity] : Arrays.copyOf(sNext, capacity);
        sPrev = sPrev == null ? new int[capacity] : Arrays.copyOf(sPrev, capacity);
        Arrays.fill(sBinding, old, capacity, -1);
    }

    /**
     * What is wrong with the tables' invariants, or null: every session's binding lives and counts it, the indexes
     * hold exactly the live entries, no outside port belongs to two bindings of a protocol, every port is in the
     * range, the counts are within bounds, every live session is in its timer list once, in order of expiry. For
     * tests.
     */
    String inconsistency() {
        if (sessions > sessionsMax || bindings > sessions) {
            return "counts " + sessions + " sessions, " + bindings + " bindings, max " + sessionsMax;
        }
        int[] perBinding = new int[bProto.length];
        int live = 0;
        for (int s = 0; s < sUsed; s++) {
            int b = sBinding[s];
            if (b < 0) {
                continue;
            }
            live++;
            if (bProto[b] < 0) {
                return "session " + s + " of a free binding";
            }
            perBinding[b]++;
            long k = key(bProto[b], bOutPort[b]);
            if (sessionByKey.get(k, sRemote[s] & V4, sRemotePort[s]) != s) {
                return "session " + s + " not indexed";
            }
            if (remoteAddresses.get(k, sRemote[s] & V4, 0) < 1) {
                return "session " + s + "'s remote address not counted";
            }
            if (sTimer[s] < 0) {
                return "session " + s + " without a timer";
            }
        }
        if (live != sessions || sessionByKey.size() != sessions) {
            return "session count " + sessions + ", live " + live + ", indexed " + sessionByKey.size();
        }
        int liveBindings = 0;
        int[] usedPorts = new int[PROTOCOLS.length];
        for (int b = 0; b < bUsed; b++) {
            if (bProto[b] < 0) {
                continue;
            }
            liveBindings++;
            int p = bProto[b];
            if (perBinding[b] == 0 || perBinding[b] != bSessions[b]) {
                return "binding " + b + " counts " + bSessions[b] + " sessions, has " + perBinding[b];
            }
            if (bOutPort[b] < portLow || bOutPort[b] > portHigh || byPort[p][bOutPort[b]] != b + 1) {
                return "binding " + b + "'s port " + bOutPort[b];
            }
            if (bindingByInside.get(bHigh[b], bLow[b], key(p, bInPort[b])) != b) {
                return "binding " + b + " not indexed";
            }
            usedPorts[p]++;
        }
        if (liveBindings != bindings || bindingByInside.size() != bindings) {
            return "binding count " + bindings + ", live " + liveBindings + ", indexed " + bindingByInside.size();
        }
        for (int p = 0; p < PROTOCOLS.length; p++) {
            int inTable = 0;
            if (byPort[p] != null) {
                for (int port = 0; port < 65536; port++) {
                    inTable += byPort[p][port] != 0 ? 1 : 0;
                }
            }
            int free = freePorts[p][0] + freePorts[p][1];
            if (inTable != usedPorts[p] || free != portHigh - portLow + 1 - usedPorts[p]) {
                return PROTOCOLS[p] + ": " + inTable + " ports mapped, " + usedPorts[p] + " bindings, " + free
                        + " free";
            }
        }
        int listed = 0;
        for (int t = 0; t < head.length; t++) {
            long last = Long.MIN_VALUE;
            for (int s = head[t], prev = -1; s >= 0; prev = s, s = sNext[s]) {
                if (sBinding[s] < 0 || sTimer[s] != t || sPrev[s] != prev || sExpiry[s] < last) {
                    return "timer list " + t + " at session " + s;
                }
                last = sExpiry[s];
                listed++;
                if (listed > sessions) {
                    return "timer lists longer than the sessions";
                }
            }
        }
        return listed == sessions ? null : listed + " sessions in timer lists of " + sessions;
    }

    /** The IPv6 address of a session's inside end, as a value (control, tests). */
    public IpAddress inside(int handle) {
        return IpAddress.v6(insideHigh(handle), insideLow(handle));
    }
}
