package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.RouteChange;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat426.ArpResponder.Answer;
import org.jbabel.xlat.nat426.ArpResponder.Decision;
import org.jbabel.xlat.nat426.ArpResponder.Resolve;
import org.jbabel.xlat.nat426.ArpResponder.Silence;
import org.jbabel.xlat.nat426.ArpResponder.Silent;
import org.junit.jupiter.api.Test;

/** Every ARP rule of docs/XLAT.md decisions 3, 3b and "client-to-client IPv4". */
class ArpResponderTest {

    static final long S = 1_000_000_000L;
    static final int G = v4("10.20.0.1");
    static final int E1 = ExitsTest.E1;
    static final int E2 = ExitsTest.E2;
    static final long X = 0x5254_0000_0001L;
    static final int XA = v4("10.20.0.5");
    static final long Y = 0x5254_0000_0002L;
    static final int YA = v4("10.20.0.6");

    final Counts counts = new Counts();
    final ClientTable table = new ClientTable(16, counts);
    final Exits exits = new Exits(ExitsTest.MP, ExitsTest.EXIT_RANGE, 16, counts);
    final ArpResponder arp = new ArpResponder(G, ExitMac.DEFAULT, table, exits, counts);

    static int v4(String s) {
        return IpAddress.parse(s).v4Bits();
    }

    void exit(int e, int metric) {
        exits.changed(new RouteChange(ChangeKind.ADDED, ExitsTest.exitRoute(e, metric)));
    }

    void exitGone(int e) {
        exits.changed(new RouteChange(ChangeKind.REMOVED, ExitsTest.exitRoute(e, 1)));
    }

    static ArpFrame answered(Decision d) {
        assertThat(d).isInstanceOf(Answer.class);
        return ((Answer) d).reply();
    }

    static Silence silent(Decision d) {
        assertThat(d).isInstanceOf(Silent.class);
        return ((Silent) d).why();
    }

    @Test
    void gatewayIsAnsweredWithTheNearestExitsMacAndPinsTheClient() {
        exit(E1, 300);
        exit(E2, 100);
        assertThat(arp.handle(0, ArpFrame.request(X, XA, G))).as("a client new here: the mesh is asked first")
                .isEqualTo(new ArpResponder.AskExit(X));
        ArpFrame reply = answered(arp.handle(0, ArpFrame.request(X, XA, G)));
        assertThat(reply).isEqualTo(ArpFrame.reply(ExitMac.DEFAULT.of(E2), G, X, XA));
        assertThat(table.exit(table.slotOfMac(0, X))).isEqualTo(E2 & 0xffff_ffffL);
        assertThat(table.macOf(0, XA)).as("learned from the sender").isEqualTo(X);
        assertThat(counts.get("arp_answered")).isEqualTo(1);
    }

    /** After a roam the client refreshes its entry for G by unicast to the exit MAC it holds: it keeps that exit. */
    @Test
    void aClientKeepsItsExitWhileItIsReachableWhateverIsNearest() {
        exit(E1, 300);
        exit(E2, 100);
        ArpFrame refresh = new ArpFrame(ExitMac.DEFAULT.of(E1), X, ArpFrame.REQUEST, X, XA, 0, G);
        assertThat(answered(arp.handle(0, refresh)).senderMac()).as("unicast to XMAC(E1)")
                .isEqualTo(ExitMac.DEFAULT.of(E1));
        assertThat(answered(arp.handle(S, ArpFrame.request(X, XA, G))).senderMac())
                .as("broadcast again: the exit the table knows").isEqualTo(ExitMac.DEFAULT.of(E1));
        exitGone(E1);
        assertThat(answered(arp.handle(2 * S, refresh)).senderMac()).as("E1 gone: the nearest")
                .isEqualTo(ExitMac.DEFAULT.of(E2));
    }

