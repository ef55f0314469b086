/**
 * The exit side of XLAT (docs/XLAT.md "NAT64 exit"): the exits' address plan ({@link org.jbabel.xlat.nat64.ExitPrefix},
 * shared with NAT426), the sans-IO RFC 6146 tables of one exit, its statements and its control output.
 */
package org.jbabel.xlat.nat64;
