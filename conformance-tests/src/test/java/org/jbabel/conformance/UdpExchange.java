package org.jbabel.conformance;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A unicast Babel exchange for the conformance tests, run as its own JVM inside a peer's namespace:
 * {@code UdpExchange IFNAME DESTINATION HEX} binds [link-local of IFNAME]:6696 (next to the peer's own wildcard
 * socket, with SO_REUSEADDR: the kernel gives unicast datagrams to the more specific socket, multicast ones only to
 * the wildcard one), sends HEX as one datagram to [DESTINATION%IFNAME]:6696, and prints the hex of the first
 * datagram that comes back to that address within 5 s (nothing when none does).
 */
public final class UdpExchange {

    private UdpExchange() {}

    public static void main(String[] args) throws Exception {
        NetworkInterface ni = NetworkInterface.getByName(args[0]);
        InetAddress linkLocal = ni.inetAddresses().filter(a -> a instanceof Inet6Address a6 && a6.isLinkLocalAddress())
                .findFirst().orElseThrow();
        InetAddress to = Inet6Address.getByAddress(null, InetAddress.getByName(args[1]).getAddress(), ni);
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(linkLocal, 6696));
            byte[] request = HexFormat.of().parseHex(args[2]);
            s.send(new DatagramPacket(request, request.length, to, 6696));
            s.setSoTimeout(5_000);
            byte[] buffer = new byte[65_536];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            s.receive(answer);
            System.out.println(HexFormat.of().formatHex(Arrays.copyOf(buffer, answer.getLength())));
        } catch (java.net.SocketTimeoutException e) {
            System.out.println();
        }
    }
}
