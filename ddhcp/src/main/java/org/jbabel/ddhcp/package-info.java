/**
 * DDHCP, distributed DHCP across the mesh (docs/DDHCP.md, spec ddhcp.md): every node hands out IPv4 addresses from
 * blocks of one shared range that it claims with ddhcpd's block protocol, wire-compatible with ddhcpd.
 *
 * <p>{@link org.jbabel.ddhcp.block} is the sans-IO block protocol (wire codec and {@code BlockEngine});
 * {@link org.jbabel.ddhcp.Ddhcp} runs it as an {@link org.jbabel.extension.Extension} over nothing but the
 * {@link org.jbabel.extension.ExtensionContext}, so the same class runs in jbabeld and on every simulated node;
 * {@link org.jbabel.ddhcp.DdhcpProvider} reads the {@code ddhcp} statements; the DHCPv4 server (package
 * {@code org.jbabel.ddhcp.dhcp}) plugs in through {@link org.jbabel.ddhcp.DhcpSide}.
 */
package org.jbabel.ddhcp;
