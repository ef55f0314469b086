package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jbabel.sim.Bpf.ALL_OPCODES;
import static org.jbabel.sim.Bpf.ALU_ADD_K;
import static org.jbabel.sim.Bpf.ALU_ADD_X;
import static org.jbabel.sim.Bpf.ALU_AND_K;
import static org.jbabel.sim.Bpf.ALU_AND_X;
import static org.jbabel.sim.Bpf.ALU_DIV_K;
import static org.jbabel.sim.Bpf.ALU_DIV_X;
import static org.jbabel.sim.Bpf.ALU_LSH_K;
import static org.jbabel.sim.Bpf.ALU_LSH_X;
import static org.jbabel.sim.Bpf.ALU_MOD_K;
import static org.jbabel.sim.Bpf.ALU_MOD_X;
import static org.jbabel.sim.Bpf.ALU_MUL_K;
import static org.jbabel.sim.Bpf.ALU_MUL_X;
import static org.jbabel.sim.Bpf.ALU_NEG;
import static org.jbabel.sim.Bpf.ALU_OR_K;
import static org.jbabel.sim.Bpf.ALU_OR_X;
import static org.jbabel.sim.Bpf.ALU_RSH_K;
import static org.jbabel.sim.Bpf.ALU_RSH_X;
import static org.jbabel.sim.Bpf.ALU_SUB_K;
import static org.jbabel.sim.Bpf.ALU_SUB_X;
import static org.jbabel.sim.Bpf.ALU_XOR_K;
import static org.jbabel.sim.Bpf.ALU_XOR_X;
import static org.jbabel.sim.Bpf.ARP_REPLY_28;
import static org.jbabel.sim.Bpf.ARP_REQUEST_OR_REPLY;
import static org.jbabel.sim.Bpf.ICMP6_NS;
import static org.jbabel.sim.Bpf.JA;
import static org.jbabel.sim.Bpf.JEQ_K;
import static org.jbabel.sim.Bpf.JGE_K;
import static org.jbabel.sim.Bpf.JGT_K;
import static org.jbabel.sim.Bpf.JSET_K;
import static org.jbabel.sim.Bpf.JSET_X;
import static org.jbabel.sim.Bpf.L3ROAMD_NS;
import static org.jbabel.sim.Bpf.LDX_B_MSH;
import static org.jbabel.sim.Bpf.LDX_IMM;
import static org.jbabel.sim.Bpf.LDX_MEM;
import static org.jbabel.sim.Bpf.LDX_W_LEN;
import static org.jbabel.sim.Bpf.LD_B_ABS;
import static org.jbabel.sim.Bpf.LD_B_IND;
import static org.jbabel.sim.Bpf.LD_H_ABS;
import static org.jbabel.sim.Bpf.LD_H_IND;
import static org.jbabel.sim.Bpf.LD_IMM;
import static org.jbabel.sim.Bpf.LD_MEM;
import static org.jbabel.sim.Bpf.LD_W_ABS;
import static org.jbabel.sim.Bpf.LD_W_IND;
import static org.jbabel.sim.Bpf.LD_W_LEN;
import static org.jbabel.sim.Bpf.RET_A;
import static org.jbabel.sim.Bpf.RET_K;
import static org.jbabel.sim.Bpf.ST;
import static org.jbabel.sim.Bpf.STX;
import static org.jbabel.sim.Bpf.TAX;
import static org.jbabel.sim.Bpf.TXA;
import static org.jbabel.sim.Bpf.jump;
import static org.jbabel.sim.Bpf.program;
import static org.jbabel.sim.Bpf.stmt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClassicBpf}, one instruction class at a time, then the checker's refusals and real filters. */
class ClassicBpfTest {

    private static final byte[] PACKET = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");

    /** What A holds after {@code body}, read bit by bit with JSET; fails when the body ends the program. */
    private static int a(byte[] packet, Bpf.Insn... body) {
        int a = 0;
        for (int bit = 0; bit < 32; bit++) {
            List<Bpf.Insn> p = new ArrayList<>(Arrays.asList(body));
            p.add(jump(JSET_K, 1 << bit, 0, 1));
            p.add(stmt(RET_K, 1));
            p.add(stmt(RET_K, 2));
            int verdict = ClassicBpf.run(program(p.toArray(Bpf.Insn[]::new)), packet);
            if (verdict == 0) {
                throw new AssertionError("the program ended with 0 before its last instruction");
            }
            a |= verdict == 1 ? 1 << bit : 0;
        }
        return a;
    }

