/**
 * The Gluon layer-3 roaming services as extensions: {@link org.jbabel.roaming.mmfd mmfd} (multicast flooding) now;
 * l3roamd and prefixd later.
 */
package org.jbabel.roaming;
