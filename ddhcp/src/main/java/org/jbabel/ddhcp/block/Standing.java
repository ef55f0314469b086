package org.jbabel.ddhcp.block;

/** Who answers for an address or block (what the DHCP side asks before it offers, acknowledges or forwards). */
public sealed interface Standing {

    /** One of our blocks: serve it. */
    record Ours(int block) implements Standing {}

    /** Another node's block: forward to {@code peer}. */
    record Remote(int block, NodeId owner, Peer peer) implements Standing {}

    /** A block of the range that nobody is known to own ({@code state} FREE, TENTATIVE, CLAIMING or BLOCKED). */
    record Unowned(int block, BlockState state) implements Standing {}

    /** Not in the range. */
    record Outside() implements Standing {}
}