    /** A client that roamed here: the resolver's answer names the exit it used; its next request gets that exit. */
    @Test
    void aClientNewHereIsAskedAboutAndKeepsTheExitTheMeshNames() {
        exit(E1, 300);
        exit(E2, 100);
        assertThat(arp.handle(0, ArpFrame.request(X, XA, G))).isEqualTo(new ArpResponder.AskExit(X));
        table.setExit(table.slotOfMac(0, X), E1 & 0xffff_ffffL); // what the resolver's answer does
        assertThat(answered(arp.handle(S, ArpFrame.request(X, XA, G))).senderMac()).isEqualTo(ExitMac.DEFAULT.of(E1));
        assertThat(counts.get("arp_ask_exit")).isEqualTo(1);
    }

    @Test
    void aClientLeasedHereIsAnsweredAtOnce() {
        ArpResponder leasing = new ArpResponder(G, ExitMac.DEFAULT, table, exits, counts, mac -> mac == X);
        exit(E2, 100);
        assertThat(answered(leasing.handle(0, ArpFrame.request(X, XA, G))).senderMac())
                .isEqualTo(ExitMac.DEFAULT.of(E2));
    }

    @Test
    void gatewayWithoutAnyExitIsNotAnswered() {
        assertThat(silent(arp.handle(0, ArpFrame.request(X, XA, G)))).isEqualTo(Silence.NO_EXIT);
        assertThat(counts.get("arp_silent_no_exit")).isEqualTo(1);
    }

    @Test
    void aReachableExitIsAnsweredWithItsOwnMacAnUnreachableOneNot() {
        exit(E1, 300);
        exit(E2, 100);
        assertThat(answered(arp.handle(0, ArpFrame.request(X, XA, E1))).senderMac()).isEqualTo(ExitMac.DEFAULT.of(E1));
        assertThat(silent(arp.handle(0, ArpFrame.request(X, XA, v4("10.255.0.9")))))
                .isEqualTo(Silence.EXIT_UNREACHABLE);
    }

    @Test
    void aRemoteClientIsAnsweredWithItsRealMacOnceKnown() {
        Decision first = arp.handle(0, ArpFrame.request(X, XA, YA));
        assertThat(first).isEqualTo(new Resolve(YA));
        table.learnResolver(S, Y, YA);
        assertThat(answered(arp.handle(2 * S, ArpFrame.request(X, XA, YA))))
                .isEqualTo(ArpFrame.reply(Y, YA, X, XA));
    }

    @Test
    void anAddressSeenOnOurBridgeWithinAMinuteIsLeftToItsOwner() {
        arp.handle(0, ArpFrame.request(Y, YA, G)); // Y speaks on our bridge
        assertThat(silent(arp.handle(59 * S, ArpFrame.request(X, XA, YA)))).isEqualTo(Silence.ON_BRIDGE);
        // a minute later Y may have roamed away: answering with its real MAC is never wrong
        assertThat(answered(arp.handle(60 * S, ArpFrame.request(X, XA, YA))).senderMac()).isEqualTo(Y);
    }

    @Test
    void neverForTheAsker() {
        table.learnResolver(0, X, XA); // X roamed here, the mesh told us its pair
        // the DHCP client's probe (RFC 5227) and the announcement
        assertThat(silent(arp.handle(S, ArpFrame.request(X, 0, XA)))).isEqualTo(Silence.NOT_A_QUESTION);
        assertThat(silent(arp.handle(S, ArpFrame.request(X, XA, XA)))).isEqualTo(Silence.NOT_A_QUESTION);
        // the target is known as the asker's own (here the sender's address is not learned: it claims G)
        assertThat(silent(arp.handle(2 * S, ArpFrame.request(X, G, XA)))).isEqualTo(Silence.OWN_ADDRESS);
        assertThat(counts.get("arp_silent_own_address")).isEqualTo(1);
    }

    @Test
    void repliesAreLearnedFromNotAnswered() {
        ArpFrame reply = ArpFrame.reply(Y, YA, X, XA);
        assertThat(silent(arp.handle(0, reply))).isEqualTo(Silence.NOT_A_QUESTION);
        assertThat(table.macOf(0, YA)).isEqualTo(Y);
        assertThat(table.local(table.slotOfMac(0, Y))).isTrue();
    }

