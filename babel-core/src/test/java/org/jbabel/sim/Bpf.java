package org.jbabel.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Classic BPF programs for the tests, written as {@code struct sock_filter} in native byte order. */
final class Bpf {

    private Bpf() {}

    /** One instruction. */
    record Insn(int code, int jt, int jf, int k) {}

    static Insn stmt(int code, int k) {
        return new Insn(code, 0, 0, k);
    }

    static Insn jump(int code, int k, int jt, int jf) {
        return new Insn(code, jt, jf, k);
    }

    static byte[] program(Insn... insns) {
        ByteBuffer b = ByteBuffer.allocate(insns.length * 8).order(ByteOrder.nativeOrder());
        for (Insn i : insns) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    // opcodes as the kernel's uapi linux/filter.h composes them
    static final int LD_W_ABS = 0x20;
    static final int LD_H_ABS = 0x28;
    static final int LD_B_ABS = 0x30;
    static final int LD_W_IND = 0x40;
    static final int LD_H_IND = 0x48;
    static final int LD_B_IND = 0x50;
    static final int LD_W_LEN = 0x80;
    static final int LD_IMM = 0x00;
    static final int LD_MEM = 0x60;
    static final int LDX_W_LEN = 0x81;
    static final int LDX_B_MSH = 0xb1;
    static final int LDX_IMM = 0x01;
    static final int LDX_MEM = 0x61;
    static final int ST = 0x02;
    static final int STX = 0x03;
    static final int ALU_ADD_K = 0x04;
    static final int ALU_ADD_X = 0x0c;
    static final int ALU_SUB_K = 0x14;
    static final int ALU_SUB_X = 0x1c;
    static final int ALU_MUL_K = 0x24;
    static final int ALU_MUL_X = 0x2c;
    static final int ALU_DIV_K = 0x34;
    static final int ALU_DIV_X = 0x3c;
    static final int ALU_OR_K = 0x44;
    static final int ALU_OR_X = 0x4c;
    static final int ALU_AND_K = 0x54;
    static final int ALU_AND_X = 0x5c;
    static final int ALU_LSH_K = 0x64;
    static final int ALU_LSH_X = 0x6c;
    static final int ALU_RSH_K = 0x74;
    static final int ALU_RSH_X = 0x7c;
    static final int ALU_NEG = 0x84;
    static final int ALU_MOD_K = 0x94;
    static final int ALU_MOD_X = 0x9c;
    static final int ALU_XOR_K = 0xa4;
    static final int ALU_XOR_X = 0xac;
    static final int JA = 0x05;
    static final int JEQ_K = 0x15;
    static final int JEQ_X = 0x1d;
    static final int JGT_K = 0x25;
    static final int JGT_X = 0x2d;
    static final int JGE_K = 0x35;
    static final int JGE_X = 0x3d;
    static final int JSET_K = 0x45;
    static final int JSET_X = 0x4d;
    static final int RET_K = 0x06;
    static final int RET_A = 0x16;
    static final int TAX = 0x07;
    static final int TXA = 0x87;

    /** Every opcode the kernel accepts in a socket filter. */
    static final int[] ALL_OPCODES = {LD_W_ABS, LD_H_ABS, LD_B_ABS, LD_W_IND, LD_H_IND, LD_B_IND, LD_W_LEN, LD_IMM,
        LD_MEM, LDX_W_LEN, LDX_B_MSH, LDX_IMM, LDX_MEM, ST, STX, ALU_ADD_K, ALU_ADD_X, ALU_SUB_K, ALU_SUB_X,
        ALU_MUL_K, ALU_MUL_X, ALU_DIV_K, ALU_DIV_X, ALU_OR_K, ALU_OR_X, ALU_AND_K, ALU_AND_X, ALU_LSH_K, ALU_LSH_X,
        ALU_RSH_K, ALU_RSH_X, ALU_NEG, ALU_MOD_K, ALU_MOD_X, ALU_XOR_K, ALU_XOR_X, JA, JEQ_K, JEQ_X, JGT_K, JGT_X,
        JGE_K, JGE_X, JSET_K, JSET_X, RET_K, RET_A, TAX, TXA};

    /** l3roamd's filter on its ETH_P_IPV6 socket: the byte after a 40-byte IPv6 header is 135 (NS). */
    static final byte[] L3ROAMD_NS = program(
            stmt(LD_B_ABS, 40),
            jump(JEQ_K, 135, 0, 1),
            stmt(RET_K, 0xFFFF),
            stmt(RET_K, 0));

    /** Stricter: IPv6 next header 58 (ICMPv6) and ICMPv6 type 135, NS. */
    static final byte[] ICMP6_NS = program(
            stmt(LD_B_ABS, 6),
            jump(JEQ_K, 58, 0, 3),
            stmt(LD_B_ABS, 40),
            jump(JEQ_K, 135, 0, 1),
            stmt(RET_K, 0xFFFF),
            stmt(RET_K, 0));

    /** ARP for IPv4 over Ethernet (htype 1, ptype 0x0800), request or reply (opcode 1 or 2). */
    static final byte[] ARP_REQUEST_OR_REPLY = program(
            stmt(LD_H_ABS, 0),
            jump(JEQ_K, 1, 0, 7),
            stmt(LD_H_ABS, 2),
            jump(JEQ_K, 0x0800, 0, 5),
            stmt(LD_H_ABS, 6),
            jump(JEQ_K, 1, 2, 0),
            jump(JEQ_K, 2, 1, 0),
            stmt(RET_K, 0),
            stmt(RET_K, 0x40000),
            stmt(RET_K, 0));

    /** ARP replies only, and only 28 bytes of them (the IPv4-over-Ethernet body). */
    static final byte[] ARP_REPLY_28 = program(
            stmt(LD_H_ABS, 6),
            jump(JEQ_K, 2, 0, 1),
            stmt(RET_K, 28),
            stmt(RET_K, 0));
}
