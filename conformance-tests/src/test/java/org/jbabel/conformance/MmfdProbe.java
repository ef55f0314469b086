package org.jbabel.conformance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A UDP endpoint for the mmfd conformance tests, run as its own JVM inside a namespace:
 * {@code MmfdProbe IFNAME PORT [GROUP...]} binds [::]:PORT, joins each group on IFNAME, sends multicast out of IFNAME
 * and prints {@code ready}, then one line {@code recv SOURCE HEX} per datagram received. Each line read from stdin,
 * {@code send ADDRESS PORT HEX}, sends one datagram (a link-local ADDRESS is scoped to IFNAME).
 */
public final class MmfdProbe {

    private MmfdProbe() {}

    public static void main(String[] args) throws Exception {
        NetworkInterface ni = NetworkInterface.getByName(args[0]);
        if (ni == null) {
            throw new IllegalArgumentException("no interface " + args[0]);
        }
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
        ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
        ch.bind(new InetSocketAddress(InetAddress.getByName("::"), Integer.parseInt(args[1])));
        for (int i = 2; i < args.length; i++) {
            ch.join(InetAddress.getByName(args[i]), ni);
        }
        Thread sender = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] w = line.trim().split(" ");
                    if (w.length == 4 && w[0].equals("send")) {
                        InetAddress a = InetAddress.getByName(w[1]);
                        if (a.isLinkLocalAddress() || a.isMCLinkLocal()) {
                            a = Inet6Address.getByAddress(null, a.getAddress(), ni);
                        }
                        ch.send(ByteBuffer.wrap(HexFormat.of().parseHex(w[3])),
                                new InetSocketAddress(a, Integer.parseInt(w[2])));
                        print("sent");
                    }
                }
            } catch (Exception e) {
                print("error " + e);
            }
            System.exit(0);
        });
        sender.setDaemon(true);
        sender.start();
        print("ready");
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (true) {
            buf.clear();
            InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
            buf.flip();
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            print("recv " + from.getAddress().getHostAddress().replaceAll("%.*", "") + " " + HexFormat.of().formatHex(b));
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
