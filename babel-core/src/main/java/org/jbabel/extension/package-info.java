/**
 * The extension API: how l3roamd, prefixd, the NAT64/NAT426 exits and DDHCP originate routes into Babel and observe
 * the routes and neighbours it selects. Start at {@link org.jbabel.extension.BabelApi}.
 */
package org.jbabel.extension;
