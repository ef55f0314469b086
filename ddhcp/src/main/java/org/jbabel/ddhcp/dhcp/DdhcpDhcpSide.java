package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.ddhcp.DdhcpSettings;
import org.jbabel.ddhcp.DhcpSide;
import org.jbabel.ddhcp.block.BlockEngine;
import org.jbabel.ddhcp.block.BlockMessage;
import org.jbabel.ddhcp.block.ForwardedLeases;
import org.jbabel.ddhcp.block.LeaseUsage;
import org.jbabel.ddhcp.block.Peer;
import org.jbabel.ddhcp.block.Swarm;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.wire.IpAddress;

/**
 * The DHCP server plugged into the {@code ddhcp} extension: {@link AddressBlocks} read from the block engine, the
 * engine's {@link LeaseUsage} and {@link ForwardedLeases} answered by the {@link DhcpService}, and what the server
 * forwards sent through {@link Ddhcp#renewLease} / {@link Ddhcp#releaseLease}.
 *
 * <p>Options from the {@code ddhcp} statement: netmask (1) and broadcast (28) of the range (ddhcpd's defaults), router
 * (3) and DNS (6) when given, the lease time; the server identifier is the router when one is given, else the range's
 * first three octets and {@code .1}, as ddhcpd's default. Every 5 s leases expire; the state file is written when
 * the own blocks change ({@link #ownershipChanged}) and its blocks are handed back at start
 * ({@link Ddhcp#restoreOwnBlocks}).
 */
public final class DdhcpDhcpSide implements DhcpSide {

    private static final long HOUSEKEEPING = 5_000_000_000L;

    private final DhcpService service;
    private final ExtensionContext.Timer timer;

    /** The factory to hand to {@code DdhcpProvider}; {@code stateFile} null keeps no state. */
    public static DhcpSide.Factory factory(Path stateFile) {
        return (context, settings, ddhcp) -> new DdhcpDhcpSide(context, settings, ddhcp, stateFile);
    }

    private DdhcpDhcpSide(ExtensionContext c, DdhcpSettings s, Ddhcp ddhcp, Path stateFile) throws IOException {
        BlockEngine engine = ddhcp.engine();
        Swarm swarm = engine.swarm();
        AddressBlocks blocks = blocks(engine);
        int mask = DhcpOptions.mask(swarm.prefixLength());
        List<DhcpOption> options = new ArrayList<>();
        options.add(DhcpOptions.int32(DhcpOptions.SUBNET_MASK, mask));
        options.add(DhcpOptions.int32(DhcpOptions.BROADCAST_ADDRESS, (swarm.prefix() & mask) | ~mask));
        if (s.router() != null) {
            options.add(DhcpOptions.addresses(DhcpOptions.ROUTER, List.of(s.router().v4Bits())));
        }
        if (!s.dns().isEmpty()) {
            options.add(DhcpOptions.addresses(DhcpOptions.DNS, s.dns().stream().map(IpAddress::v4Bits).toList()));
        }
        int serverId = s.router() != null ? s.router().v4Bits() : (swarm.prefix() & 0xffffff00) | 1;
        DhcpSettings dhcp = DhcpSettings.of(serverId, (int) s.leaseTime().toSeconds(), options);
        DhcpServer server = new DhcpServer(dhcp, blocks, new Leases(blocks), c.counters());
        DhcpService.Peers peers = new DhcpService.Peers() {
            @Override
            public void forward(DhcpAction.ForwardRenewal r) {
                if (!ddhcp.renewLease(r.address(), r.xid(), r.chaddr())) {
                    c.counters().increment("dhcp.forward_not_remote");
                }
            }

            @Override
            public void answer(DhcpAction.RenewalAnswer answer) {
                // the engine asks synchronously (ForwardedLeases.renew), see leases()
            }

            @Override
            public void release(DhcpAction.ForwardRelease r) {
                ddhcp.releaseLease(r.address(), r.xid(), r.chaddr());
            }

            @Override
            public void needAddresses() {
                c.counters().increment("dhcp.need_addresses");
            }
        };
        service = new DhcpService(server, blocks, peers, c::now, () -> System.currentTimeMillis() / 1000,
                c.counters(), c.log(), stateFile, swarm.toPrefix().toString(), swarm.blockSize());
        int[] restored = service.restore().stream().mapToInt(Integer::intValue).toArray();
        if (restored.length > 0) {
            ddhcp.restoreOwnBlocks(restored);
        }
        service.open(c.network(), s.clientInterface());
        timer = c.every(HOUSEKEEPING, HOUSEKEEPING, service::expire);
    }

    /** The engine's view as the server asks for it. */
    static AddressBlocks blocks(BlockEngine engine) {
        Swarm swarm = engine.swarm();
        return new AddressBlocks() {
            @Override
            public Standing standing(int address) {
                return switch (engine.standing(address)) {
                    case org.jbabel.ddhcp.block.Standing.Ours o -> Standing.OURS;
                    case org.jbabel.ddhcp.block.Standing.Remote r ->
                            new Standing.Remote(r.owner().value(), r.peer().address());
                    case org.jbabel.ddhcp.block.Standing.Unowned u -> Standing.NONE;
                    case org.jbabel.ddhcp.block.Standing.Outside x -> Standing.OUTSIDE;
                };
            }

            @Override
            public List<OwnBlock> ownBlocks() {
                return Arrays.stream(engine.ownBlocks())
                        .mapToObj(i -> new OwnBlock(i, swarm.firstAddress(i), swarm.blockSize())).toList();
            }

            @Override
            public int blockIndex(int address) {
                return swarm.blockOf(address);
            }
        };
    }

    public DhcpService service() {
        return service;
    }

    @Override
    public LeaseUsage usage() {
        return new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return service.freeAddressesInOwnBlocks();
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return service.blockInUse(blockIndex);
            }
        };
    }

    @Override
    public ForwardedLeases leases() {
        return new ForwardedLeases() {
            @Override
            public boolean renew(BlockMessage.LeaseEntry entry, Peer from) {
                return service.renewLease(entry.address(), entry.xid(), entry.chaddr());
            }

            @Override
            public void answered(BlockMessage.LeaseEntry entry, boolean ack, Peer from) {
                service.onLeaseAnswer(entry.address(), entry.xid(), entry.chaddr(), ack);
            }

            @Override
            public void released(BlockMessage.LeaseEntry entry, Peer from) {
                service.onForwardedRelease(entry.address(), entry.chaddr());
            }
        };
    }

    @Override
    public void ownershipChanged(int block, boolean ours) {
        service.save();
    }

    @Override
    public void stop() {
        timer.cancel();
        service.save();
        service.close();
    }
}
