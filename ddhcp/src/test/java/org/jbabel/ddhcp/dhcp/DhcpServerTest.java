package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rows of spec ddhcp.md §6.3, its §6.6 vector, and each of ddhcpd's quirks fixed on purpose. */
class DhcpServerTest {

    static final int SERVER = 0x0a74e001; // 10.116.224.1, ddhcpd's default for this range
    static final int ROUTER = 0x0a74fefe;
    static final long S = 1_000_000_000L;
    static final List<DhcpOption> OPTIONS = List.of(
            DhcpOptions.addresses(DhcpOptions.ROUTER, List.of(ROUTER)),
            DhcpOptions.addresses(DhcpOptions.DNS, List.of(ROUTER, 0x08080808)),
            DhcpOptions.mtu(1280),
            DhcpOptions.domain("mesh.example"),
            DhcpOptions.classlessRoutes(List.of(new DhcpOptions.ClasslessRoute(0, 0, ROUTER))),
            DhcpOptions.int32(DhcpOptions.SUBNET_MASK, DhcpOptions.mask(20)));

    FixedBlocks blocks;
    TestCounters counters;
    DhcpServer server;
    long now = 1000 * S;

    @BeforeEach
    void setUp() {
        blocks = FixedBlocks.specRange().own(5);
        counters = new TestCounters();
        server = new DhcpServer(DhcpSettings.of(SERVER, 300, OPTIONS), blocks, new Leases(blocks), counters);
    }

    static DhcpAction.Reply reply(List<DhcpAction> actions) {
        List<DhcpAction.Reply> r = actions.stream().filter(a -> a instanceof DhcpAction.Reply)
                .map(a -> (DhcpAction.Reply) a).toList();
        assertThat(r).as("one reply in %s", actions).hasSize(1);
        return r.getFirst();
    }

    static List<Integer> codes(DhcpMessage m) {
        return m.options().stream().map(DhcpOption::code).toList();
    }

    /** DISCOVER, OFFER, REQUEST, ACK: the address the client ends up with. */
    int lease(TestClient c) {
        DhcpAction.Reply offer = reply(server.onMessage(c.discover(), now));
        assertThat(offer.message().messageType()).isEqualTo(MessageType.OFFER);
        DhcpAction.Reply ack = reply(server.onMessage(c.select(offer.message().yiaddr(), SERVER), now));
        assertThat(ack.message().messageType()).isEqualTo(MessageType.ACK);
        return ack.message().yiaddr();
    }

    @Test
    void specVectorADiscoverOnANodeOwningOnlyBlock5OffersItsFirstAddress() {
        DhcpAction.Reply r = reply(server.onMessage(new TestClient(1).discover(), now));
        assertThat(DhcpOptions.format(r.message().yiaddr())).isEqualTo("10.116.224.20");
        assertThat(r.broadcast()).isTrue();
    }

    @Test
    void specVectorsOfTheOptionStoreAreTheBytesWeSend() {
        // -o "3:4:10.116.254.254" → code 3, len 4, 0a 74 fe fe; ddhcpdctl -l 3600 → option 51 = 00 00 0e 10
        DhcpOption router = DhcpOptions.addresses(DhcpOptions.ROUTER, List.of(IpAddress.parse("10.116.254.254")
                .v4Bits()));
        assertThat(router).isEqualTo(new DhcpOption(3, new byte[] {0x0a, 0x74, (byte) 0xfe, (byte) 0xfe}));
        DhcpServer hour = new DhcpServer(DhcpSettings.of(SERVER, 3600, List.of(router)), blocks, new Leases(blocks),
                counters);
        DhcpMessage offer = reply(hour.onMessage(new TestClient(1).discover(), now)).message();
        assertThat(offer.option(DhcpOptions.LEASE_TIME)).containsExactly(0x00, 0x00, 0x0e, 0x10);
        assertThat(offer.option(DhcpOptions.ROUTER)).containsExactly(0x0a, 0x74, 0xfe, 0xfe);
    }

