/**
 * DDHCP's block protocol, sans-IO (spec ddhcp.md §1–§5): the wire format ({@link org.jbabel.ddhcp.block.BlockMessage},
 * {@link org.jbabel.ddhcp.block.BlockReader}, {@link org.jbabel.ddhcp.block.BlockWriter}) and the engine that
 * claims, refreshes, inquires about and gives back blocks of one range
 * ({@link org.jbabel.ddhcp.block.BlockEngine} over its table {@code Blocks}). The DHCP side talks to it through
 * {@link org.jbabel.ddhcp.block.LeaseUsage}, {@link org.jbabel.ddhcp.block.ForwardedLeases} and
 * {@link org.jbabel.ddhcp.block.Standing}.
 */
package org.jbabel.ddhcp.block;
