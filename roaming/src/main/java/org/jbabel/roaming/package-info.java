/**
 * The Gluon layer-3 roaming services as extensions: {@link org.jbabel.roaming.mmfd mmfd} (multicast flooding) and
 * {@link org.jbabel.roaming.l3roamd l3roamd} (client roaming; its sans-IO core so far); prefixd later.
 */
package org.jbabel.roaming;
