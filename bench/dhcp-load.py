#!/usr/bin/env python3
"""DHCP load generator for bench/dhcp-load.sh (Python 3, standard library only).

Runs in the client namespace: one UDP socket on 0.0.0.0:68 with SO_BROADCAST, bound to the client interface
(SO_BINDTODEVICE). For each of CLIENTS clients (a random locally administered MAC, a random xid) it sends a
DHCPDISCOVER, waits for an OFFER, sends a DHCPREQUEST (options 50 and 54 from the OFFER), waits for the ACK; at
most IN_FLIGHT clients at once. Every message has the broadcast flag set, so both servers answer to
255.255.255.255:68 (the client has no address). A step unanswered for TIMEOUT seconds is sent again (the same
xid), at most RETRIES times; then, or on a NAK, the client counts as a failure.

Prints one line: clients, successes, failures, DISCOVER-to-ACK latency median and p99 (ms, over the successful
clients, from the first DISCOVER to the ACK), leases per second (successes / the whole run's wall time), and the
number of distinct addresses acknowledged.

Usage: dhcp-load.py IFACE CLIENTS [IN_FLIGHT [TIMEOUT [RETRIES]]]
"""
import os
import random
import select
import socket
import struct
import sys
import time

SO_BINDTODEVICE = getattr(socket, "SO_BINDTODEVICE", 25)
MAGIC = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, ACK, NAK = 1, 2, 3, 5, 6


def message(kind, xid, mac, requested=None, server=None):
    header = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, bytes(4), bytes(4), bytes(4),
                         bytes(4), mac + bytes(10), bytes(64), bytes(128))
    opts = bytes([53, 1, kind])
    if requested is not None:
        opts += bytes([50, 4]) + requested
    if server is not None:
        opts += bytes([54, 4]) + server
    opts += bytes([55, 3, 1, 3, 6, 255])
    data = header + MAGIC + opts
    return data + bytes(max(0, 300 - len(data)))


def parse(data):
    """(xid, chaddr, yiaddr, message type, server id) or None for anything that is not a BOOTREPLY we can read."""
    if len(data) < 240 or data[0] != 2 or data[236:240] != MAGIC:
        return None
    xid = struct.unpack("!I", data[4:8])[0]
    yiaddr = data[16:20]
    chaddr = data[28:34]
    kind = server = None
    i = 240
    while i < len(data):
        code = data[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            return None
        n = data[i + 1]
        value = data[i + 2:i + 2 + n]
        if code == 53 and n == 1:
            kind = value[0]
        elif code == 54 and n == 4:
            server = value
        i += 2 + n
    return xid, chaddr, yiaddr, kind, server


class Client:
    def __init__(self, used_macs, used_xids):
        while True:
            mac = bytes([(random.randrange(256) & 0xFC) | 0x02]) + os.urandom(5)
            if mac not in used_macs:
                used_macs.add(mac)
                self.mac = mac
                break
        while True:
            xid = random.getrandbits(32)
            if xid not in used_xids:
                used_xids.add(xid)
                self.xid = xid
                break
        self.state = DISCOVER
        self.started = None
        self.sent_at = None
        self.tries = 0
        self.packet = None
        self.address = None


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    iface = sys.argv[1]
    total = int(sys.argv[2])
    in_flight = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    retries = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, iface.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", 68))
    s.setblocking(False)
    dest = ("255.255.255.255", 67)
    macs, xids = set(), set()
    waiting = [Client(macs, xids) for _ in range(total)]
    active = {}
    latencies, failures, addresses, naks, retransmits = [], 0, {}, 0, 0

    def send(c, now):
        s.sendto(c.packet, dest)
        c.sent_at = now

    start = time.monotonic()
    while waiting or active:
        now = time.monotonic()
        while waiting and len(active) < in_flight:
            c = waiting.pop()
            c.started = now
            c.packet = message(DISCOVER, c.xid, c.mac)
            active[c.xid] = c
            send(c, now)
        deadline = min(c.sent_at for c in active.values()) + timeout
        r, _, _ = select.select([s], [], [], max(0.0, deadline - time.monotonic()))
        if r:
            while True:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    break
                p = parse(data)
                if p is None:
                    continue
                xid, chaddr, yiaddr, kind, server = p
                c = active.get(xid)
                if c is None or chaddr != c.mac:
                    continue
                now = time.monotonic()
                if c.state == DISCOVER and kind == OFFER and server is not None:
                    c.state = REQUEST
                    c.tries = 0
                    c.packet = message(REQUEST, c.xid, c.mac, yiaddr, server)
                    send(c, now)
                elif c.state == REQUEST and kind == ACK:
                    latencies.append(now - c.started)
                    addresses[yiaddr] = addresses.get(yiaddr, 0) + 1
                    del active[xid]
                elif c.state == REQUEST and kind == NAK:
                    naks += 1
                    failures += 1
                    del active[xid]
        now = time.monotonic()
        for c in list(active.values()):
            if now - c.sent_at >= timeout:
                if c.tries >= retries:
                    failures += 1
                    del active[c.xid]
                else:
                    c.tries += 1
                    retransmits += 1
                    send(c, now)
    elapsed = time.monotonic() - start
    latencies.sort()
    shared = sum(1 for n in addresses.values() if n > 1)
    print("clients %d ok %d failures %d (naks %d) retransmits %d median %.2f ms p99 %.2f ms leases/s %.1f "
          "wall %.2f s distinct-addresses %d shared %d" % (
              total, len(latencies), failures, naks, retransmits, percentile(latencies, 0.5) * 1000,
              percentile(latencies, 0.99) * 1000, len(latencies) / elapsed, elapsed, len(addresses), shared))


if __name__ == "__main__":
    main()
