package org.jbabel.ddhcp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.ddhcp.block.BlockSettings;
import org.jbabel.ddhcp.block.NodeId;
import org.jbabel.ddhcp.block.Swarm;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * What the {@code ddhcp} statements say (docs/CONFIGURATION.md "ddhcp"), with ddhcpd's defaults.
 *
 * @param clientInterface where DHCP clients are served, or null for a node without a DHCP side (ddhcpd's {@code -S})
 * @param range the shared IPv4 range
 * @param blockSize addresses per block (ddhcpd {@code -b 5} = 32, the default; Gluon's {@code -b 2} = 4)
 * @param exitRange the range this node's own exit address is claimed from ({@code exit-range}), or null
 * @param dns DNS servers handed to clients (option 6)
 * @param router the router handed to clients (option 3), or null
 * @param leaseTime the lease time handed to clients (option 51, 300 s)
 * @param exit whether this node claims an address for itself ({@code ddhcp exit})
 * @param serverInterface where the block protocol runs, or null for the default (mmfd0 when it exists, else every
 *     Babel interface)
 * @param source the routable address block messages are sent from, so that other nodes can forward to this one
 *     across a routed mesh; null: the kernel's choice (the server interface's link-local address)
 * @param node the node id, or null to derive it from Babel's router-id
 * @param blockTimeout ddhcpd {@code -B}
 * @param tentativeTimeout ddhcpd {@code -t}
 * @param needlessTimeout ddhcpd {@code -n}
 * @param spareLeases ddhcpd {@code -s} (2; 0 without a client interface, as ddhcpd's {@code -S})
 * @param learning false for ddhcpd's {@code -L}
 * @param addressOrder the byte order of the address in the lease messages this node starts
 * @param stateFile where the DHCP side keeps its own blocks and acknowledged leases across restarts, or null
 */
public record DdhcpSettings(String clientInterface, Prefix range, int blockSize, Prefix exitRange, List<IpAddress> dns,
        IpAddress router, Duration leaseTime, boolean exit, String serverInterface, IpAddress source, NodeId node,
        Duration blockTimeout, Duration tentativeTimeout, Duration needlessTimeout, int spareLeases, boolean learning,
        AddressOrder addressOrder, Path stateFile) {

    public static final int BLOCK_SIZE = 32;
    /** The exit range hands out single addresses: one block is one exit's address. */
    public static final int EXIT_BLOCK_SIZE = 1;
    public static final Duration LEASE_TIME = Duration.ofSeconds(300);

    public DdhcpSettings {
        dns = List.copyOf(dns);
    }

    /** The main range's swarm. */
    public Swarm swarm() {
        return Swarm.of(range, blockSize);
    }

    /** The exit range's swarm, or null. */
    public Swarm exitSwarm() {
        return exitRange == null ? null : Swarm.of(exitRange, EXIT_BLOCK_SIZE);
    }

    /** The engine settings of {@code swarm} for node {@code id}. */
    BlockSettings blockSettings(Swarm swarm, NodeId id, int spare) {
        return new BlockSettings(swarm, id, blockTimeout, tentativeTimeout, needlessTimeout, spare, learning,
                addressOrder);
    }
}
