package org.jbabel.ddhcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.ddhcp.block.BlockEngine;
import org.jbabel.ddhcp.block.BlockSettings;
import org.jbabel.ddhcp.block.BlockState;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.wire.IpAddress;

/** The control commands and section of {@link Ddhcp} (docs/CONTROL.md "ddhcp"). */
final class DdhcpControl {

    private DdhcpControl() {}

    /** {@code ddhcp blocks}: ddhcpdctl -b's table for every range, with the owner's address added. */
    static ControlRegistry.Answer blocks(Ddhcp d, List<String> arguments) {
        noArguments("blocks", arguments);
        long now = d.context().now();
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> json = new ArrayList<>();
        for (BlockEngine e : d.engines()) {
            BlockSettings s = e.settings();
            text.append("block size/number\t").append(s.swarm().blockSize()).append('/')
                    .append(s.swarm().numberOfBlocks()).append('\n');
            text.append("tentative timeout\t").append(s.tentativeTimeout().toSeconds()).append('\n');
            text.append("timeout\t").append(s.blockTimeout().toSeconds()).append('\n');
            text.append("refresh factor\t").append(BlockSettings.REFRESH_FACTOR).append('\n');
            text.append("spare leases needed\t").append(s.spareLeases()).append('\n');
            text.append("network: ").append(s.swarm().toPrefix()).append('\n');
            text.append("node id\t").append(e.node()).append('\n');
            text.append("learning\t").append(e.learning(now) ? 1 : 0).append('\n');
            text.append("ddhcp blocks\n");
            text.append("index\tstate\towner\t\t\tclaim\ttimeout\taddress\n");
            List<Map<String, Object>> rows = new ArrayList<>();
            int inUse = 0;
            for (BlockEngine.Row r : e.rows(now)) {
                if (r.state() == BlockState.OURS || r.state() == BlockState.CLAIMED) {
                    inUse++;
                }
                String owner = r.owner() == null ? "0000000000000000" : r.owner().toString();
                text.append(r.index()).append('\t').append(r.state().code()).append('\t').append(owner).append('\t')
                        .append(r.inquiries()).append('\t').append(r.secondsLeft()).append('\t')
                        .append(r.peer() == null ? "-" : r.peer().toString()).append('\n');
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("index", r.index());
                row.put("first", IpAddress.v4(s.swarm().firstAddress(r.index())).toString());
                row.put("state", r.state().name());
                row.put("owner", r.owner() == null ? null : r.owner().toString());
                row.put("address", r.peer() == null ? null : r.peer().toString());
                row.put("claim", r.inquiries());
                row.put("timeout", r.secondsLeft());
                rows.add(row);
            }
            text.append("blocks in use: ").append(inUse).append('\n');
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("network", s.swarm().toPrefix().toString());
            range.put("block_size", s.swarm().blockSize());
            range.put("blocks", s.swarm().numberOfBlocks());
            range.put("node_id", e.node().toString());
            range.put("learning", e.learning(now));
            range.put("spare_leases", s.spareLeases());
            range.put("tentative_timeout", s.tentativeTimeout().toSeconds());
            range.put("timeout", s.blockTimeout().toSeconds());
            range.put("in_use", inUse);
            range.put("rows", rows);
            json.add(range);
        }
        return new ControlRegistry.Answer(text.toString(), Map.of("ddhcp_blocks", json));
    }

    /** {@code ddhcp exit}: this node's exit address, or none. */
    static ControlRegistry.Answer exit(Ddhcp d, List<String> arguments) {
        noArguments("exit", arguments);
        String a = d.exitAddress().map(Object::toString).orElse("none");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("exit", d.settings().exit());
        json.put("address", d.exitAddress().map(Object::toString).orElse(null));
        return new ControlRegistry.Answer("exit address " + a + "\n", Map.of("ddhcp_exit", json));
    }

    /**
     * {@code ddhcp renew ADDRESS MAC}: sends a RENEWLEASE for ADDRESS and client MAC to the owner of its block (a
     * diagnostic; the answer shows in the counters {@code received_leaseack} and {@code received_leasenak}).
     */
    static ControlRegistry.Answer renew(Ddhcp d, List<String> arguments, java.util.random.RandomGenerator random) {
        if (arguments.size() != 2) {
            throw new IllegalArgumentException("ddhcp renew takes ADDRESS MAC");
        }
        IpAddress address;
        byte[] chaddr = new byte[16];
        try {
            address = IpAddress.parse(arguments.get(0));
            byte[] mac = java.util.HexFormat.of().parseHex(arguments.get(1).replace(":", ""));
            if (mac.length != 6 || address.family() != org.jbabel.wire.Family.V4) {
                throw new IllegalArgumentException();
            }
            System.arraycopy(mac, 0, chaddr, 0, 6);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ddhcp renew takes an IPv4 ADDRESS and a MAC like 52:54:00:12:34:56");
        }
        int xid = random.nextInt();
        org.jbabel.ddhcp.block.Standing standing = d.engine().standing(address.v4Bits());
        boolean sent = d.renewLease(address.v4Bits(), xid, chaddr);
        String text = sent ? "sent RENEWLEASE xid " + Integer.toHexString(xid) + " to "
                + ((org.jbabel.ddhcp.block.Standing.Remote) standing).peer() + "\n"
                : "not sent: the block of " + address + " is not another node's (" + standing + ")\n";
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sent", sent);
        json.put("xid", Integer.toHexString(xid));
        return new ControlRegistry.Answer(text, Map.of("ddhcp_renew", json));
    }

    /** {@code ddhcp give-back INDEX}: gives an own block back (UPDATECLAIM with timeout 0). */
    static ControlRegistry.Answer giveBack(Ddhcp d, List<String> arguments) {
        if (arguments.size() != 1 || !arguments.getFirst().matches("\\d{1,9}")) {
            throw new IllegalArgumentException("ddhcp give-back takes the INDEX of an own block");
        }
        int index = Integer.parseInt(arguments.getFirst());
        if (!d.giveBack(index)) {
            throw new IllegalArgumentException("block " + index + " is not ours, or is in use");
        }
        return new ControlRegistry.Answer("gave back block " + index + "\n", Map.of("ddhcp_give_back", index));
    }

    /** The {@code ddhcp-block} section of dump: our own blocks. */
    static List<ControlRegistry.Item> ownBlocks(Ddhcp d) {
        List<ControlRegistry.Item> items = new ArrayList<>();
        for (BlockEngine e : d.engines()) {
            for (int b : e.ownBlocks()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("range", e.swarm().toPrefix().toString());
                fields.put("first", IpAddress.v4(e.swarm().firstAddress(b)).toString());
                fields.put("size", e.swarm().blockSize());
                items.add(new ControlRegistry.Item(e.swarm().toPrefix() + "#" + b, fields));
            }
        }
        return items;
    }

    private static void noArguments(String command, List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("ddhcp " + command + " takes no arguments");
        }
    }
}