    @Test
    void offerCarriesLeaseTimesAndEveryConfiguredOptionInPrlOrderFirstWithoutDuplicates() {
        DhcpMessage offer = reply(server.onMessage(new TestClient(1).discover(), now)).message();
        // PRL 1,3,6,12,15,28,42: configured among them 1,3,6,15; then the rest in configured order: 26, 121
        assertThat(codes(offer)).containsExactly(53, 54, 51, 58, 59, 1, 3, 6, 15, 26, 121);
        assertThat(offer.addressOption(DhcpOptions.LEASE_TIME)).isEqualTo(300);
        assertThat(offer.addressOption(DhcpOptions.RENEWAL_TIME)).isEqualTo(150);
        assertThat(offer.addressOption(DhcpOptions.REBINDING_TIME)).isEqualTo(262);
        assertThat(offer.op()).isEqualTo(DhcpMessage.BOOTREPLY);
        assertThat(offer.ciaddr()).isZero();
        assertThat(offer.siaddr()).isZero();
    }

    @Test
    void aPrlListing51And54DoesNotDuplicateThem() {
        TestClient c = new TestClient(1);
        DhcpMessage d = c.discover();
        java.util.List<DhcpOption> o = new java.util.ArrayList<>(d.options());
        o.set(o.size() - 1, new DhcpOption(DhcpOptions.PARAMETER_REQUEST_LIST, new byte[] {51, 54, 3, 53}));
        DhcpMessage discover = new DhcpMessage(1, 1, 6, 0, d.xid(), 0, 0, 0, 0, 0, 0, d.chaddr(), o);
        assertThat(codes(reply(server.onMessage(discover, now)).message()))
                .containsExactly(53, 54, 51, 58, 59, 3, 6, 26, 15, 121, 1);
    }

    @Test
    void aReplyFitsIn576BytesOrTheClientsMaximumLeavingOutUnrequestedOptionsFirst() {
        List<DhcpOption> big = List.of(DhcpOptions.addresses(DhcpOptions.ROUTER, List.of(ROUTER)),
                new DhcpOption(DhcpOptions.DOMAIN_NAME, new byte[200]), new DhcpOption(43, new byte[250]));
        DhcpServer s = new DhcpServer(DhcpSettings.of(SERVER, 300, big), blocks, new Leases(blocks), counters);
        TestClient c = new TestClient(1);
        DhcpMessage offer = reply(s.onMessage(c.discover(), now)).message();
        assertThat(DhcpWriter.write(offer).length).isLessThanOrEqualTo(548);
        assertThat(codes(offer)).containsExactly(53, 54, 51, 58, 59, 3, 15);
        assertThat(counters.get("dhcp.option_left_out")).isEqualTo(1);
        DhcpMessage d = c.discover();
        List<DhcpOption> o = new java.util.ArrayList<>(d.options());
        o.add(new DhcpOption(DhcpOptions.MAX_MESSAGE_SIZE, new byte[] {0x05, (byte) 0xdc})); // 1500
        DhcpMessage roomy = new DhcpMessage(1, 1, 6, 0, d.xid(), 0, 0, 0, 0, 0, 0, d.chaddr(), o);
        assertThat(codes(reply(s.onMessage(roomy, now)).message())).containsExactly(53, 54, 51, 58, 59, 3, 15, 43);
        for (int i = 0; i < 100; i++) {
            DhcpMessage m = reply(s.onMessage(new TestClient(i % 3).discover(), now)).message();
            assertThat(DhcpWriter.write(m).length).isEqualTo(DhcpWriter.size(m));
        }
    }

    @Test
    void selectingRequestIsAcknowledgedAfterTheStateFileLearnsOfIt() {
        TestClient c = new TestClient(1);
        int offered = reply(server.onMessage(c.discover(), now)).message().yiaddr();
        List<DhcpAction> actions = server.onMessage(c.select(offered, SERVER), now);
        assertThat(actions.getFirst()).isEqualTo(new DhcpAction.LeasesChanged());
        DhcpAction.Reply ack = reply(actions);
        assertThat(ack.message().yiaddr()).isEqualTo(offered);
        assertThat(ack.broadcast()).isTrue();
        assertThat(server.leases().get(offered).state()).isEqualTo(Lease.State.LEASED);
    }

