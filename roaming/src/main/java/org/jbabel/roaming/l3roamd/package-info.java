/**
 * The sans-IO core of l3roamd, the layer-3 roaming service of Freifunk Gluon (spec roaming.md §1; design
 * docs/ROAMING.md): a client of the mesh keeps its addresses wherever it attaches, because the node it is attached
 * to announces its host routes in Babel and hands them over when it moves on. Byte-compatible with the C l3roamd's
 * intercom, without its defects (§1.12).
 *
 * <ul>
 *   <li>{@link org.jbabel.roaming.l3roamd.L3roamdEngine}: clients by MAC and their addresses, the CLAIM/INFO/ACK
 *       hand-over, SEEK flooding with duplicate suppression, the queue of packets for unknown destinations, every
 *       table bounded. Driven by method calls carrying the time, answering through
 *       {@link org.jbabel.roaming.l3roamd.L3roamdOutput}, timers by {@code nextDeadline}/{@code tick};
 *       configured by {@link org.jbabel.roaming.l3roamd.L3roamdSettings}.</li>
 *   <li>{@link org.jbabel.roaming.l3roamd.Intercom}: the SEEK/CLAIM/INFO/ACK wire codec (UDP 5523,
 *       ff02::5523); decoding never throws, it names the reason of a rejection.</li>
 *   <li>{@link org.jbabel.roaming.l3roamd.NodeClientAddress}: a client's node-client address from its MAC, and
 *       Gluon's node-client prefix from the domain seed; {@link org.jbabel.roaming.l3roamd.Ipv4Mapping}: IPv4
 *       addresses in the intercom's mapped form.</li>
 *   <li>{@link org.jbabel.roaming.l3roamd.NdpPackets}: Neighbour Solicitations and ARP requests to probe clients,
 *       parsers for what the client interface delivers (NA, sniffed NS, ARP replies), the classic BPF program of the
 *       NS sniffer, and the ICMPv6/ICMP errors for packets that found no route.</li>
 * </ul>
 *
 * <p>Nothing here opens a socket or touches the kernel: the extension that does (sockets, TUN device, rtnetlink
 * through its {@code ExtensionContext}, origination through its {@code BabelApi} handle) lives beside this package.
 */
package org.jbabel.roaming.l3roamd;