    private static int a(Bpf.Insn... body) {
        return a(PACKET, body);
    }

    /** What X holds after {@code body}. */
    private static int x(Bpf.Insn... body) {
        Bpf.Insn[] withTxa = Arrays.copyOf(body, body.length + 1);
        withTxa[body.length] = stmt(TXA, 0);
        return a(PACKET, withTxa);
    }

    private static int run(byte[] packet, Bpf.Insn... program) {
        return ClassicBpf.run(program(program), packet);
    }

    @Test
    void absoluteLoadsReadBigEndianWordsHalfWordsAndBytes() {
        assertThat(a(stmt(LD_W_ABS, 1))).isEqualTo(0x02030405);
        assertThat(a(stmt(LD_H_ABS, 14))).isEqualTo(0x0f10);
        assertThat(a(stmt(LD_B_ABS, 15))).isEqualTo(0x10);
        assertThat(a(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD, (byte) 0xFC}, stmt(LD_W_ABS, 0)))
                .as("a word is unsigned 32 bits").isEqualTo(0xFFFEFDFC);
    }

    @Test
    void indirectLoadsAddXToTheOffset() {
        assertThat(a(stmt(LDX_IMM, 4), stmt(LD_W_IND, 2))).isEqualTo(0x0708090a);
        assertThat(a(stmt(LDX_IMM, 10), stmt(LD_H_IND, 4))).isEqualTo(0x0f10);
        assertThat(a(stmt(LDX_IMM, 3), stmt(LD_B_IND, 0))).isEqualTo(4);
        assertThat(a(stmt(LDX_IMM, -1), stmt(LD_B_IND, 2))).as("X + k wraps").isEqualTo(2);
    }

    @Test
    void aLoadOutsideThePacketEndsTheProgramWithZero() {
        assertThat(run(PACKET, stmt(LD_W_ABS, 13), stmt(RET_K, 5))).as("a word across the end").isZero();
        assertThat(run(PACKET, stmt(LD_W_ABS, 12), stmt(RET_K, 5))).as("the last word").isEqualTo(5);
        assertThat(run(PACKET, stmt(LD_H_ABS, 15), stmt(RET_K, 5))).isZero();
        assertThat(run(PACKET, stmt(LD_B_ABS, 16), stmt(RET_K, 5))).isZero();
        assertThat(run(PACKET, stmt(LD_B_ABS, 0x7FFF_FFFF), stmt(RET_K, 5))).isZero();
        assertThat(run(PACKET, stmt(LDX_IMM, 16), stmt(LD_B_IND, 0), stmt(RET_K, 5))).isZero();
        assertThat(run(PACKET, stmt(LDX_IMM, -20), stmt(LD_B_IND, 2), stmt(RET_K, 5))).as("negative X + k").isZero();
        assertThat(run(PACKET, stmt(LDX_B_MSH, 16), stmt(RET_K, 5))).isZero();
        assertThat(run(new byte[0], stmt(LD_B_ABS, 0), stmt(RET_K, 5))).isZero();
    }

    @Test
    void networkOffsetLoadsReadThePacketAndLinkLayerLoadsItsHeader() {
        assertThat(a(stmt(LD_B_ABS, ClassicBpf.SKF_NET_OFF + 3))).isEqualTo(4);
        assertThat(a(stmt(LDX_IMM, ClassicBpf.SKF_NET_OFF), stmt(LD_H_IND, 14))).isEqualTo(0x0f10);
        assertThat(run(PACKET, stmt(LD_B_ABS, ClassicBpf.SKF_NET_OFF + 16), stmt(RET_K, 5))).isZero();
        byte[] ethernet = HexFormat.of().parseHex("020000000001020000000002" + "88b5");
        byte[] readEthertype = program(stmt(LD_H_ABS, ClassicBpf.SKF_LL_OFF + 12), stmt(RET_A, 0));
        assertThat(ClassicBpf.compile(readEthertype).run(ethernet, new byte[0x10000])).isEqualTo(0x88b5);
        byte[] acrossIntoThePacket = program(stmt(LD_W_ABS, ClassicBpf.SKF_LL_OFF + 12), stmt(RET_A, 0));
        assertThat(ClassicBpf.compile(acrossIntoThePacket).run(ethernet, new byte[] {0x7F, 0, 0, 0}))
                .as("0x88b57f00 capped at 4 bytes").isEqualTo(4);
        assertThat(ClassicBpf.run(readEthertype, PACKET)).as("without a link-layer header").isZero();
    }

    @Test
    void otherLoadsTakeTheLengthAConstantScratchMemoryAndTheIpv4HeaderLength() {
        assertThat(a(stmt(LD_W_LEN, 0))).isEqualTo(16);
        assertThat(a(stmt(LD_IMM, 0xCAFEBABE))).isEqualTo(0xCAFEBABE);
        assertThat(x(stmt(LDX_W_LEN, 0))).isEqualTo(16);
        assertThat(x(stmt(LDX_IMM, 77))).isEqualTo(77);
        assertThat(x(stmt(LDX_B_MSH, 0))).as("4 * (0x01 & 0xf)").isEqualTo(4);
        assertThat(x(stmt(LDX_B_MSH, 14))).as("4 * (0x0f & 0xf)").isEqualTo(60);
        byte[] ipv4 = HexFormat.of().parseHex("46000020" + "00000000" + "4011" + "0000" + "0a000001" + "0a000002"
                + "00000000" + "1234abcd");
        assertThat(a(ipv4, stmt(LDX_B_MSH, 0), stmt(LD_H_IND, 2))).as("the UDP destination port after options")
                .isEqualTo(0xabcd);
    }

    @Test
    void storesKeepAAndXInScratchMemory() {
        assertThat(a(stmt(LD_IMM, 11), stmt(ST, 3), stmt(LD_IMM, 0), stmt(LD_MEM, 3))).isEqualTo(11);
        assertThat(x(stmt(LDX_IMM, 12), stmt(STX, 15), stmt(LDX_IMM, 0), stmt(LDX_MEM, 15))).isEqualTo(12);
        assertThat(a(stmt(LDX_IMM, 13), stmt(STX, 0), stmt(LD_MEM, 0))).isEqualTo(13);
        assertThat(a(stmt(LD_IMM, 1), stmt(ST, 0), stmt(LD_IMM, 2), stmt(ST, 1), stmt(LD_MEM, 0))).isEqualTo(1);
    }

    @Test
    void aluOperationsAreUnsigned32BitWithKOrX() {
        assertThat(a(stmt(LD_IMM, 0xFFFFFFFF), stmt(ALU_ADD_K, 2))).isEqualTo(1);
        assertThat(a(stmt(LD_IMM, 1), stmt(ALU_SUB_K, 2))).isEqualTo(0xFFFFFFFF);
        assertThat(a(stmt(LD_IMM, 0x10001), stmt(ALU_MUL_K, 0x10001))).isEqualTo(0x20001);
        assertThat(a(stmt(LD_IMM, 0xFFFFFFFE), stmt(ALU_DIV_K, 2))).as("unsigned").isEqualTo(0x7FFFFFFF);
        assertThat(a(stmt(LD_IMM, 0xFFFFFFFF), stmt(ALU_MOD_K, 10))).as("unsigned").isEqualTo(5);
        assertThat(a(stmt(LD_IMM, 0xF0), stmt(ALU_AND_K, 0x3C))).isEqualTo(0x30);
        assertThat(a(stmt(LD_IMM, 0xF0), stmt(ALU_OR_K, 0x0F))).isEqualTo(0xFF);
        assertThat(a(stmt(LD_IMM, 0xFF), stmt(ALU_XOR_K, 0x0F))).isEqualTo(0xF0);
        assertThat(a(stmt(LD_IMM, 1), stmt(ALU_LSH_K, 31))).isEqualTo(0x80000000);
        assertThat(a(stmt(LD_IMM, 0x80000000), stmt(ALU_RSH_K, 31))).as("logical").isEqualTo(1);
        assertThat(a(stmt(LD_IMM, 5), stmt(ALU_NEG, 0))).isEqualTo(-5);

        assertThat(a(stmt(LDX_IMM, 3), stmt(LD_IMM, 4), stmt(ALU_ADD_X, 0))).isEqualTo(7);
        assertThat(a(stmt(LDX_IMM, 3), stmt(LD_IMM, 4), stmt(ALU_SUB_X, 0))).isEqualTo(1);
        assertThat(a(stmt(LDX_IMM, 3), stmt(LD_IMM, 4), stmt(ALU_MUL_X, 0))).isEqualTo(12);
        assertThat(a(stmt(LDX_IMM, 3), stmt(LD_IMM, 14), stmt(ALU_DIV_X, 0))).isEqualTo(4);
        assertThat(a(stmt(LDX_IMM, 3), stmt(LD_IMM, 14), stmt(ALU_MOD_X, 0))).isEqualTo(2);
        assertThat(a(stmt(LDX_IMM, 6), stmt(LD_IMM, 3), stmt(ALU_AND_X, 0))).isEqualTo(2);
        assertThat(a(stmt(LDX_IMM, 6), stmt(LD_IMM, 3), stmt(ALU_OR_X, 0))).isEqualTo(7);
        assertThat(a(stmt(LDX_IMM, 6), stmt(LD_IMM, 3), stmt(ALU_XOR_X, 0))).isEqualTo(5);
        assertThat(a(stmt(LDX_IMM, 4), stmt(LD_IMM, 3), stmt(ALU_LSH_X, 0))).isEqualTo(48);
        assertThat(a(stmt(LDX_IMM, 4), stmt(LD_IMM, 48), stmt(ALU_RSH_X, 0))).isEqualTo(3);
    }

    @Test
    void aShiftByXTakesItsLowFiveBitsAndADivisionByAZeroXEndsTheProgramWithZero() {
        assertThat(a(stmt(LDX_IMM, 33), stmt(LD_IMM, 3), stmt(ALU_LSH_X, 0))).isEqualTo(6);
        assertThat(a(stmt(LDX_IMM, 32), stmt(LD_IMM, 6), stmt(ALU_RSH_X, 0))).isEqualTo(6);
        assertThat(run(PACKET, stmt(LD_IMM, 7), stmt(ALU_DIV_X, 0), stmt(RET_K, 5))).isZero();
        assertThat(run(PACKET, stmt(LD_IMM, 7), stmt(ALU_MOD_X, 0), stmt(RET_K, 5))).isZero();
    }

    @Test
    void jumpsCompareAUnsignedWithKOrX() {
        Bpf.Insn[] ret = {stmt(RET_K, 1), stmt(RET_K, 2)};
        record Case(int a, int code, int operand, int expected) {}
        List<Case> cases = List.of(
                new Case(5, JEQ_K, 5, 1), new Case(5, JEQ_K, 6, 2),
                new Case(-1, JGT_K, 1, 1), new Case(1, JGT_K, 1, 2), new Case(1, JGT_K, -1, 2),
                new Case(1, JGE_K, 1, 1), new Case(0, JGE_K, 1, 2), new Case(-1, JGE_K, 0x7FFFFFFF, 1),
                new Case(6, JSET_K, 2, 1), new Case(6, JSET_K, 9, 2));
        for (Case c : cases) {
            assertThat(run(PACKET, stmt(LD_IMM, c.a()), jump(c.code(), c.operand(), 0, 1), ret[0], ret[1]))
                    .as("A=%d op 0x%x K=%d", c.a(), c.code(), c.operand()).isEqualTo(c.expected());
            assertThat(run(PACKET, stmt(LD_IMM, c.a()), stmt(LDX_IMM, c.operand()),
                    jump(c.code() | 0x08, 0x5555, 0, 1), ret[0], ret[1]))
                    .as("A=%d op 0x%x X=%d", c.a(), c.code() | 8, c.operand()).isEqualTo(c.expected());
        }
        assertThat(run(PACKET, stmt(LD_IMM, 1), jump(JEQ_K, 1, 2, 0), stmt(RET_K, 3), stmt(RET_K, 4),
                stmt(RET_K, 5))).as("jt skips two").isEqualTo(5);
        assertThat(run(PACKET, stmt(JA, 1), stmt(RET_K, 3), stmt(RET_K, 4))).as("ja").isEqualTo(4);
        assertThat(run(PACKET, stmt(JA, 0), stmt(RET_K, 3))).as("ja 0 goes on").isEqualTo(3);
    }

    @Test
    void returnsAreCappedAtThePacketLengthAndZeroDrops() {
        assertThat(run(PACKET, stmt(RET_K, 4))).isEqualTo(4);
        assertThat(run(PACKET, stmt(RET_K, 0xFFFF))).isEqualTo(16);
        assertThat(run(PACKET, stmt(RET_K, 0xFFFFFFFF))).as("unsigned").isEqualTo(16);
        assertThat(run(PACKET, stmt(RET_K, 0))).isZero();
        assertThat(run(PACKET, stmt(LD_IMM, 9), stmt(RET_A, 0))).isEqualTo(9);
        assertThat(run(PACKET, stmt(LD_IMM, -1), stmt(RET_A, 0))).isEqualTo(16);
        assertThat(run(PACKET, stmt(RET_A, 0))).as("A starts at 0").isZero();
        assertThat(run(new byte[0], stmt(RET_K, 100))).isZero();
    }

    @Test
    void taxAndTxaCopyBetweenAAndX() {
        assertThat(x(stmt(LD_IMM, 42), stmt(TAX, 0))).isEqualTo(42);
        assertThat(a(stmt(LDX_IMM, 43), stmt(TXA, 0))).isEqualTo(43);
        assertThat(x()).as("X starts at 0").isZero();
    }

    @Test
    void theAncillaryXorOfAAndXRunsAndTheOthersAreRefusedAsNotSimulated() {
        assertThat(a(stmt(LD_IMM, 6), stmt(LDX_IMM, 3),
                stmt(LD_W_ABS, ClassicBpf.SKF_AD_OFF + ClassicBpf.SKF_AD_ALU_XOR_X))).isEqualTo(5);
        assertThatThrownBy(() -> ClassicBpf.validate(program(stmt(LD_H_ABS, ClassicBpf.SKF_AD_OFF), stmt(RET_A, 0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instruction 0: the ancillary load SKF_AD_PROTOCOL is not simulated");
        assertThatThrownBy(() -> ClassicBpf.validate(program(stmt(RET_K, 1), stmt(LD_W_ABS, ClassicBpf.SKF_AD_OFF + 60),
                stmt(RET_A, 0))))
                .hasMessage("instruction 1: the ancillary load SKF_AD_VLAN_TPID is not simulated");
        assertThatThrownBy(() -> ClassicBpf.validate(program(stmt(LD_B_ABS, ClassicBpf.SKF_AD_OFF + 64),
                stmt(RET_A, 0)))).hasMessage("instruction 0: unknown ancillary load at SKF_AD_OFF + 64");
        assertThatThrownBy(() -> ClassicBpf.validate(program(stmt(LD_B_ABS, ClassicBpf.SKF_AD_OFF + 2),
                stmt(RET_A, 0)))).hasMessage("instruction 0: unknown ancillary load at SKF_AD_OFF + 2");
        assertThatThrownBy(() -> ClassicBpf.validate(program(stmt(LD_B_ABS, -1), stmt(RET_A, 0))))
                .hasMessage("instruction 0: unknown ancillary load at SKF_AD_OFF + 4095");
        assertThatThrownBy(() -> ClassicBpf.validate(program(stmt(LD_H_ABS, ClassicBpf.SKF_AD_OFF + 4),
                stmt(LD_MEM, 1), stmt(RET_A, 0)))).as("what the kernel refuses is said first")
                .hasMessage("instruction 1: loads scratch memory word M[1] that is not stored on every path to it");
    }

    private static void refused(String message, Bpf.Insn... program) {
        assertThatThrownBy(() -> ClassicBpf.validate(program(program))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> ClassicBpf.run(program(program), PACKET)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void theCheckerRefusesWhatTheKernelRefusesSayingWhy() {
        assertThatThrownBy(() -> ClassicBpf.validate(new byte[12])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a BPF program is a whole number of 8-byte instructions, not 12 bytes");
        assertThatThrownBy(() -> ClassicBpf.validate(new byte[0]))
                .hasMessage("a BPF program needs at least one instruction");
        assertThatThrownBy(() -> ClassicBpf.validate(null)).hasMessage("no BPF program");
        Bpf.Insn[] tooLong = new Bpf.Insn[4097];
        Arrays.fill(tooLong, stmt(RET_K, 0));
        refused("a BPF program has at most 4096 instructions, not 4097", tooLong);
        ClassicBpf.validate(program(Arrays.copyOf(tooLong, 4096)));
        refused("instruction 0: unknown or refused opcode 0xe", stmt(0x0e, 0), stmt(RET_K, 0));
        refused("instruction 0: unknown or refused opcode 0x106", stmt(0x106, 0), stmt(RET_K, 0));
        refused("instruction 0: unknown or refused opcode 0x8", stmt(0x08, 0), stmt(RET_K, 0));
        refused("instruction 0: jump by 1 leaves the program of 2 instructions", stmt(JA, 1), stmt(RET_K, 0));
        refused("instruction 0: jump by 4294967295 leaves the program of 2 instructions", stmt(JA, -1),
                stmt(RET_K, 0));
        refused("instruction 0: conditional jump (+0, +1) leaves the program of 2 instructions",
                jump(JEQ_K, 0, 0, 1), stmt(RET_K, 0));
        refused("instruction 1: conditional jump (+1, +0) leaves the program of 3 instructions",
                stmt(LD_IMM, 0), jump(JSET_X, 0, 1, 0), stmt(RET_K, 0));
        refused("a BPF program must end with a return, not with instruction 1 (opcode 0x0, k 0)",
                stmt(RET_K, 0), stmt(LD_IMM, 0));
        refused("instruction 0: division by the constant 0", stmt(ALU_DIV_K, 0), stmt(RET_K, 0));
        refused("instruction 0: division by the constant 0", stmt(ALU_MOD_K, 0), stmt(RET_K, 0));
        refused("instruction 0: shift by 32, more than 31 bits", stmt(ALU_LSH_K, 32), stmt(RET_K, 0));
        refused("instruction 0: shift by 4294967295, more than 31 bits", stmt(ALU_RSH_K, -1), stmt(RET_K, 0));
        for (int code : new int[] {LD_MEM, LDX_MEM, ST, STX}) {
            refused("instruction 0: scratch memory word 16 does not exist (M[0] to M[15])", stmt(code, 16),
                    stmt(RET_K, 0));
        }
    }

    @Test
    void scratchMemoryMustBeStoredOnEveryPathBeforeItIsLoaded() {
        refused("instruction 0: loads scratch memory word M[2] that is not stored on every path to it",
                stmt(LD_MEM, 2), stmt(RET_K, 0));
        refused("instruction 3: loads scratch memory word M[0] that is not stored on every path to it",
                jump(JEQ_K, 0, 1, 0), stmt(ST, 0), stmt(LD_IMM, 0), stmt(LDX_MEM, 0), stmt(RET_K, 0));
        refused("instruction 3: loads scratch memory word M[0] that is not stored on every path to it",
                stmt(JA, 1), stmt(ST, 0), stmt(LD_IMM, 0), stmt(LD_MEM, 0), stmt(RET_K, 0));
        ClassicBpf.validate(program(stmt(ST, 0), jump(JEQ_K, 0, 1, 0), stmt(ST, 1), stmt(LD_MEM, 0), stmt(RET_A, 0)));
        ClassicBpf.validate(program(jump(JEQ_K, 0, 0, 2), stmt(ST, 0), stmt(JA, 1), stmt(STX, 0), stmt(LD_MEM, 0),
                stmt(RET_A, 0)));
    }

    @Test
    void everyOpcodeTheKernelTakesIsAcceptedAndRuns() {
        for (int code : ALL_OPCODES) {
            int k = switch (code) {
                case LD_MEM, LDX_MEM, ST, STX, JA -> 0;
                case ALU_DIV_K, ALU_MOD_K -> 3;
                case LD_W_ABS, LD_H_ABS, LD_B_ABS -> 2;
                default -> 1;
            };
            Bpf.Insn[] p = {stmt(ST, 0), stmt(STX, 0), jump(code, k, 0, 0), stmt(RET_K, 7)};
            ClassicBpf.validate(program(p));
            assertThat(run(PACKET, p)).as("opcode 0x%x", code).isIn(0, 1, 7);
        }
    }

    /** An ICMPv6 message after a 40-byte IPv6 header without extension headers. */
    static byte[] ipv6(int nextHeader, byte[] source, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        p[4] = (byte) (payload.length >> 8);
        p[5] = (byte) payload.length;
        p[6] = (byte) nextHeader;
        p[7] = (byte) 255;
        System.arraycopy(source, 0, p, 8, 16);
        p[24] = (byte) 0xff;
        p[25] = 2;
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    @Test
    void l3roamdsFiltersPassNeighbourSolicitationsAndArpAsTheySay() {
        byte[] unspecified = new byte[16];
        String target = "20010db8000000000000000000000001";
        byte[] ns = ipv6(58, unspecified, HexFormat.of().parseHex("8700000000000000" + target));
        byte[] na = ipv6(58, unspecified, HexFormat.of().parseHex("8800000000000000" + target));
        byte[] udpLookingLikeNs = ipv6(17, unspecified, HexFormat.of().parseHex("8700000000000000"));
        assertThat(ClassicBpf.run(L3ROAMD_NS, ns)).isEqualTo(ns.length);
        assertThat(ClassicBpf.run(L3ROAMD_NS, na)).isZero();
        assertThat(ClassicBpf.run(L3ROAMD_NS, udpLookingLikeNs)).as("l3roamd's filter looks at one byte only")
                .isEqualTo(udpLookingLikeNs.length);
        assertThat(ClassicBpf.run(ICMP6_NS, ns)).isEqualTo(ns.length);
        assertThat(ClassicBpf.run(ICMP6_NS, na)).isZero();
        assertThat(ClassicBpf.run(ICMP6_NS, udpLookingLikeNs)).isZero();
        assertThat(ClassicBpf.run(ICMP6_NS, Arrays.copyOf(ns, 40))).as("cut before the type").isZero();

        byte[] request = HexFormat.of().parseHex("0001080006040001" + "020000000002" + "0a000002" + "000000000000"
                + "0a000001");
        byte[] reply = request.clone();
        reply[7] = 2;
        byte[] rarp = request.clone();
        rarp[7] = 3;
        byte[] ipv6OverArp = request.clone();
        ipv6OverArp[2] = (byte) 0x86;
        ipv6OverArp[3] = (byte) 0xdd;
        byte[] padded = Arrays.copyOf(reply, 46);
        assertThat(ClassicBpf.run(ARP_REQUEST_OR_REPLY, request)).isEqualTo(28);
        assertThat(ClassicBpf.run(ARP_REQUEST_OR_REPLY, reply)).isEqualTo(28);
        assertThat(ClassicBpf.run(ARP_REQUEST_OR_REPLY, rarp)).isZero();
        assertThat(ClassicBpf.run(ARP_REQUEST_OR_REPLY, ipv6OverArp)).isZero();
        assertThat(ClassicBpf.run(ARP_REPLY_28, padded)).as("the padding is cut off").isEqualTo(28);
        assertThat(ClassicBpf.run(ARP_REPLY_28, request)).isZero();
    }

    @Test
    void aCompiledProgramRunsOnManyPacketsAndRefusesNoPacket() {
        ClassicBpf.Program p = ClassicBpf.compile(L3ROAMD_NS);
        assertThat(p.length()).isEqualTo(4);
        assertThat(p.run(new byte[41])).isZero();
        byte[] ns = new byte[41];
        ns[40] = (byte) 135;
        assertThat(p.run(ns)).isEqualTo(41);
        assertThatThrownBy(() -> p.run(null)).isInstanceOf(NullPointerException.class).hasMessage("packet");
    }
}
