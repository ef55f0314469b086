/**
 * RFC 9079 source-specific routing in the kernel: where the daemon's routes, keyed by (destination, source),
 * go so that the kernel forwards as Babel selects (destination first, then source). {@link
 * org.jbabel.sourcerouting.NativePlacement} writes IPv6 routes with their source prefix (kernel subtrees);
 * {@link org.jbabel.sourcerouting.TablePlacement} uses a table and a rule per source prefix, with
 * disambiguation routes, for IPv4 and for IPv6 without subtrees; {@link
 * org.jbabel.sourcerouting.SourceRoutingSupport} probes the kernel at start and says which is used. The
 * interface {@link org.jbabel.kernel.Placement} they implement is babel-core's, so that the daemon's runtime can
 * use them without depending on this module. See docs/SOURCE-ROUTING.md.
 */
package org.jbabel.sourcerouting;