    @Test
    void renewalIsAcknowledgedByUnicastToCiaddrWithoutRewritingTheStateFile() {
        TestClient c = new TestClient(1);
        int a = lease(c);
        now += 150 * S;
        List<DhcpAction> actions = server.onMessage(c.renew(a), now);
        DhcpAction.Reply ack = reply(actions);
        assertThat(actions).hasSize(1);
        assertThat(ack.destination()).isEqualTo(a);
        assertThat(ack.message().ciaddr()).isEqualTo(a);
        assertThat(ack.message().yiaddr()).isEqualTo(a);
        assertThat(server.leases().get(a).expires()).isEqualTo(now + 310 * S);
    }

    @Test
    void theLeaseTableShowsHeldAddressesAndPerBlockUsage() {
        int a = lease(new TestClient(1));
        int b = reply(server.onMessage(new TestClient(2).discover(), now)).message().yiaddr();
        assertThat(server.leases().rows(now)).extracting(Leases.Row::address, Leases.Row::state,
                Leases.Row::secondsLeft).containsExactly(org.assertj.core.groups.Tuple.tuple(a, Lease.State.LEASED,
                        310L), org.assertj.core.groups.Tuple.tuple(b, Lease.State.OFFERED, 12L));
        assertThat(server.leases().usage(5, now)).isEqualTo(new Leases.BlockUsage(1, 1));
        assertThat(server.leases().usage(6, now)).isEqualTo(new Leases.BlockUsage(0, 0));
        assertThat(server.leases().rows(now + 20 * S)).hasSize(1);
    }

    @Test
    void aRequestForAnAddressHeldByAnotherClientIsNakedByBroadcast() {
        int a = lease(new TestClient(1));
        DhcpAction.Reply nak = reply(server.onMessage(new TestClient(2).reboot(a), now));
        assertThat(nak.message().messageType()).isEqualTo(MessageType.NAK);
        assertThat(codes(nak.message())).containsExactly(53, 54);
        assertThat(nak.broadcast()).isTrue();
        assertThat(nak.message().yiaddr()).isZero();
    }

    @Test
    void aRequestWithoutAddressIsAcknowledgedForTheOfferOfTheSameTransactionElseNaked() {
        TestClient c = new TestClient(1);
        int offered = reply(server.onMessage(c.discover(), now)).message().yiaddr();
        assertThat(reply(server.onMessage(c.requestWithoutAddress(), now)).message().yiaddr()).isEqualTo(offered);
        TestClient stranger = new TestClient(2);
        assertThat(reply(server.onMessage(stranger.requestWithoutAddress(), now)).message().messageType())
                .isEqualTo(MessageType.NAK);
    }

    @Test
    void aRequestInAFreeBlockIsNakedOnceTwoQuestionsForItsOwnerFoundNoneAndOutsideTheRangeAtOnce() {
        // upstream's test looks at block 0 only; this node owns block 5 and still answers
        int freeBlockAddress = blocks.address(9, 1);
        TestClient c = new TestClient(1);
        assertThat(server.onMessage(c.reboot(freeBlockAddress), now)).containsExactly(new DhcpAction.AskOwner(9));
        assertThat(server.onMessage(c.reboot(freeBlockAddress), now + S)).isEmpty(); // the answer may be under way
        assertThat(server.onMessage(c.reboot(freeBlockAddress), now + 2 * S))
                .containsExactly(new DhcpAction.AskOwner(9));
        assertThat(reply(server.onMessage(c.reboot(freeBlockAddress), now + 4 * S)).message().messageType())
                .isEqualTo(MessageType.NAK);
        assertThat(counters.get("dhcp.owner_asked")).isEqualTo(2);
        assertThat(counters.get("dhcp.owner_awaited")).isEqualTo(1);
        assertThat(reply(server.onMessage(new TestClient(2).renew(0xc0a80105), now)).message().messageType())
                .isEqualTo(MessageType.NAK);
        // a node that owns no block (still learning) never NAKs
        blocks.lose(5);
        assertThat(server.onMessage(new TestClient(3).reboot(freeBlockAddress), now + 5 * S)).isEmpty();
        assertThat(counters.get("dhcp.silent")).isEqualTo(1);
        // the questions are forgotten after 30 s: a later REQUEST asks again
        server.expire(now + 31 * S);
        assertThat(server.onMessage(c.reboot(freeBlockAddress), now + 31 * S))
                .containsExactly(new DhcpAction.AskOwner(9));
    }

