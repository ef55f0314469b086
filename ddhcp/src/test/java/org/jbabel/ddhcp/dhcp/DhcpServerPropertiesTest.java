package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random histories of clients against one server: whatever they send and however time passes, no address is ever
 * acknowledged to a client while another client's acknowledgement for it still runs (a client holds one address: a
 * new acknowledgement ends its old one, as does its release), every address offered or acknowledged is in an own
 * block, and the lease table keeps at most one address per client.
 */
class DhcpServerPropertiesTest {

    static final long S = 1_000_000_000L;

    record Step(int client, int kind, int lease, int seconds) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        return Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, 200))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(200);
    }

    @Property(tries = 1000)
    void noAddressIsEverAcknowledgedToTwoClientsAtOnce(@ForAll("histories") List<Step> history) {
        FixedBlocks blocks = FixedBlocks.specRange().own(5, 6);
        DhcpServer server = new DhcpServer(DhcpSettings.of(DhcpServerTest.SERVER, 120, List.of()), blocks,
                new Leases(blocks), new TestCounters());
        TestClient[] clients = new TestClient[12];
        for (int i = 0; i < clients.length; i++) {
            // clients 10 and 11 share one MAC and are told apart by identifiers of their own
            clients[i] = i < 10 ? new TestClient(i) : new TestClient(20, new byte[] {0, (byte) i});
        }
        Map<Integer, Integer> holder = new HashMap<>();
        Map<Integer, Long> until = new HashMap<>();
        int[] offered = new int[clients.length];
        long now = 0;
        for (Step step : history) {
            now += step.seconds() * S / 4;
            if (step.seconds() % 7 == 0) {
                server.expire(now);
            }
            TestClient c = clients[step.client()];
            int any = blocks.address(4 + step.lease() / 4, step.lease() % 4); // blocks 4..7: NONE, ours, ours, NONE
            DhcpMessage m = switch (step.kind()) {
                case 0, 1 -> c.discover();
                case 2 -> c.select(offered[step.client()], DhcpServerTest.SERVER);
                case 3 -> c.reboot(any);
                case 4 -> c.renew(any);
                case 5 -> c.release(any, DhcpServerTest.SERVER);
                case 6 -> c.decline(offered[step.client()], DhcpServerTest.SERVER);
                case 7 -> c.requestWithoutAddress();
                default -> c.inform(any);
            };
            for (DhcpAction a : server.onMessage(m, now)) {
                if (!(a instanceof DhcpAction.Reply r) || r.message().yiaddr() == 0) {
                    continue;
                }
                int address = r.message().yiaddr();
                assertThat(blocks.standing(address)).isInstanceOf(org.jbabel.ddhcp.block.Standing.Ours.class);
                if (r.message().messageType() == MessageType.OFFER) {
                    offered[step.client()] = address;
                    continue;
                }
                Integer other = holder.get(address);
                if (other != null && other != step.client() && until.get(address) - now > 0) {
                    throw new AssertionError(DhcpOptions.format(address) + " acknowledged to client " + step.client()
                            + " while client " + other + " holds it");
                }
                // a client has one address: one acknowledged to it replaces what it held before
                int client = step.client();
                holder.entrySet().removeIf(e -> e.getValue() == client);
                holder.put(address, client);
                until.put(address, now + 120 * S);
            }
            if (step.kind() == 5 && holder.get(any) != null && holder.get(any) == step.client()) {
                holder.remove(any);
            }
            Map<ClientId, Integer> seen = new HashMap<>();
            for (Lease l : server.leases().all()) {
                if (l.client() != null) {
                    assertThat(seen.put(l.client(), l.address())).isNull();
                }
            }
        }
    }
}
