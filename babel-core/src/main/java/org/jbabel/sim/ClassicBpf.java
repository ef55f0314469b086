package org.jbabel.sim;

/**
 * PLACEHOLDER until the classic BPF interpreter (written by another helper) is merged: the same signatures, no
 * interpretation. {@link #run} accepts every packet whole; {@link #validate} checks only that the program is a whole
 * number of 8-byte {@code struct sock_filter} instructions.
 */
public final class ClassicBpf {

    private ClassicBpf() {}

    /** Runs {@code program} over {@code packet}: the number of bytes to accept, 0 to drop. */
    public static int run(byte[] program, byte[] packet) {
        return packet.length;
    }

    /** Throws {@link IllegalArgumentException} when {@code program} is not a valid classic BPF program. */
    public static void validate(byte[] program) {
        if (program == null || program.length == 0 || program.length % 8 != 0) {
            throw new IllegalArgumentException("a classic BPF program is a non-empty array of 8-byte instructions, not "
                    + (program == null ? "null" : program.length + " bytes"));
        }
    }
}
