/**
 * MAC authentication for Babel (RFC 8967, with RFC 9467's separate unicast and multicast packet counters), as
 * babeld 1.12 does it, plus several keys per interface with validity windows for key rotation. Sans-IO: the
 * {@link org.jbabel.auth.Authenticator} of an interface signs outgoing datagrams and judges incoming ones; time and
 * randomness are passed in. See docs/AUTH.md.
 */
package org.jbabel.auth;
