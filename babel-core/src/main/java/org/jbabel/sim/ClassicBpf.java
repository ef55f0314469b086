package org.jbabel.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Classic BPF as Linux runs it on an AF_PACKET socket of type SOCK_DGRAM ({@code SO_ATTACH_FILTER}), so that the
 * simulator decides which frames a packet socket receives as the kernel would. A program is what
 * {@link org.jbabel.extension.Network#packet} takes: 8 bytes per instruction, {@code struct sock_filter} in native
 * byte order (u16 code, u8 jt, u8 jf, u32 k). The packet starts at the network header; {@code len} is its length.
 *
 * <p>{@link #validate} refuses what the kernel's checker refuses, with the reason. It also refuses, saying "not
 * simulated", the ancillary loads (absolute loads at SKF_AD_OFF + n) that need kernel state the simulator does not
 * have (protocol, interface, mark, VLAN, hash, CPU, random, ...); only SKF_AD_ALU_XOR_X, which needs none, runs.
 * Loads at SKF_NET_OFF + n read the network header (the packet itself); loads at SKF_LL_OFF + n read the link-layer
 * header, given to {@link Program#run(byte[], byte[])} (none for {@link #run(byte[], byte[])}: such loads then
 * fall outside the packet).
 *
 * <p>At run time, as in the kernel: A and X start at 0; ALU is 32-bit unsigned and wraps; a shift by X uses X's low
 * five bits; division or modulo by an X of 0 ends the program with 0; a load outside the packet ends the program
 * with 0; an indirect load's offset is X + k wrapped to a signed 32-bit value. The verdict is the returned value
 * capped at the packet's length (the kernel trims the packet to it): 0 drops the packet.
 */
public final class ClassicBpf {

    /** The most instructions the kernel takes (BPF_MAXINSNS). */
    public static final int MAX_INSTRUCTIONS = 4096;
    /** Scratch memory words (BPF_MEMWORDS). */
    public static final int MEMORY_WORDS = 16;

    static final int SKF_AD_OFF = -0x1000;
    static final int SKF_NET_OFF = -0x100000;
    static final int SKF_LL_OFF = -0x200000;
    static final int SKF_AD_ALU_XOR_X = 40;
    private static final int SKF_AD_MAX = 64;

    // instruction classes, sizes, modes, operations and sources
    private static final int LD = 0x00;
    private static final int LDX = 0x01;
    private static final int ST = 0x02;
    private static final int STX = 0x03;
    private static final int ALU = 0x04;
    private static final int JMP = 0x05;
    private static final int RET = 0x06;
    private static final int MISC = 0x07;
    private static final int W = 0x00;
    private static final int H = 0x08;
    private static final int B = 0x10;
    private static final int IMM = 0x00;
    private static final int ABS = 0x20;
    private static final int IND = 0x40;
    private static final int MEM = 0x60;
    private static final int LEN = 0x80;
    private static final int MSH = 0xa0;
    private static final int ADD = 0x00;
    private static final int SUB = 0x10;
    private static final int MUL = 0x20;
    private static final int DIV = 0x30;
    private static final int OR = 0x40;
    private static final int AND = 0x50;
    private static final int LSH = 0x60;
    private static final int RSH = 0x70;
    private static final int NEG = 0x80;
    private static final int MOD = 0x90;
    private static final int XOR = 0xa0;
    private static final int JA = 0x00;
    private static final int JEQ = 0x10;
    private static final int JGT = 0x20;
    private static final int JGE = 0x30;
    private static final int JSET = 0x40;
    private static final int K = 0x00;
    private static final int X = 0x08;
    private static final int RET_A = 0x10;
    private static final int TAX = 0x00;
    private static final int TXA = 0x80;

    /** The opcodes the kernel accepts in a socket filter, and nothing else. */
    private static final boolean[] ALLOWED = new boolean[256];

    static {
        for (int op : new int[] {ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH}) {
            ALLOWED[ALU | op | K] = true;
            ALLOWED[ALU | op | X] = true;
        }
        ALLOWED[ALU | NEG] = true;
        for (int size : new int[] {W, H, B}) {
            ALLOWED[LD | size | ABS] = true;
            ALLOWED[LD | size | IND] = true;
        }
        for (int code : new int[] {LD | W | LEN, LD | IMM, LD | MEM, LDX | W | LEN, LDX | B | MSH, LDX | IMM,
                LDX | MEM, ST, STX, MISC | TAX, MISC | TXA, RET | K, RET | RET_A, JMP | JA}) {
            ALLOWED[code] = true;
        }
        for (int op : new int[] {JEQ, JGT, JGE, JSET}) {
            ALLOWED[JMP | op | K] = true;
            ALLOWED[JMP | op | X] = true;
        }
    }

    private static final String[] ANCILLARY = {"PROTOCOL", "PKTTYPE", "IFINDEX", "NLATTR", "NLATTR_NEST", "MARK",
        "QUEUE", "HATYPE", "RXHASH", "CPU", "ALU_XOR_X", "VLAN_TAG", "VLAN_TAG_PRESENT", "PAY_OFFSET", "RANDOM",
        "VLAN_TPID"};

    private ClassicBpf() {}

    /**
     * Runs {@code program} on {@code packet} (starting at the network header, without a link-layer header) and
     * returns how many of its bytes the socket receives: 0 drops it.
     *
     * @throws IllegalArgumentException when {@link #validate} refuses the program
     */
    public static int run(byte[] program, byte[] packet) {
        return compile(program).run(null, packet);
    }

    /**
     * Throws {@link IllegalArgumentException} saying why when the kernel would refuse the program, or when it would
     * take it but it uses an ancillary load that is not simulated.
     */
    public static void validate(byte[] program) {
        compile(program);
    }

    /** The program checked and decoded, to run on many packets. */
    public static Program compile(byte[] program) {
        if (program == null) {
            throw new IllegalArgumentException("no BPF program");
        }
        if (program.length % 8 != 0) {
            throw new IllegalArgumentException("a BPF program is a whole number of 8-byte instructions, not "
                    + program.length + " bytes");
        }
        int n = program.length / 8;
        if (n == 0) {
            throw new IllegalArgumentException("a BPF program needs at least one instruction");
        }
        if (n > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a BPF program has at most " + MAX_INSTRUCTIONS + " instructions, not "
                    + n);
        }
        ByteBuffer buffer = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        int[] code = new int[n];
        int[] jt = new int[n];
        int[] jf = new int[n];
        int[] k = new int[n];
        String notSimulated = null;
        for (int pc = 0; pc < n; pc++) {
            code[pc] = Short.toUnsignedInt(buffer.getShort());
            jt[pc] = Byte.toUnsignedInt(buffer.get());
            jf[pc] = Byte.toUnsignedInt(buffer.get());
            k[pc] = buffer.getInt();
            check(pc, n, code[pc], jt[pc], jf[pc], k[pc]);
            if (notSimulated == null) {
                notSimulated = notSimulated(pc, code[pc], k[pc]);
            }
        }
        int last = code[n - 1];
        if (last != (RET | K) && last != (RET | RET_A)) {
            throw new IllegalArgumentException("a BPF program must end with a return, not with "
                    + describe(n - 1, last, k[n - 1]));
        }
        checkMemoryIsStoredBeforeLoaded(code, jt, jf, k);
        if (notSimulated != null) { // only now: what the kernel refuses is said first
            throw new IllegalArgumentException(notSimulated);
        }
        return new Program(code, jt, jf, k);
    }

    private static void check(int pc, int n, int code, int jt, int jf, int k) {
        if (code > 0xFF || !ALLOWED[code]) {
            throw new IllegalArgumentException("instruction " + pc + ": unknown or refused opcode 0x"
                    + Integer.toHexString(code));
        }
        switch (code) {
            case ALU | DIV | K, ALU | MOD | K -> {
                if (k == 0) {
                    throw new IllegalArgumentException("instruction " + pc + ": division by the constant 0");
                }
            }
            case ALU | LSH | K, ALU | RSH | K -> {
                if (Integer.compareUnsigned(k, 32) >= 0) {
                    throw new IllegalArgumentException("instruction " + pc + ": shift by " + Integer.toUnsignedString(k)
                            + ", more than 31 bits");
                }
            }
            case LD | MEM, LDX | MEM, ST, STX -> {
                if (Integer.compareUnsigned(k, MEMORY_WORDS) >= 0) {
                    throw new IllegalArgumentException("instruction " + pc + ": scratch memory word "
                            + Integer.toUnsignedString(k) + " does not exist (M[0] to M[" + (MEMORY_WORDS - 1) + "])");
                }
            }
            case JMP | JA -> {
                if (Integer.compareUnsigned(k, n - pc - 1) >= 0) {
                    throw new IllegalArgumentException("instruction " + pc + ": jump by " + Integer.toUnsignedString(k)
                            + " leaves the program of " + n + " instructions");
                }
            }
            case JMP | JEQ | K, JMP | JEQ | X, JMP | JGT | K, JMP | JGT | X, JMP | JGE | K, JMP | JGE | X,
                    JMP | JSET | K, JMP | JSET | X -> {
                if (pc + jt + 1 >= n || pc + jf + 1 >= n) {
                    throw new IllegalArgumentException("instruction " + pc + ": conditional jump (+" + jt + ", +" + jf
                            + ") leaves the program of " + n + " instructions");
                }
            }
            case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                if (Integer.compareUnsigned(k, SKF_AD_OFF) >= 0) {
                    int extension = k - SKF_AD_OFF;
                    if (extension >= SKF_AD_MAX || extension % 4 != 0) {
                        throw new IllegalArgumentException("instruction " + pc
                                + ": unknown ancillary load at SKF_AD_OFF + " + extension);
                    }
                }
            }
            default -> { }
        }
    }

    /** Why the kernel would take instruction {@code pc} and we cannot run it, or null. */
    private static String notSimulated(int pc, int code, int k) {
        boolean absolute = code == (LD | W | ABS) || code == (LD | H | ABS) || code == (LD | B | ABS);
        if (absolute && Integer.compareUnsigned(k, SKF_AD_OFF) >= 0 && k - SKF_AD_OFF != SKF_AD_ALU_XOR_X) {
            return "instruction " + pc + ": the ancillary load SKF_AD_" + ANCILLARY[(k - SKF_AD_OFF) / 4]
                    + " is not simulated";
        }
        return null;
    }

    /**
     * The kernel's check that every path stores a scratch word before loading it: a word is valid after a store
     * and stays valid along the fall-through; a jump target keeps only what is valid on every jump to it.
     */
    private static void checkMemoryIsStoredBeforeLoaded(int[] code, int[] jt, int[] jf, int[] k) {
        int n = code.length;
        int[] masks = new int[n];
        Arrays.fill(masks, 0xFFFF);
        int valid = 0;
        for (int pc = 0; pc < n; pc++) {
            valid &= masks[pc];
            switch (code[pc]) {
                case ST, STX -> valid |= 1 << k[pc];
                case LD | MEM, LDX | MEM -> {
                    if ((valid & (1 << k[pc])) == 0) {
                        throw new IllegalArgumentException("instruction " + pc + ": loads scratch memory word M["
                                + k[pc] + "] that is not stored on every path to it");
                    }
                }
                case JMP | JA -> {
                    masks[pc + 1 + k[pc]] &= valid;
                    valid = 0xFFFF;
                }
                case JMP | JEQ | K, JMP | JEQ | X, JMP | JGT | K, JMP | JGT | X, JMP | JGE | K, JMP | JGE | X,
                        JMP | JSET | K, JMP | JSET | X -> {
                    masks[pc + 1 + jt[pc]] &= valid;
                    masks[pc + 1 + jf[pc]] &= valid;
                    valid = 0xFFFF;
                }
                default -> { }
            }
        }
    }

    private static String describe(int pc, int code, int k) {
        return "instruction " + pc + " (opcode 0x" + Integer.toHexString(code) + ", k " + Integer.toUnsignedString(k)
                + ")";
    }

    /** A program the kernel would accept, decoded; immutable, so it may be shared and run from any thread. */
    public static final class Program {
        private final int[] code;
        private final int[] jt;
        private final int[] jf;
        private final int[] k;

        private Program(int[] code, int[] jt, int[] jf, int[] k) {
            this.code = code;
            this.jt = jt;
            this.jf = jf;
            this.k = k;
        }

        /** Instructions in the program. */
        public int length() {
            return code.length;
        }

        /** How many bytes of {@code packet} (at the network header, no link-layer header) are received; 0 drops it. */
        public int run(byte[] packet) {
            return run(null, packet);
        }

        /**
         * The same, where loads at SKF_LL_OFF + n read {@code linkHeader} (on Ethernet the 14 bytes: destination,
         * source, ethertype) followed by the packet; null for none.
         */
        public int run(byte[] linkHeader, byte[] packet) {
            Objects.requireNonNull(packet, "packet");
            Memory m = Memory.of(linkHeader, packet);
            int a = 0;
            int x = 0;
            int[] scratch = new int[MEMORY_WORDS];
            int pc = 0;
            while (true) {
                int kk = k[pc];
                long loaded;
                switch (code[pc]) {
                    case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                        if (Integer.compareUnsigned(kk, SKF_AD_OFF) >= 0) { // only ALU_XOR_X passes compile
                            a ^= x;
                        } else {
                            loaded = m.load(kk, size(code[pc]));
                            if (loaded < 0) {
                                return 0;
                            }
                            a = (int) loaded;
                        }
                    }
                    case LD | W | IND, LD | H | IND, LD | B | IND -> {
                        loaded = m.load(x + kk, size(code[pc]));
                        if (loaded < 0) {
                            return 0;
                        }
                        a = (int) loaded;
                    }
                    case LD | W | LEN -> a = packet.length;
                    case LD | IMM -> a = kk;
                    case LD | MEM -> a = scratch[kk];
                    case LDX | W | LEN -> x = packet.length;
                    case LDX | B | MSH -> {
                        loaded = m.load(kk, 1);
                        if (loaded < 0) {
                            return 0;
                        }
                        x = ((int) loaded & 0xF) << 2;
                    }
                    case LDX | IMM -> x = kk;
                    case LDX | MEM -> x = scratch[kk];
                    case ST -> scratch[kk] = a;
                    case STX -> scratch[kk] = x;
                    case ALU | NEG -> a = -a;
                    case MISC | TAX -> x = a;
                    case MISC | TXA -> a = x;
                    case RET | K -> {
                        return verdict(kk, packet.length);
                    }
                    case RET | RET_A -> {
                        return verdict(a, packet.length);
                    }
                    case JMP | JA -> pc += kk;
                    default -> {
                        int c = code[pc];
                        int operand = (c & X) != 0 ? x : kk;
                        if ((c & 0x07) == ALU) {
                            if ((c & 0xF0) == DIV || (c & 0xF0) == MOD) {
                                if (operand == 0) {
                                    return 0; // only X can be 0 here: compile refuses the constant
                                }
                            }
                            a = alu(c & 0xF0, a, operand);
                        } else { // a conditional jump
                            pc += jump(c & 0xF0, a, operand) ? jt[pc] : jf[pc];
                        }
                    }
                }
                pc++;
            }
        }

        private static int size(int code) {
            return switch (code & 0x18) {
                case W -> 4;
                case H -> 2;
                default -> 1;
            };
        }

        private static int verdict(int returned, int length) {
            return Integer.compareUnsigned(returned, length) < 0 ? returned : length;
        }

        private static int alu(int op, int a, int operand) {
            return switch (op) {
                case ADD -> a + operand;
                case SUB -> a - operand;
                case MUL -> a * operand;
                case DIV -> Integer.divideUnsigned(a, operand);
                case MOD -> Integer.remainderUnsigned(a, operand);
                case AND -> a & operand;
                case OR -> a | operand;
                case XOR -> a ^ operand;
                case LSH -> a << operand; // Java, like the kernel, uses the low five bits
                case RSH -> a >>> operand;
                default -> throw new IllegalStateException("not an ALU operation: 0x" + Integer.toHexString(op));
            };
        }

        private static boolean jump(int op, int a, int operand) {
            return switch (op) {
                case JEQ -> a == operand;
                case JGT -> Integer.compareUnsigned(a, operand) > 0;
                case JGE -> Integer.compareUnsigned(a, operand) >= 0;
                case JSET -> (a & operand) != 0;
                default -> throw new IllegalStateException("not a jump: 0x" + Integer.toHexString(op));
            };
        }
    }

    /**
     * The bytes a program can load: the packet, at SKF_NET_OFF + n the packet too (its network header), at
     * SKF_LL_OFF + n the link-layer header followed by the packet (nothing when there is no link-layer header).
     */
    private record Memory(byte[] packet, byte[] linkAndPacket) {

        static Memory of(byte[] linkHeader, byte[] packet) {
            if (linkHeader == null || linkHeader.length == 0) {
                return new Memory(packet, new byte[0]);
            }
            byte[] both = new byte[linkHeader.length + packet.length];
            System.arraycopy(linkHeader, 0, both, 0, linkHeader.length);
            System.arraycopy(packet, 0, both, linkHeader.length, packet.length);
            return new Memory(packet, both);
        }

        /** The big-endian value of {@code size} bytes at {@code offset}, or -1 when they are not all there. */
        long load(int offset, int size) {
            byte[] from = packet;
            long at = offset;
            if (offset < 0) {
                if (offset >= SKF_NET_OFF) {
                    at = (long) offset - SKF_NET_OFF;
                } else if (offset >= SKF_LL_OFF) {
                    at = (long) offset - SKF_LL_OFF;
                    from = linkAndPacket;
                } else {
                    return -1;
                }
            }
            if (at + size > from.length) {
                return -1;
            }
            long value = 0;
            for (int i = 0; i < size; i++) {
                value = value << 8 | Byte.toUnsignedInt(from[(int) at + i]);
            }
            return value;
        }
    }
}
