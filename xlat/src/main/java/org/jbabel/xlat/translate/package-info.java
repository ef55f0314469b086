/**
 * The stateless IP/ICMP translator of RFC 7915 with RFC 6052 address embedding (docs/XLAT.md "Translator",
 * spec ../shared/specs/xlat.md §3-§4): pure functions over byte arrays, sans-IO, allocation-free per packet.
 *
 * <h2>API</h2>
 *
 * <pre>{@code
 * Translator t = new Translator(TranslatorConfig.of(errorSource4, errorSource6), mapper); // one per thread
 * Result r = new Result();                                         // reused; owns the output buffer
 * t.translate4to6(bytes, off, len, r);                             // or translate6to4
 * switch (r.kind()) {
 *     case PACKETS -> { for (int i = 0; i < r.count(); i++) send(r.buffer(), r.offset(i), r.length(i)); }
 *     case ERROR -> sendBack(r.buffer(), r.offset(0), r.length(0)); // an ICMP error in the input's family
 *     case DROPPED -> {}                                            // r.drop() says why; t.count(reason) counts
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.jbabel.xlat.translate.AddressMapper} is the caller's address mapping, asked per packet with a
 *       reused {@link org.jbabel.xlat.translate.Flow} (addresses, protocol, ports or ICMP echo id, TCP flags,
 *       fragment, inner/error flags); it writes the other family's addresses and may change ports and id
 *       (NAT64), or answers source/destination unmappable, prohibited or drop. For an ICMP error the quoted
 *       packet is mapped first, with source and destination swapped so that the ordinary rule applies, then the
 *       error itself with the quoted tuple at hand.</li>
 *   <li>{@link org.jbabel.xlat.translate.Result}: the translated packet, its IPv6 fragments, or one ICMP error
 *       towards the sender; every packet not translated has a {@link org.jbabel.xlat.translate.Drop} reason,
 *       counted by the translator ({@code ipv4_truncated}, {@code ttl_expired}, ...).</li>
 *   <li>{@link org.jbabel.xlat.translate.TranslatorConfig}: lowest IPv6 MTU, the MTUs each way, the sources of
 *       generated errors, the UDP zero-checksum policy, the MSS clamp, traffic class copying, errors for
 *       unmappable packets.</li>
 *   <li>{@link org.jbabel.xlat.translate.Rfc6052} embeds and extracts IPv4 addresses;
 *       {@link org.jbabel.xlat.translate.SiitMapping} is a tayga-like static mapper (prefix and 1:1 pairs).</li>
 * </ul>
 *
 * <p>Input and output must not share a buffer. Bad input never throws.
 */
package org.jbabel.xlat.translate;