    @Test
    void aRenewalInABlockWhoseClaimWasLostAsksTheSwarmAndItsRetransmissionGoesToTheOwnerThatAnswered() {
        int address = blocks.address(9, 1);
        TestClient c = new TestClient(1);
        DhcpMessage renew = c.renew(address);
        assertThat(server.onMessage(renew, now)).containsExactly(new DhcpAction.AskOwner(9));
        blocks.remote(9, 0xBBL, OWNER); // the owner's UPDATECLAIM, the answer to the INQUIRE
        DhcpMessage again = c.renew(address);
        assertThat(server.onMessage(again, now + S)).containsExactly(
                new DhcpAction.ForwardRenewal(address, again.xid(), again.chaddr(), 0xBBL, OWNER));
        assertThat(counters.get("dhcp.tx.nak")).isZero();
    }

    @Test
    void anUnansweredForwardedRequestIsSentAgainAfterOneTwoAndFourSecondsThenLeftToTheClient() {
        blocks.remote(8, 0xBBL, OWNER);
        int a = blocks.address(8, 1);
        DhcpMessage renew = new TestClient(1).renew(a);
        DhcpAction.ForwardRenewal f = new DhcpAction.ForwardRenewal(a, renew.xid(), renew.chaddr(), 0xBBL, OWNER);
        assertThat(server.onMessage(renew, now)).containsExactly(f);
        assertThat(server.resend(now + S / 2)).isEmpty();
        assertThat(server.resend(now + S)).containsExactly(f);
        assertThat(server.resend(now + 2 * S)).isEmpty();
        assertThat(server.resend(now + 3 * S)).containsExactly(f);
        assertThat(server.resend(now + 6 * S)).isEmpty();
        assertThat(server.resend(now + 7 * S)).containsExactly(f);
        assertThat(server.resend(now + 60 * S)).isEmpty();
        assertThat(counters.get("dhcp.forward_resent")).isEqualTo(3);
        // the answer to any of them is the client's ACK; nothing is sent again after it
        assertThat(reply(server.onLeaseAnswer(a, renew.xid(), renew.chaddr(), true, now + 61 * S)).message()
                .messageType()).isEqualTo(MessageType.ACK);
        DhcpMessage next = new TestClient(1).renew(a);
        server.onMessage(next, now + 100 * S);
        server.onLeaseAnswer(a, next.xid(), next.chaddr(), true, now + 100 * S);
        assertThat(server.resend(now + 102 * S)).isEmpty();
    }

    @Test
    void aRequestNamingAnotherServerWithdrawsOurOfferSilently() {
        TestClient c = new TestClient(1);
        int offered = reply(server.onMessage(c.discover(), now)).message().yiaddr();
        assertThat(server.onMessage(c.select(offered, 0x0a74e002), now)).isEmpty();
        assertThat(server.leases().get(offered)).isNull();
        assertThat(counters.get("dhcp.other_server")).isEqualTo(1);
    }

    @Test
    void aDiscoverWithoutOwnBlocksIsSilentButAsksForAddresses() {
        blocks.lose(5);
        assertThat(server.onMessage(new TestClient(1).discover(), now)).containsExactly(new DhcpAction.NeedAddresses());
    }

    @Test
    void aFullPoolAsksTheBlockSideForAddressesAtOnce() {
        for (int i = 0; i < 4; i++) {
            lease(new TestClient(i));
        }
        assertThat(server.onMessage(new TestClient(9).discover(), now)).containsExactly(new DhcpAction.NeedAddresses());
        assertThat(server.leases().freeAddressesInOwnBlocks(now)).isZero();
        blocks.own(7);
        assertThat(reply(server.onMessage(new TestClient(9).discover(), now)).message().yiaddr())
                .isEqualTo(blocks.address(7, 0));
    }

