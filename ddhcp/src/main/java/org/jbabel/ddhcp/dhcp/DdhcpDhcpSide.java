package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.ddhcp.DdhcpSettings;
import org.jbabel.ddhcp.DhcpSide;
import org.jbabel.ddhcp.block.BlockEngine;
import org.jbabel.ddhcp.block.BlockMessage;
import org.jbabel.ddhcp.block.ForwardedLeases;
import org.jbabel.ddhcp.block.LeaseUsage;
import org.jbabel.ddhcp.block.Peer;
import org.jbabel.ddhcp.block.Standing;
import org.jbabel.ddhcp.block.Swarm;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.wire.IpAddress;

/**
 * The DHCP server plugged into the {@code ddhcp} extension: {@link AddressBlocks} read from the block engine, the
 * engine's {@link LeaseUsage} and {@link ForwardedLeases} answered by the {@link DhcpService}, and what the server
 * forwards sent through {@link Ddhcp#renewLease} / {@link Ddhcp#releaseLease}.
 *
 * <p>Options from the {@code ddhcp} statement: netmask (1) and broadcast (28) of the range (ddhcpd's defaults), router
 * (3) and DNS (6) when given, the lease time; the server identifier is the router when one is given, else the range's
 * first three octets and {@code .1}, as ddhcpd's default. Every 5 s leases expire; twice a second the RENEWLEASEs of
 * forwarded REQUESTs still unanswered are sent again when due. The one state file
 * ({@code ddhcp state-file}) holds own blocks and acknowledged leases: written before an ACK leaves and when the own
 * blocks change ({@link #ownershipChanged}), read at start, its blocks handed back to the engine
 * ({@link Ddhcp#restoreOwnBlocks}). Control: {@code ddhcp leases}.
 */
public final class DdhcpDhcpSide implements DhcpSide {

    private static final long HOUSEKEEPING = 5_000_000_000L;
    /** How often forwarded REQUESTs still unanswered are looked at (their RENEWLEASE sent again when due). */
    private static final long RESEND_CHECK = 500_000_000L;

    private final ExtensionContext context;
    private final DhcpService service;
    private final ExtensionContext.Timer timer;
    private final ExtensionContext.Timer resendTimer;

    /** The factory to hand to {@code DdhcpProvider}; the state file is the {@code ddhcp state-file} statement's. */
    public static DhcpSide.Factory factory() {
        return DdhcpDhcpSide::new;
    }

    private DdhcpDhcpSide(ExtensionContext c, DdhcpSettings s, Ddhcp ddhcp) throws IOException {
        this.context = c;
        Path stateFile = s.stateFile();
        BlockEngine engine = ddhcp.engine();
        Swarm swarm = engine.swarm();
        AddressBlocks blocks = blocks(engine, reserved(s));
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
        int serverId = serverIdentifier(s);
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
            public void release(DhcpAction.ForwardRelease r) {
                ddhcp.releaseLease(r.address(), r.xid(), r.chaddr());
            }

            @Override
            public void needAddresses() {
                c.counters().increment("dhcp.need_addresses");
                ddhcp.needAddresses();
            }

            @Override
            public void askOwner(int block) {
                ddhcp.askOwner(block);
            }
        };
        service = new DhcpService(server, blocks, peers, c::now, () -> System.currentTimeMillis() / 1000,
                c.counters(), c.log(), stateFile, swarm.toPrefix().toString(), swarm.blockSize(), c::execute);
        int[] restored = service.restore().stream().mapToInt(Integer::intValue).toArray();
        if (restored.length > 0) {
            ddhcp.restoreOwnBlocks(restored);
        }
        if (stateFile == null) {
            c.log().info("no 'ddhcp state-file': leases and own blocks are not kept across a restart");
        }
        service.open(c.network(), s.clientInterface());
        timer = c.every(HOUSEKEEPING, HOUSEKEEPING, service::expire);
        resendTimer = c.every(RESEND_CHECK, RESEND_CHECK, service::resend);
        c.control().command("leases", "the DHCP side's offered and leased addresses (ddhcpdctl -d)",
                args -> leasesCommand(c, args));
    }

    @Override
    public OptionalInt leasedAddress(byte[] mac) {
        long now = context.now();
        for (Lease l : service.server().leases().all()) {
            if (l.state() == Lease.State.LEASED && l.held(now) && Arrays.equals(l.hardware(), mac)) {
                return OptionalInt.of(l.address());
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public void clientMessage(byte[] message) {
        service.clientMessage(message);
    }

    @Override
    public Optional<byte[]> leaseHolder(int address) {
        Lease l = service.server().leases().get(address);
        return l != null && l.state() == Lease.State.LEASED && l.held(context.now()) ? Optional.of(l.hardware())
                : Optional.empty();
    }

    /**
     * The addresses of the range never handed out: its network and broadcast addresses (for a range of /30 or
     * wider), the server identifier, the router and the DNS servers. ddhcpd hands every address of a block out, so a
     * next-node address inside the range would go to a client there; here it cannot.
     */
    static Set<Integer> reserved(DdhcpSettings s) {
        Swarm swarm = s.swarm();
        Set<Integer> reserved = new HashSet<>();
        int mask = DhcpOptions.mask(swarm.prefixLength());
        if (swarm.prefixLength() <= 30) {
            reserved.add(swarm.prefix() & mask);
            reserved.add((swarm.prefix() & mask) | ~mask);
        }
        reserved.add(serverIdentifier(s));
        if (s.router() != null) {
            reserved.add(s.router().v4Bits());
        }
        s.dns().forEach(d -> reserved.add(d.v4Bits()));
        reserved.removeIf(a -> !swarm.contains(a));
        return Set.copyOf(reserved);
    }

    /** The router when one is given, else the range's first three octets and {@code .1} (ddhcpd's default). */
    private static int serverIdentifier(DdhcpSettings s) {
        return s.router() != null ? s.router().v4Bits() : (s.swarm().prefix() & 0xffffff00) | 1;
    }

    /** The engine's view as the server asks for it. */
    static AddressBlocks blocks(BlockEngine engine, Set<Integer> reserved) {
        Swarm swarm = engine.swarm();
        return new AddressBlocks() {
            @Override
            public boolean reserved(int address) {
                return reserved.contains(address);
            }

            @Override
            public Standing standing(int address) {
                return engine.standing(address);
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

    private ControlRegistry.Answer leasesCommand(ExtensionContext c, List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("ddhcp leases takes no arguments");
        }
        StringBuilder text = new StringBuilder("address\tstate\thardware\tclient\tseconds\n");
        List<Map<String, Object>> rows = new ArrayList<>();
        HexFormat mac = HexFormat.ofDelimiter(":");
        for (Leases.Row r : service.server().leases().rows(c.now())) {
            String address = IpAddress.v4(r.address()).toString();
            String hardware = mac.formatHex(r.hardware());
            text.append(address).append('\t').append(r.state()).append('\t').append(hardware).append('\t')
                    .append(r.client()).append('\t').append(r.secondsLeft()).append('\n');
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", address);
            row.put("state", r.state().name());
            row.put("hardware", hardware);
            row.put("client", r.client().toString());
            row.put("seconds_left", r.secondsLeft());
            rows.add(row);
        }
        return new ControlRegistry.Answer(text.toString(), Map.of("ddhcp_leases", rows));
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
        resendTimer.cancel();
        service.save();
        service.close();
    }
}
