package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpCodecTest {

    private static final byte[] MAC = HexFormat.of().parseHex("525400123456");
    private static final int A32 = 0x0a74e020; // 10.116.224.32
    private static final int SERVER = 0x0a74e001;

    private static List<Integer> codes(DhcpMessage m) {
        return m.options().stream().map(DhcpOption::code).toList();
    }

    @Test
    void udhcpcDiscoverAndRequestsParseFieldForField() {
        DhcpMessage d = ClientCaptures.message("udhcpc-discover");
        assertThat(d.op()).isEqualTo(DhcpMessage.BOOTREQUEST);
        assertThat(d.messageType()).isEqualTo(MessageType.DISCOVER);
        assertThat(d.xid()).isEqualTo(0xa5b57d50);
        assertThat(d.htype()).isEqualTo(1);
        assertThat(d.hardwareAddress()).isEqualTo(MAC);
        assertThat(d.ciaddr()).isZero();
        assertThat(d.broadcast()).isFalse();
        assertThat(codes(d)).containsExactly(53, 57, 55, 12, 60, 61);
        assertThat(d.option(DhcpOptions.PARAMETER_REQUEST_LIST)).containsExactly(1, 3, 6, 12, 15, 28, 42);
        assertThat(d.option(DhcpOptions.CLIENT_IDENTIFIER)).isEqualTo(HexFormat.of().parseHex("0152540012345600"));

        DhcpMessage r = ClientCaptures.message("udhcpc-request-selecting");
        assertThat(r.messageType()).isEqualTo(MessageType.REQUEST);
        assertThat(r.xid()).isEqualTo(0xa5b57d50);
        assertThat(r.addressOption(DhcpOptions.REQUESTED_ADDRESS)).isEqualTo(A32);
        assertThat(r.addressOption(DhcpOptions.SERVER_IDENTIFIER)).isEqualTo(SERVER);

        DhcpMessage renew = ClientCaptures.message("udhcpc-request-renewing");
        assertThat(renew.ciaddr()).isEqualTo(A32);
        assertThat(renew.option(DhcpOptions.REQUESTED_ADDRESS)).isNull();

        DhcpMessage release = ClientCaptures.message("udhcpc-release");
        assertThat(release.messageType()).isEqualTo(MessageType.RELEASE);
        assertThat(release.ciaddr()).isEqualTo(A32);
        assertThat(release.addressOption(DhcpOptions.SERVER_IDENTIFIER)).isEqualTo(SERVER);
    }

    @Test
    void dhclientMessagesParseFieldForField() {
        DhcpMessage d = ClientCaptures.message("dhclient-discover");
        assertThat(d.messageType()).isEqualTo(MessageType.DISCOVER);
        assertThat(d.xid()).isEqualTo(0xcaf0fe4b);
        assertThat(d.hardwareAddress()).isEqualTo(MAC);
        assertThat(codes(d)).containsExactly(53, 12, 55);
        assertThat(d.option(DhcpOptions.PARAMETER_REQUEST_LIST))
                .containsExactly(1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42);
        assertThat(d.option(DhcpOptions.CLIENT_IDENTIFIER)).isNull();

        DhcpMessage r = ClientCaptures.message("dhclient-request-selecting");
        assertThat(codes(r)).containsExactly(53, 54, 50, 12, 55);
        assertThat(r.addressOption(DhcpOptions.REQUESTED_ADDRESS)).isEqualTo(A32);

        DhcpMessage reboot = ClientCaptures.message("dhclient-request-init-reboot");
        assertThat(reboot.messageType()).isEqualTo(MessageType.REQUEST);
        assertThat(reboot.option(DhcpOptions.SERVER_IDENTIFIER)).isNull();
        assertThat(reboot.addressOption(DhcpOptions.REQUESTED_ADDRESS)).isEqualTo(A32);

        DhcpMessage release = ClientCaptures.message("dhclient-release");
        assertThat(release.messageType()).isEqualTo(MessageType.RELEASE);
        assertThat(release.ciaddr()).isEqualTo(A32);
    }

    @Test
    void everyCaptureIsWrittenBackByteForByteUpToTheEndOption() {
        for (String name : List.of("udhcpc-discover", "udhcpc-request-selecting", "udhcpc-request-renewing",
                "udhcpc-release", "dhclient-discover", "dhclient-request-selecting", "dhclient-request-init-reboot",
                "dhclient-release")) {
            byte[] original = ClientCaptures.bytes(name);
            byte[] written = DhcpWriter.write(ClientCaptures.message(name));
            assertThat(DhcpReader.read(written)).isEqualTo(new DhcpReader.Result.Parsed(ClientCaptures.message(name)));
            // the clients pad with zeros after END as we do; only sname/file (all zero here) are not carried
            assertThat(Arrays.copyOf(written, original.length)).as(name).isEqualTo(original);
        }
    }

    private static byte[] minimal(int type) {
        DhcpMessage m = new DhcpMessage(1, 1, 6, 0, 0x11223344, 0, 0, 0, 0, 0, 0, Arrays.copyOf(MAC, 16),
                List.of(new DhcpOption(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type})));
        return DhcpWriter.write(m);
    }

    private static DhcpReader.Problem problem(byte[] b) {
        return switch (DhcpReader.read(b)) {
            case DhcpReader.Result.Malformed m -> m.problem();
            case DhcpReader.Result.Parsed p -> null;
        };
    }

    @Test
    void everyProblemKindHasAnInputThatProvokesIt() {
        List<DhcpReader.Problem> seen = new ArrayList<>();
        seen.add(problem(new byte[239]));
        byte[] b = minimal(1);
        b[0] = 3;
        seen.add(problem(b));
        b = minimal(1);
        b[2] = 17;
        seen.add(problem(b));
        b = minimal(1);
        b[239] = 0x64;
        seen.add(problem(b));
        b = Arrays.copyOf(minimal(1), 242); // 53 cut after its length byte
        seen.add(problem(b));
        b = minimal(1);
        byte[] overload = Arrays.copyOf(b, 300);
        overload[243] = 52; // replaces END
        overload[244] = 1;
        overload[245] = 7;
        overload[246] = (byte) 255;
        seen.add(problem(overload));
        b = minimal(1);
        b[240] = 12; // option 53 becomes a host name
        seen.add(problem(b));
        seen.add(problem(minimal(9)));
        assertThat(seen).containsExactly(DhcpReader.Problem.values());
    }

    @Test
    void overloadedFileAndSnameFieldsCarryOptionsAndPartsAreJoined() {
        byte[] b = Arrays.copyOf(minimal(3), 300);
        // main area: 53 at 240..242, then 52=3, then part one of option 12, END
        int i = 243;
        for (int v : new int[] {52, 1, 3, 12, 2, 'a', 'b', 255}) {
            b[i++] = (byte) v;
        }
        // file (108..235): part two of option 12, then 50
        i = 108;
        for (int v : new int[] {12, 1, 'c', 50, 4, 10, 116, 224, 32, 255}) {
            b[i++] = (byte) v;
        }
        // sname (44..107): option 61
        i = 44;
        for (int v : new int[] {61, 2, 1, 2, 255}) {
            b[i++] = (byte) v;
        }
        DhcpMessage m = ((DhcpReader.Result.Parsed) DhcpReader.read(b)).message();
        assertThat(new String(m.option(DhcpOptions.HOST_NAME))).isEqualTo("abc");
        assertThat(m.addressOption(DhcpOptions.REQUESTED_ADDRESS)).isEqualTo(A32);
        assertThat(m.option(DhcpOptions.CLIENT_IDENTIFIER)).containsExactly(1, 2);
        assertThat(m.option(DhcpOptions.OVERLOAD)).isNull();
    }

    @Test
    void longValuesAreSplitIntoSeveralOptionsAndJoinedOnRead() {
        byte[] big = new byte[600];
        Arrays.fill(big, (byte) 7);
        DhcpMessage m = new DhcpMessage(2, 1, 6, 0, 1, 0, 0, 0, A32, 0, 0, Arrays.copyOf(MAC, 16), List.of(
                new DhcpOption(53, new byte[] {5}), new DhcpOption(121, big)));
        byte[] w = DhcpWriter.write(m);
        assertThat(w.length).isEqualTo(240 + 3 + 3 * 2 + 600 + 1);
        assertThat(DhcpReader.read(w)).isEqualTo(new DhcpReader.Result.Parsed(m));
    }

    @Test
    void classlessRoutesAreEncodedAsRfc3442Says() {
        DhcpOption o = DhcpOptions.classlessRoutes(List.of(
                new DhcpOptions.ClasslessRoute(0, 0, 0x0a74e001),
                new DhcpOptions.ClasslessRoute(0x0a640000, 16, 0x0a74e001),
                new DhcpOptions.ClasslessRoute(0xc0a80180, 25, 0)));
        assertThat(HexFormat.of().formatHex(o.value()))
                .isEqualTo("00" + "0a74e001" + "100a64" + "0a74e001" + "19c0a80180" + "00000000");
    }
}