    @Test
    void aKnownClientGetsItsOldAddressBackEvenAfterItsLeaseExpired() {
        TestClient first = new TestClient(1);
        TestClient second = new TestClient(2);
        lease(new TestClient(3));
        int a = lease(first);
        int b = lease(second);
        // discovering again while leased: same address, lease kept
        assertThat(reply(server.onMessage(first.discover(), now)).message().yiaddr()).isEqualTo(a);
        assertThat(server.leases().get(a).state()).isEqualTo(Lease.State.LEASED);
        now += 400 * S;
        server.expire(now);
        assertThat(server.leases().get(a).state()).isEqualTo(Lease.State.FREE);
        // a newcomer gets an address nobody had, not the old ones
        int c = reply(server.onMessage(new TestClient(4).discover(), now)).message().yiaddr();
        assertThat(c).isNotIn(a, b);
        assertThat(reply(server.onMessage(second.discover(), now)).message().yiaddr()).isEqualTo(b);
        assertThat(reply(server.onMessage(first.discover(), now)).message().yiaddr()).isEqualTo(a);
    }

    @Test
    void theClientIdentifierNamesTheClientNotTheHardwareAddress() {
        TestClient vm1 = new TestClient(1, new byte[] {0, 'v', 'm', '1'});
        TestClient vm2 = new TestClient(1, new byte[] {0, 'v', 'm', '2'}); // same MAC, other id
        int a = lease(vm1);
        int b = reply(server.onMessage(vm2.discover(), now)).message().yiaddr();
        assertThat(b).isNotEqualTo(a);
        assertThat(reply(server.onMessage(vm2.reboot(a), now)).message().messageType()).isEqualTo(MessageType.NAK);
        TestClient vm1OnOtherNic = new TestClient(77, new byte[] {0, 'v', 'm', '1'});
        assertThat(reply(server.onMessage(vm1OnOtherNic.discover(), now)).message().yiaddr()).isEqualTo(a);
    }

    @Test
    void aDiscoverAskingForAFreeAddressGetsIt() {
        int wanted = blocks.address(5, 3);
        assertThat(reply(server.onMessage(new TestClient(1).discoverWanting(wanted), now)).message().yiaddr())
                .isEqualTo(wanted);
        assertThat(reply(server.onMessage(new TestClient(2).discoverWanting(wanted), now)).message().yiaddr())
                .isNotEqualTo(wanted);
    }

    @Test
    void releaseFreesTheAddressForItsClientOnly() {
        TestClient c = new TestClient(1);
        int a = lease(c);
        assertThat(server.onMessage(new TestClient(2).release(a, SERVER), now)).isEmpty();
        assertThat(counters.get("dhcp.release_ignored")).isEqualTo(1);
        assertThat(server.leases().freeAddressesInOwnBlocks(now)).isEqualTo(3);
        assertThat(server.onMessage(c.release(a, SERVER), now)).containsExactly(new DhcpAction.LeasesChanged());
        assertThat(server.leases().freeAddressesInOwnBlocks(now)).isEqualTo(4);
        assertThat(server.leases().blockInUse(5, now)).isFalse();
    }

    @Test
    void aDeclinedAddressIsNotHandedOutForTenMinutes() {
        TestClient c = new TestClient(1);
        int a = lease(c);
        assertThat(server.onMessage(c.decline(a, SERVER), now)).containsExactly(new DhcpAction.LeasesChanged());
        assertThat(server.leases().get(a).state()).isEqualTo(Lease.State.DECLINED);
        // the declining client gets another address, and nobody gets the declined one
        assertThat(lease(c)).isNotEqualTo(a);
        for (int i = 2; i < 4; i++) {
            DhcpAction.Reply r = reply(server.onMessage(new TestClient(i).discover(), now));
            assertThat(r.message().yiaddr()).isNotEqualTo(a);
        }
        assertThat(reply(server.onMessage(new TestClient(9).reboot(a), now)).message().messageType())
                .isEqualTo(MessageType.NAK);
        now += 601 * S;
        server.expire(now);
        assertThat(reply(server.onMessage(new TestClient(9).reboot(a), now)).message().yiaddr()).isEqualTo(a);
    }

    @Test
    void informIsAcknowledgedWithoutLeaseToCiaddr() {
        int a = blocks.address(5, 2);
        DhcpAction.Reply ack = reply(server.onMessage(new TestClient(1).inform(a), now));
        assertThat(ack.message().messageType()).isEqualTo(MessageType.ACK);
        assertThat(ack.message().yiaddr()).isZero();
        assertThat(ack.message().ciaddr()).isEqualTo(a);
        assertThat(ack.destination()).isEqualTo(a);
        assertThat(codes(ack.message())).doesNotContain(51, 58, 59).contains(53, 54, 1, 3, 6);
    }

