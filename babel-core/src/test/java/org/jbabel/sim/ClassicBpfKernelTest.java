package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.sim.Bpf.ALL_OPCODES;
import static org.jbabel.sim.Bpf.ALU_ADD_K;
import static org.jbabel.sim.Bpf.ALU_DIV_X;
import static org.jbabel.sim.Bpf.ALU_LSH_K;
import static org.jbabel.sim.Bpf.ALU_LSH_X;
import static org.jbabel.sim.Bpf.ALU_MOD_X;
import static org.jbabel.sim.Bpf.ALU_NEG;
import static org.jbabel.sim.Bpf.ALU_RSH_K;
import static org.jbabel.sim.Bpf.ALU_RSH_X;
import static org.jbabel.sim.Bpf.ALU_SUB_K;
import static org.jbabel.sim.Bpf.ARP_REPLY_28;
import static org.jbabel.sim.Bpf.ARP_REQUEST_OR_REPLY;
import static org.jbabel.sim.Bpf.ICMP6_NS;
import static org.jbabel.sim.Bpf.JA;
import static org.jbabel.sim.Bpf.JEQ_K;
import static org.jbabel.sim.Bpf.JGT_X;
import static org.jbabel.sim.Bpf.JSET_K;
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
import static org.jbabel.sim.Bpf.LD_W_LEN;
import static org.jbabel.sim.Bpf.RET_A;
import static org.jbabel.sim.Bpf.RET_K;
import static org.jbabel.sim.Bpf.ST;
import static org.jbabel.sim.Bpf.STX;
import static org.jbabel.sim.Bpf.TAX;
import static org.jbabel.sim.Bpf.TXA;
import static org.jbabel.sim.Bpf.concat;
import static org.jbabel.sim.Bpf.jump;
import static org.jbabel.sim.Bpf.program;
import static org.jbabel.sim.Bpf.stmt;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jbabel.extension.Network;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClassicBpf} against the kernel: namespaces A and B joined by the veth pair a1–b1 (IPv6 off, no IPv4
 * addresses: the only frames on the link are the test's). B sends frames with a packet socket; A receives them on a
 * packet socket ({@link LinuxNetwork#packet}) whose filter is the program under test, and each verdict (received or
 * not, and how many bytes) must equal {@link ClassicBpf}'s.
 *
 * <p>To know that a frame was dropped without waiting, every test frame is followed by a marker frame (first byte
 * 0xEE, then its number), and the attached filter is the program under test behind a prefix that passes markers
 * whole: {@code ldb [0]; jeq #0xEE, 0, 1; ret #0x40000; ld #0}, then the program (its jumps are relative, so they
 * still land where they did; A starts at 0 again and X is untouched). Test frames never start with 0xEE, so the
 * prefix hands all of them to the program.
 */
class ClassicBpfKernelTest {

    private static final int EXPERIMENTAL = 0x88B5;
    private static final int IPV6 = 0x86DD;
    private static final int ARP = 0x0806;
    private static final byte MARKER = (byte) 0xEE;

    private NetworkNamespace a;
    private NetworkNamespace b;
    private ExecutorService loop;
    private LinuxNetwork netA;
    private LinuxNetwork netB;
    private byte[] macA1;
    private byte[] macB1;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        a = NetworkNamespace.create();
        b = NetworkNamespace.create();
        for (NetworkNamespace ns : List.of(a, b)) {
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        }
        a.ip("link", "add", "a1", "type", "veth", "peer", "name", "b1");
        a.ip("link", "set", "b1", "netns", b.name());
        a.ip("link", "set", "a1", "up");
        b.ip("link", "set", "b1", "up");
        macA1 = mac(a, "a1");
        macB1 = mac(b, "b1");
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "bpf-test-loop"));
        netA = new LinuxNetwork(loop, new IoCounters());
        netB = new LinuxNetwork(loop, new IoCounters());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (netA != null) {
                netA.close();
            }
            if (netB != null) {
                netB.close();
            }
            if (loop != null) {
                loop.shutdownNow();
            }
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        }
    }

    private static byte[] mac(NetworkNamespace ns, String dev) throws Exception {
        String text = ns.ip("-o", "link", "show", dev).replaceAll("(?s).*link/ether ([0-9a-f:]+).*", "$1");
        return HexFormat.ofDelimiter(":").parseHex(text.trim());
    }

    /** The Ethernet header the kernel sees in front of a frame from b1 to a1. */
    private byte[] ethernet(int ethertype) {
        return ByteBuffer.allocate(14).put(macA1).put(macB1).putShort((short) ethertype).array();
    }

    private static byte[] withMarkerPrefix(byte[] program) {
        return concat(program(
                stmt(LD_B_ABS, 0),
                jump(JEQ_K, MARKER & 0xFF, 0, 1),
                stmt(RET_K, 0x40000),
                stmt(LD_IMM, 0)), program);
    }

    /**
     * Opens A's packet socket for {@code ethertype} with {@code program} (behind the marker prefix); null when the
     * kernel refuses the program.
     */
    private Network.LinkSocket listen(int ethertype, byte[] program, BlockingQueue<byte[]> received) throws Exception {
        byte[] attached = withMarkerPrefix(program);
        try {
            return a.inside(() -> netA.packet("a1", ethertype, attached, f -> received.add(f.payload())));
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("the kernel refused the BPF program");
            return null;
        }
    }

    /** How many bytes of each packet the kernel's filter let through on A, in order. */
    private List<Integer> kernelVerdicts(int ethertype, byte[] program, List<byte[]> packets) throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        Network.LinkSocket in = listen(ethertype, program, received);
        assertThat(in).as("the kernel takes %s", HexFormat.of().formatHex(program)).isNotNull();
        Network.LinkSocket out = b.inside(() -> netB.packet("b1", ethertype, null, f -> { }));
        try {
            List<Integer> verdicts = new ArrayList<>();
            for (int i = 0; i < packets.size(); i++) {
                byte[] packet = packets.get(i);
                assertThat(packet[0]).isNotEqualTo(MARKER);
                byte[] marker = ByteBuffer.allocate(5).put(MARKER).putInt(i).array();
                assertThat(out.send(macA1, packet)).isTrue();
                assertThat(out.send(macA1, marker)).isTrue();
                List<byte[]> before = new ArrayList<>();
                while (true) {
                    byte[] got = received.poll(10, TimeUnit.SECONDS);
                    assertThat(got).as("marker %d arrives", i).isNotNull();
                    if (Arrays.equals(got, marker)) {
                        break;
                    }
                    assertThat(got[0]).as("a marker out of turn").isNotEqualTo(MARKER);
                    before.add(got);
                }
                assertThat(before).as("at most the one frame before marker %d", i).hasSizeLessThanOrEqualTo(1);
                if (before.isEmpty()) {
                    verdicts.add(0);
                } else {
                    byte[] got = before.getFirst();
                    assertThat(got).as("the filter's trim of frame %d", i)
                            .isEqualTo(Arrays.copyOf(packet, got.length));
                    verdicts.add(got.length);
                }
            }
            return verdicts;
        } finally {
            in.close();
            out.close();
        }
    }

    private List<Integer> ourVerdicts(int ethertype, byte[] program, List<byte[]> packets) {
        ClassicBpf.Program p = ClassicBpf.compile(program);
        return packets.stream().map(x -> p.run(ethernet(ethertype), x)).toList();
    }

    private void sameVerdicts(int ethertype, byte[] program, List<byte[]> packets, List<Integer> expected)
            throws Exception {
        List<Integer> kernel = kernelVerdicts(ethertype, program, packets);
        assertThat(ourVerdicts(ethertype, program, packets)).as("ours against the kernel's for %s",
                HexFormat.of().formatHex(program)).isEqualTo(kernel);
        if (expected != null) {
            assertThat(kernel).isEqualTo(expected);
        }
    }

    private static final byte[] UNSPECIFIED = new byte[16];
    private static final byte[] CLIENT = HexFormat.of().parseHex("20010db8000000000000000000000042");

    @Test
    void neighbourSolicitationFiltersAsL3roamdUsesThemPassWhatTheKernelPasses() throws Exception {
        byte[] target = HexFormat.of().parseHex("20010db8000000000000000000000001");
        byte[] ns = ClassicBpfTest.ipv6(58, CLIENT, concat(HexFormat.of().parseHex("8700000000000000"), target));
        byte[] dad = ClassicBpfTest.ipv6(58, UNSPECIFIED, concat(HexFormat.of().parseHex("8700000000000000"), target));
        byte[] na = ClassicBpfTest.ipv6(58, CLIENT, concat(HexFormat.of().parseHex("8800000000000000"), target));
        byte[] echo = ClassicBpfTest.ipv6(58, CLIENT, HexFormat.of().parseHex("8000000000010001"));
        byte[] udp = ClassicBpfTest.ipv6(17, CLIENT, HexFormat.of().parseHex("87000000000800000000"));
        byte[] cut = Arrays.copyOf(ns, 40);
        List<byte[]> packets = List.of(ns, dad, na, echo, udp, cut);
        sameVerdicts(IPV6, L3ROAMD_NS, packets, List.of(ns.length, dad.length, 0, 0, udp.length, 0));
        sameVerdicts(IPV6, ICMP6_NS, packets, List.of(ns.length, dad.length, 0, 0, 0, 0));
    }

    @Test
    void arpFiltersPassWhatTheKernelPassesAndTrimAsItDoes() throws Exception {
        byte[] request = HexFormat.of().parseHex("0001080006040001" + "020000000002" + "0a000002" + "000000000000"
                + "0a000001");
        byte[] reply = request.clone();
        reply[7] = 2;
        byte[] rarp = request.clone();
        rarp[7] = 3;
        byte[] notIpv4 = request.clone();
        notIpv4[3] = 0x01;
        byte[] paddedReply = Arrays.copyOf(reply, 46);
        List<byte[]> packets = List.of(request, reply, rarp, notIpv4, paddedReply);
        sameVerdicts(ARP, ARP_REQUEST_OR_REPLY, packets, List.of(28, 28, 0, 0, 46));
        sameVerdicts(ARP, ARP_REPLY_28, packets, List.of(0, 28, 0, 0, 28));
    }

    @Test
    void edgeCasesOfLoadsAndArithmeticGetTheKernelsVerdicts() throws Exception {
        List<byte[]> packets = List.of(new byte[] {1}, new byte[] {1, 2, 3}, HexFormat.of().parseHex(
                "45000014000000004011000001020304050607080102030405060708"), new byte[60]);
        List<byte[]> programs = List.of(
                program(stmt(LD_W_ABS, 0), stmt(RET_K, 0xFFFF)), // a word past a short packet's end
                program(stmt(LDX_IMM, -1), stmt(LD_B_IND, 1), stmt(RET_K, 2)), // X + k wraps to 0
                program(stmt(LDX_IMM, -2), stmt(LD_B_IND, 1), stmt(RET_K, 2)), // X + k is -1
                program(stmt(LDX_B_MSH, 0), stmt(TXA, 0), stmt(RET_A, 0)),
                program(stmt(LDX_B_MSH, 0), stmt(LD_H_IND, 0), stmt(RET_A, 0)),
                program(stmt(LD_W_LEN, 0), stmt(ALU_SUB_K, 1), stmt(RET_A, 0)),
                program(stmt(LD_IMM, 0), stmt(ALU_SUB_K, 1), stmt(RET_A, 0)), // -1 as unsigned: all of it
                program(stmt(LDX_IMM, 33), stmt(LD_IMM, 1), stmt(ALU_LSH_X, 0), stmt(RET_A, 0)), // 33 & 31
                program(stmt(LDX_IMM, 35), stmt(LD_IMM, 48), stmt(ALU_RSH_X, 0), stmt(RET_A, 0)),
                program(stmt(LDX_W_LEN, 0), stmt(ALU_DIV_X, 0), stmt(ALU_ADD_K, 1), stmt(RET_A, 0)),
                program(stmt(LD_B_ABS, 0), stmt(TAX, 0), stmt(LD_IMM, 9), stmt(ALU_MOD_X, 0), stmt(RET_A, 0)),
                program(stmt(LDX_IMM, 0), stmt(LD_IMM, 9), stmt(ALU_DIV_X, 0), stmt(RET_K, 3)), // X = 0
                program(stmt(LD_IMM, 2), stmt(ALU_NEG, 0), stmt(ALU_RSH_K, 30), stmt(RET_A, 0)),
                program(stmt(LD_B_ABS, ClassicBpf.SKF_NET_OFF + 2), stmt(RET_A, 0)),
                program(stmt(LD_H_ABS, ClassicBpf.SKF_LL_OFF + 12), stmt(ALU_SUB_K, 0x88B0), stmt(RET_A, 0)),
                program(stmt(LD_B_ABS, ClassicBpf.SKF_LL_OFF + 6), stmt(RET_A, 0)),
                program(stmt(LDX_IMM, ClassicBpf.SKF_LL_OFF), stmt(LD_B_IND, 14), stmt(RET_A, 0)),
                program(stmt(LD_IMM, 6), stmt(LDX_IMM, 3),
                        stmt(LD_W_ABS, ClassicBpf.SKF_AD_OFF + ClassicBpf.SKF_AD_ALU_XOR_X), stmt(RET_A, 0)),
                program(stmt(LD_B_ABS, 0), stmt(ST, 5), stmt(LDX_MEM, 5), jump(JGT_X, 0, 0, 1), stmt(RET_K, 1),
                        stmt(RET_K, 2)),
                program(stmt(LD_B_ABS, 0), jump(JSET_K, 1, 1, 0), stmt(JA, 1), stmt(RET_K, 2), stmt(RET_K, 3)));
        for (byte[] program : programs) {
            sameVerdicts(EXPERIMENTAL, program, packets, null);
        }
    }

    @Test
    void theLongestProgramIsTheKernelsToo() throws Exception {
        for (int n : new int[] {4096, 4097}) {
            Bpf.Insn[] returns = new Bpf.Insn[n];
            Arrays.fill(returns, stmt(RET_K, 0));
            byte[] program = program(returns);
            boolean ours = ClassicBpfFuzzTest.validates(program);
            Network.LinkSocket s = null;
            try {
                s = a.inside(() -> netA.packet("a1", EXPERIMENTAL, program, f -> { }));
            } catch (IOException e) {
                assertThat(e).hasMessageContaining("the kernel refused the BPF program");
            }
            assertThat(s != null).as("the kernel takes %d instructions", n).isEqualTo(ours).isEqualTo(n == 4096);
            if (s != null) {
                s.close();
            }
        }
    }

    /** Like {@link ClassicBpfFuzzTest#programs}, from a seeded {@link Random}: about half of them valid. */
    private static byte[] randomProgram(Random random) {
        int[] specials = {0xFFFF, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 135, 58};
        int[] bases = {ClassicBpf.SKF_NET_OFF, ClassicBpf.SKF_LL_OFF, ClassicBpf.SKF_AD_OFF};
        List<Bpf.Insn> insns = new ArrayList<>();
        int n = random.nextInt(25);
        for (int i = 0; i <= n; i++) {
            int k = switch (random.nextInt(6)) {
                case 0 -> random.nextInt(71);
                case 1 -> specials[random.nextInt(specials.length)];
                case 2 -> bases[random.nextInt(bases.length)] - 2 + random.nextInt(72);
                case 3 -> random.nextInt();
                default -> random.nextInt(20);
            };
            if (i == n) {
                insns.add(random.nextInt(3) == 0 ? stmt(RET_A, 0) : stmt(RET_K, k));
                break;
            }
            int code = random.nextInt(21) == 0 ? random.nextInt(0x10000) : ALL_OPCODES[random.nextInt(
                    ALL_OPCODES.length)];
            k = switch (code) {
                case LD_MEM, LDX_MEM, ST, STX, JA -> Math.floorMod(k, 17);
                case ALU_LSH_K, ALU_RSH_K -> Math.floorMod(k, 33);
                default -> k;
            };
            int jt = random.nextInt(11) == 0 ? random.nextInt(256) : random.nextInt(5);
            int jf = random.nextInt(11) == 0 ? random.nextInt(256) : random.nextInt(5);
            insns.add(new Bpf.Insn(code, jt, jf, k));
        }
        return program(insns.toArray(Bpf.Insn[]::new));
    }

    @Test
    void randomProgramsAreTakenOrRefusedAndRunAsTheKernelDoes() throws Exception {
        Random random = new Random(0x6270_66L);
        int compared = 0;
        int refused = 0;
        for (int round = 0; round < 2000; round++) {
            byte[] program = randomProgram(random);
            String why = null;
            try {
                ClassicBpf.validate(program);
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
            BlockingQueue<byte[]> ignored = new LinkedBlockingQueue<>();
            Network.LinkSocket s = listen(EXPERIMENTAL, program, ignored);
            if (s != null) {
                s.close();
            }
            String hex = HexFormat.of().formatHex(program);
            if (why != null && why.contains("not simulated")) {
                assertThat(s).as("the kernel takes %s, which we do not simulate", hex).isNotNull();
                continue;
            }
            assertThat(s != null).as("the kernel and we agree whether to take %s (we say: %s)", hex, why)
                    .isEqualTo(why == null);
            if (s == null) {
                refused++;
                continue;
            }
            List<byte[]> packets = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] packet = new byte[1 + random.nextInt(i < 3 ? 12 : 70)];
                random.nextBytes(packet);
                if (packet[0] == MARKER) {
                    packet[0] = 0;
                }
                packets.add(packet);
            }
            sameVerdicts(EXPERIMENTAL, program, packets, null);
            compared++;
        }
        assertThat(compared).as("programs run on both").isGreaterThan(250);
        assertThat(refused).as("programs both refused").isGreaterThan(250);
    }
}
