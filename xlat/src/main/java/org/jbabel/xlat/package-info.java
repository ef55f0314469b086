/** xlat: IPv4 for IPv4-only clients of an IPv6 mesh: the RFC 7915 translator, NAT426 on nodes, NAT64 at exits (docs/XLAT.md). */
package org.jbabel.xlat;