    @Test
    void relayedMessagesAndRepliesAreDroppedAndCounted() {
        DhcpMessage d = new TestClient(1).discover();
        DhcpMessage relayed = new DhcpMessage(1, 1, 6, 1, d.xid(), 0, 0, 0, 0, 0, 0x0a000001, d.chaddr(), d.options());
        assertThat(server.onMessage(relayed, now)).isEmpty();
        DhcpMessage reply = new DhcpMessage(2, 1, 6, 0, d.xid(), 0, 0, 0, 0, 0, 0, d.chaddr(), d.options());
        assertThat(server.onMessage(reply, now)).isEmpty();
        assertThat(counters.get("dhcp.relayed_dropped")).isEqualTo(1);
        assertThat(counters.get("dhcp.not_a_request")).isEqualTo(1);
    }

    @Test
    void malformedDatagramsAreCountedByKind() {
        assertThat(server.onDatagram(new byte[100], now)).isEmpty();
        assertThat(server.onDatagram(new byte[300], now)).isEmpty();
        assertThat(counters.get("dhcp.malformed.short")).isEqualTo(1);
        assertThat(counters.get("dhcp.malformed.bad_op")).isEqualTo(1);
    }

    @Test
    void realClientsDiscoverGetsAnOfferAndItsRequestAnAck() {
        DhcpAction.Reply offer = reply(server.onDatagram(ClientCaptures.bytes("dhclient-discover"), now));
        assertThat(offer.message().xid()).isEqualTo(0xcaf0fe4b);
        // dhclient's PRL: 1,28,2,3,15,6,119,12,44,47,26,121,42
        assertThat(codes(offer.message())).containsExactly(53, 54, 51, 58, 59, 1, 3, 15, 6, 26, 121);
        // the captured REQUEST asks for 10.116.224.32 (block 8) from server 10.116.224.1
        blocks.own(8);
        DhcpAction.Reply ack = reply(server.onDatagram(ClientCaptures.bytes("dhclient-request-selecting"), now));
        assertThat(DhcpOptions.format(ack.message().yiaddr())).isEqualTo("10.116.224.32");
    }

    // forwarding (§6.4)

    static final IpAddress OWNER = IpAddress.parse("fe80::2");

    @Test
    void aRequestForAnotherNodesBlockIsForwardedAndItsAnswerBecomesAckOrNak() {
        blocks.remote(8, 0x0211223344550000L, OWNER);
        TestClient c = new TestClient(1);
        int a = blocks.address(8, 1);
        DhcpMessage renew = c.renew(a);
        assertThat(server.onMessage(renew, now)).containsExactly(
                new DhcpAction.ForwardRenewal(a, renew.xid(), renew.chaddr(), 0x0211223344550000L, OWNER));
        assertThat(server.forwardedWaiting()).isEqualTo(1);
        DhcpAction.Reply ack = reply(server.onLeaseAnswer(a, renew.xid(), renew.chaddr(), true, now + S));
        assertThat(ack.message().messageType()).isEqualTo(MessageType.ACK);
        assertThat(ack.message().yiaddr()).isEqualTo(a);
        assertThat(ack.destination()).isEqualTo(a);
        assertThat(server.forwardedWaiting()).isZero();
        // an answer nobody waits for is ignored
        assertThat(server.onLeaseAnswer(a, renew.xid(), renew.chaddr(), true, now + S)).isEmpty();
        DhcpMessage again = c.reboot(a);
        server.onMessage(again, now);
        DhcpAction.Reply nak = reply(server.onLeaseAnswer(a, again.xid(), again.chaddr(), false, now + S));
        assertThat(nak.message().messageType()).isEqualTo(MessageType.NAK);
        // an answer later than 120 s finds nothing
        DhcpMessage late = c.reboot(a);
        server.onMessage(late, now);
        assertThat(server.onLeaseAnswer(a, late.xid(), late.chaddr(), true, now + 121 * S)).isEmpty();
        assertThat(counters.get("dhcp.answer_unmatched")).isEqualTo(2);
    }