    @Test
    void aSenderClaimingTheGatewayOrAnExitAddressIsNotLearned() {
        arp.handle(0, ArpFrame.request(X, G, XA));
        arp.handle(0, ArpFrame.request(X, E1, XA));
        assertThat(table.size()).isZero();
        assertThat(counts.get("sender_reserved")).isEqualTo(2);
    }

    @Test
    void aFrameToAReachableExitGoesThereAndLearnsTheClient() {
        exit(E1, 300);
        exit(E2, 100);
        List<byte[]> sent = new ArrayList<>();
        assertThat(arp.exitForFrame(0, X, XA, E1, sent::add)).isEqualTo(E1 & 0xffff_ffffL);
        assertThat(sent).isEmpty();
        assertThat(table.macOf(0, XA)).isEqualTo(X);
        assertThat(table.exit(table.slotOfMac(0, X))).isEqualTo(E1 & 0xffff_ffffL);
    }

    @Test
    void aFrameToAGoneExitGoesToTheNearestAndTheClientIsToldOnce() {
        exit(E1, 300);
        exit(E2, 100);
        List<byte[]> sent = new ArrayList<>();
        int gone = v4("10.255.0.7");
        assertThat(arp.exitForFrame(0, X, XA, gone, sent::add)).isEqualTo(E2 & 0xffff_ffffL);
        assertThat(arp.exitForFrame(1, X, XA, gone, sent::add)).isEqualTo(E2 & 0xffff_ffffL);
        assertThat(sent).hasSize(1);
        ArpFrame told = ArpFrame.decode(sent.get(0), sent.get(0).length).frame();
        assertThat(told).isEqualTo(ArpFrame.reply(ExitMac.DEFAULT.of(E2), G, X, XA));
        assertThat(counts.get("arp_steered")).isEqualTo(1);
    }

    @Test
    void anExitMacIsTheXmacOfAnAddressInTheExitRange() {
        assertThat(arp.isExitMac(ExitMac.DEFAULT.of(v4("10.255.0.77")))).isTrue();
        assertThat(arp.isExitMac(ExitMac.DEFAULT.of(v4("10.20.0.77")))).as("a client's random MAC").isFalse();
        assertThat(arp.isExitMac(new ExitMac(0x0a42).of(v4("10.255.0.77")))).isFalse();
    }

    @Test
    void aFrameWithNoExitLeftIsCounted() {
        assertThat(arp.exitForFrame(0, X, XA, E1, b -> {})).isEqualTo(Exits.NONE);
        assertThat(counts.get("frame_no_exit")).isEqualTo(1);
    }

    @Test
    void whenAnExitGoesItsLocalClientsAreMovedToTheNearest() {
        exit(E1, 100);
        exit(E2, 300);
        arp.handle(0, ArpFrame.request(X, XA, G)); // new here: the mesh is asked
        arp.handle(0, ArpFrame.request(X, XA, G)); // X uses E1
        arp.handle(0, ArpFrame.request(Y, YA, E2));
        arp.exitForFrame(0, Y, YA, E2, b -> {}); // Y uses E2
        exitGone(E1);
        assertThat(arp.exitGone(1, E1 & 0xffff_ffffL))
                .containsExactly(ArpFrame.reply(ExitMac.DEFAULT.of(E2), G, X, XA));
        assertThat(table.exit(table.slotOfMac(1, X))).isEqualTo(E2 & 0xffff_ffffL);
        // the last exit goes: nobody to move to; the next frame steers once an exit is back
        exitGone(E2);
        assertThat(arp.exitGone(2, E2 & 0xffff_ffffL)).isEmpty();
        exit(E1, 100);
        List<byte[]> sent = new ArrayList<>();
        assertThat(arp.exitForFrame(3, X, XA, E2, sent::add)).isEqualTo(E1 & 0xffff_ffffL);
        assertThat(sent).hasSize(1);
    }
}
