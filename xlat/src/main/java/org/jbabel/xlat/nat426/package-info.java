/**
 * The node side of XLAT (docs/XLAT.md "NAT426 node"): IPv4-only clients of a node reach the IPv4 Internet through the
 * nearest exit over an IPv6-only mesh, and keep their connections when they roam, because every frame they send
 * names its exit in the destination MAC. Sans-IO pieces, fed with bytes and time, each drop a named counter:
 *
 * <ul>
 *   <li>address plan: {@link org.jbabel.xlat.nat426.ExitMac} (XMAC(E)), {@link org.jbabel.xlat.nat426.NodeClients}
 *       (NCA(mac) and back); XP(E) is {@link org.jbabel.xlat.nat64.ExitPrefix};</li>
 *   <li>{@link org.jbabel.xlat.nat426.ArpFrame} and {@link org.jbabel.xlat.nat426.ArpResponder}: ARP on the client
 *       bridge (the gateway, the exits, other clients) and steering clients off an exit that went;</li>
 *   <li>{@link org.jbabel.xlat.nat426.ClientTable}: client MAC ↔ IPv4, bounded, allocation-free lookups;</li>
 *   <li>{@link org.jbabel.xlat.nat426.Exits}: the reachable exits and the nearest from Babel's selected routes;</li>
 *   <li>{@link org.jbabel.xlat.nat426.ResolverMessage} and {@link org.jbabel.xlat.nat426.ResolverEngine}: asking the
 *       mesh for pairs this node does not know (UDP 4260);</li>
 *   <li>{@link org.jbabel.xlat.nat426.Nat426Settings} (the {@code nat426} statement) and
 *       {@link org.jbabel.xlat.nat426.Nat426Control} ({@code nat426 clients}).</li>
 * </ul>
 *
 * The extension that runs them over a TAP port and a TUN device, with the translator, is not here yet.
 */
package org.jbabel.xlat.nat426;