    @Test
    void aReleaseInAnotherNodesBlockIsForwardedAndTheOwnerFreesTheLeaseOfThatHardwareAddress() {
        blocks.remote(8, 0xBBL, OWNER);
        TestClient c = new TestClient(1);
        DhcpMessage release = c.release(blocks.address(8, 2), SERVER);
        assertThat(server.onMessage(release, now)).containsExactly(new DhcpAction.ForwardRelease(
                blocks.address(8, 2), release.xid(), release.chaddr(), 0xBBL, OWNER));
        int a = lease(c);
        assertThat(server.onForwardedRelease(a, java.util.Arrays.copyOf(new TestClient(2).mac, 16), now)).isEmpty();
        assertThat(server.onForwardedRelease(a, java.util.Arrays.copyOf(c.mac, 16), now))
                .containsExactly(new DhcpAction.LeasesChanged());
        assertThat(server.leases().get(a).state()).isEqualTo(Lease.State.FREE);
    }

    @Test
    void reservedAddressesAreNeverOfferedAcknowledgedOrRenewedForAnotherNode() {
        int first = blocks.address(5, 0);
        int second = blocks.address(5, 1);
        blocks.reserve(first, second);
        assertThat(server.leases().freeAddressesInOwnBlocks(now)).isEqualTo(2);
        TestClient c = new TestClient(1);
        assertThat(reply(server.onMessage(c.discoverWanting(first), now)).message().yiaddr())
                .isEqualTo(blocks.address(5, 2));
        assertThat(reply(server.onMessage(new TestClient(2).reboot(second), now)).message().messageType())
                .isEqualTo(MessageType.NAK);
        assertThat(counters.get("dhcp.reserved_refused")).isEqualTo(1);
        byte[] chaddr = java.util.Arrays.copyOf(new TestClient(3).mac, 16);
        assertThat(server.onRenewLease(first, 5, chaddr, now)).containsExactly(
                new DhcpAction.RenewalAnswer(first, 5, chaddr, false));
    }

    @Test
    void theOwnerRecordsAForwardedRenewalAndChecksItsHardwareAddress() {
        TestClient c = new TestClient(1);
        int a = lease(c);
        byte[] chaddr = java.util.Arrays.copyOf(c.mac, 16);
        assertThat(server.onRenewLease(a, 77, chaddr, now)).containsExactly(
                new DhcpAction.RenewalAnswer(a, 77, chaddr, true));
        byte[] other = java.util.Arrays.copyOf(new TestClient(2).mac, 16);
        assertThat(server.onRenewLease(a, 78, other, now)).containsExactly(
                new DhcpAction.RenewalAnswer(a, 78, other, false));
        // a free address of ours is recorded as leased (ddhcpd only extends lease_end), so nobody else gets it
        int b = blocks.address(5, 3);
        assertThat(server.onRenewLease(b, 79, other, now)).containsExactly(new DhcpAction.LeasesChanged(),
                new DhcpAction.RenewalAnswer(b, 79, other, true));
        assertThat(server.leases().get(b).state()).isEqualTo(Lease.State.LEASED);
        assertThat(reply(server.onMessage(new TestClient(3).reboot(b), now)).message().messageType())
                .isEqualTo(MessageType.NAK);
        // not our block: LEASENAK; outside the range: no answer
        assertThat(server.onRenewLease(blocks.address(9, 0), 80, other, now)).containsExactly(
                new DhcpAction.RenewalAnswer(blocks.address(9, 0), 80, other, false));
        assertThat(server.onRenewLease(0xc0a80101, 81, other, now)).isEmpty();
    }

