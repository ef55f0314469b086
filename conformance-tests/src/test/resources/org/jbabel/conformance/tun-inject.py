# Feeds IP packets to the program behind a TUN device and records what it writes back, packet by packet
# (TaygaOracleTest). Run inside the namespace: tun-inject.py DEVICE IN OUT. IN: one packet a line, "N HEX" with N
# the number of packets expected back (waited for up to 2 s, then 50 ms more for any extra; 0.3 s when none is
# expected). OUT: "INDEX HEX" for every packet read from DEVICE after packet INDEX was sent. An AF_PACKET socket sends into the
# device (the kernel neither routes nor rewrites the packet) and receives what the program writes, skipping our own.
import select
import socket
import sys
import time

ETH_P_ALL = 3
dev, infile, outfile = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
s.bind((dev, ETH_P_ALL))


def drain(expected, first, more):
    got = []
    deadline = time.monotonic() + first
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return got
        ready, _, _ = select.select([s], [], [], left)
        if not ready:
            return got
        data, addr = s.recvfrom(70000)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        got.append(data)
        if len(got) >= expected:
            deadline = min(deadline, time.monotonic() + more)


drain(1, 0.1, 0.05)
with open(infile) as f, open(outfile, "w") as out:
    for i, line in enumerate(f):
        expected, text = line.split()
        packet = bytes.fromhex(text)
        s.sendto(packet, (dev, 0x0800 if packet[0] >> 4 == 4 else 0x86DD))
        for g in drain(int(expected), 2.0 if int(expected) else 0.3, 0.05):
            out.write("%d %s\n" % (i, g.hex()))
        out.flush()
