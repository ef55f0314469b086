package org.jbabel.conformance;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.HexFormat;

/**
 * A raw UDP sender for the conformance tests, run as its own JVM inside a peer's namespace:
 * {@code UdpSend IFNAME HEX...} sends each hex string as one datagram to [ff02::1:6%IFNAME]:6696 from an ephemeral
 * port (the source address is the interface's link-local address, as a neighbour's would be).
 */
public final class UdpSend {

    private UdpSend() {}

    public static void main(String[] args) throws Exception {
        NetworkInterface ni = NetworkInterface.getByName(args[0]);
        InetAddress group = Inet6Address.getByAddress(null, InetAddress.getByName("ff02::1:6").getAddress(), ni);
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 1; i < args.length; i++) {
                byte[] b = HexFormat.of().parseHex(args[i]);
                s.send(new DatagramPacket(b, b.length, group, 6696));
            }
        }
    }
}