    @Test
    void aRoamedClientRenewsItsAddressAtAnotherNodeThroughTheOwner() {
        // node A owns block 5, node B owns block 6; both see each other's blocks as remote
        FixedBlocks atA = FixedBlocks.specRange().own(5).remote(6, 0xBBL, IpAddress.parse("fe80::b"));
        FixedBlocks atB = FixedBlocks.specRange().own(6).remote(5, 0xAAL, IpAddress.parse("fe80::a"));
        DhcpServer a = new DhcpServer(DhcpSettings.of(SERVER, 300, OPTIONS), atA, new Leases(atA), counters);
        DhcpServer b = new DhcpServer(DhcpSettings.of(SERVER, 300, OPTIONS), atB, new Leases(atB), counters);
        TestClient c = new TestClient(1);
        int offered = reply(a.onMessage(c.discover(), now)).message().yiaddr();
        int address = reply(a.onMessage(c.select(offered, SERVER), now)).message().yiaddr();
        // the client moves to B's link and renews (broadcast, as a rebinding client does)
        now += 150 * S;
        DhcpMessage renew = c.renew(address);
        DhcpAction.ForwardRenewal f = (DhcpAction.ForwardRenewal) b.onMessage(renew, now).getFirst();
        assertThat(f.ownerAddress()).isEqualTo(IpAddress.parse("fe80::a"));
        DhcpAction.RenewalAnswer answer = (DhcpAction.RenewalAnswer) a.onRenewLease(f.address(), f.xid(),
                f.chaddr(), now).getFirst();
        assertThat(answer.ack()).isTrue();
        DhcpAction.Reply ack = reply(b.onLeaseAnswer(answer.address(), answer.xid(), answer.chaddr(), answer.ack(),
                now));
        assertThat(ack.message().yiaddr()).isEqualTo(address);
        assertThat(a.leases().get(address).expires()).isEqualTo(now + 310 * S);
    }

    // bounds

    @Test
    void aDiscoverStormFromRandomMacsGetsAtMostTheBoundOfOffersPerOfferHoldAndAsksForNoBlocks() {
        blocks.own(0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
        TestClient known = new TestClient(1);
        int knownAddress = lease(known);
        Random random = new Random(3);
        int offers = 0;
        int needs = 0;
        for (int i = 0; i < 10_000; i++) {
            for (DhcpAction a : server.onMessage(new TestClient(random.nextInt()).discover(), now)) {
                offers += a instanceof DhcpAction.Reply ? 1 : 0;
                needs += a instanceof DhcpAction.NeedAddresses ? 1 : 0;
            }
            now += 100_000L; // 10,000 a second
        }
        int bound = DhcpSettings.DEFAULT_OFFERS_MAX - 1; // the known client was new too, a moment ago
        assertThat(offers).isEqualTo(bound);
        assertThat(needs).as("the storm asks for no blocks").isZero();
        assertThat(counters.get("dhcp.offer_limit")).isEqualTo(10_000 - bound);
        assertThat(reply(server.onMessage(known.discover(), now)).message().yiaddr())
                .as("a client that had an address here gets it back during the storm").isEqualTo(knownAddress);
        now += DhcpSettings.OFFER_HOLD_NANOS;
        assertThat(lease(new TestClient(2))).as("offers expire after 12 s: a new client is served").isNotZero();
    }

    @Test
    void aFloodOfRandomClientsKeepsTheForwardCacheAndTheLeaseTableBounded() {
        blocks.remote(8, 0xBBL, OWNER).own(6, 7);
        DhcpServer small = new DhcpServer(DhcpSettings.of(SERVER, 300, OPTIONS).withForwardCacheSize(64), blocks,
                new Leases(blocks), counters);
        Random random = new Random(1);
        int needs = 0;
        for (int i = 0; i < 50_000; i++) {
            TestClient c = new TestClient(random.nextInt());
            small.onMessage(c.renew(blocks.address(8, random.nextInt(4))), now);
            for (DhcpAction act : small.onMessage(c.discover(), now)) {
                needs += act instanceof DhcpAction.NeedAddresses ? 1 : 0;
            }
            now += 1_000_000L;
            if (i % 1000 == 0) {
                small.expire(now);
            }
            assertThat(small.forwardedWaiting()).isLessThanOrEqualTo(64);
            assertThat(small.leases().size()).isLessThanOrEqualTo(12);
        }
        assertThat(counters.get("dhcp.forward_evicted")).isEqualTo(50_000 - 64);
        assertThat(needs).isGreaterThan(40_000);
        now += 200 * S;
        small.expire(now);
        assertThat(small.forwardedWaiting()).isZero();
        assertThat(small.leases().size()).isZero();
    }
}
