/** xlat: built in a later issue; the module exists so the layout is fixed. */
package org.jbabel.xlat;
