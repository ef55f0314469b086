#!/usr/bin/env python3
"""Writes the seed files of the fuzz corpora (docs/ROBUSTNESS.md, "Fuzzing"); findings are added by hand or by Jazzer.

Run from the repository root: python3 bench/fuzz-seeds.py. Needs tshark for the Babel captures. Every seed is named
seed-*; files of other names in the corpus directories (Jazzer's crash-*, regressions) are left alone.

Sources: Babel packets from babel-core/src/test/resources/pcaps (tcpdump's test captures, see the README there) and
the test vectors of shared/specs/babel-notes.md §14; DDHCP block messages from shared/specs/ddhcp.md §3.6; the IPv4
and IPv6 packets of shared/specs/xlat.md §8 (captured from Debian's tayga 0.9.2); the l3roamd packets of
shared/specs/roaming.md §1.8; DHCP messages of real clients from ddhcp's test resources; the rest written from the
formats (docs/ROAMING.md, docs/XLAT.md, docs/CONTROL.md).
"""
import glob
import os
import subprocess

T = 'src/test/resources/org/jbabel/'


def put(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, 'seed-' + name), 'wb') as f:
        f.write(data)


def h(s):
    return bytes.fromhex(''.join(s.split()))


def clear(directory):
    for f in glob.glob(os.path.join(directory, 'seed-*')):
        os.remove(f)


# --- Babel packets -----------------------------------------------------------------------------------------------
d = 'babel-core/' + T + 'wire/PacketReaderFuzzTestInputs/packetReader'
clear(d)
seen = {}
for pcap in sorted(glob.glob('babel-core/src/test/resources/pcaps/*.pcap')):
    out = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-e', 'udp.payload'], capture_output=True,
                         text=True, check=True).stdout
    for line in out.split():
        p = bytes.fromhex(line.replace(':', ''))
        # one packet per sequence of TLV types, so that the corpus stays small and varied
        types, at, end = [], 4, min(len(p), 4 + int.from_bytes(p[2:4], 'big'))
        while at < end:
            types.append(p[at])
            at += 1 if p[at] == 0 else 2 + (p[at + 1] if at + 1 < len(p) else 0)
        key = (tuple(types), len(p) > end)
        if key not in seen:
            seen[key] = (os.path.basename(pcap)[:-5], p)
for i, (name, p) in enumerate(sorted(seen.values(), key=lambda v: (v[0], v[1]))):
    put(d, '%s-%02d' % (name, i), p)
# babel-notes.md §14, TV-1 to TV-6 (data only)
put(d, 'tv1', h('2a020022 080a00000000ffff6983ffff 0406 0000 8af1 000a 110c 0000000d 6fb479ca7033eeed'
                '1020 0c7cee473a37ad9812ae8a714bb41fdc90c37ed582c76114455dd2b429938d31'))
put(d, 'tv2', h('2a020016 0406 0000 2f54 0190 110c 0000000e 3948b58af86cab85 1010 eda41c1f99327ea643c315137b4d392e'))
put(d, 'tv3', h('2a020020 040c0000ff7401900304 1a7af85d 09020000 110c 00000000 9b97552a71e9b31a'
                '1020 7047426542573c164007a76bd12339925e580f3da3f11307bf730cada60021e1'))
put(d, 'tv3-challenge', h('2a020022 1208 f2d5cd830d354a82 1308 a7ba25b9c048886d 110c 00000003 9b97552a71e9b31a'
                          '1020 a2825188728d9d588f0cbe4965e3c2b6802f0a9c1f9bf152d9f958f910efe381'))
put(d, 'tv4', h('2a02005e 040c 0000 b42f 0190 0304 1f8db193 080a 00 00 00 00 ffff 0d9d ffff'
                '060a 0000 020000fffe00000b 081a 02 80 80 00 0640 0d9d 0000 20010db8000b00000000000000000001'
                '0706 01 00 0a010002 080e 01 00 20 00 0640 0d9d 0000 0a010002 0902 00 00'))
tv5 = h('060a 0000 020000fffe00000a 081a 02 80 80 00 0640 67fa 0000 20010db8000a00000000000000000001'
        '080b 02 80 30 05 0640 67fa 0080 fe 0814 02 80 30 05 0640 67fa 0080 ff 80 07 30 20010db8000a'
        '080e 04 00 20 00 0640 67fa 0000 c0000201 080d 04 00 18 00 0640 67fa 0080 c63364')
put(d, 'tv5', h('2a02') + len(tv5).to_bytes(2, 'big') + tv5)
tv6 = h('0518 03 00 0060 04b0 404acefffe06d2ca 0308 202ef81a 202ef85f')
put(d, 'tv6', h('2a02') + len(tv6).to_bytes(2, 'big') + tv6)

# --- control socket lines ------------------------------------------------------------------------------------------
d = 'babel-core/' + T + 'control/ControlProtocolFuzzTestInputs/controlLines'
clear(d)
for i, text in enumerate([
        'dump\n', 'dump json\n', 'monitor\nunmonitor\n', 'monitor json\n', 'quit\ndump\n', 'dump\r\n',
        'dump-neighbours\nflush interface nosuch\ninterface vb rxcost 100\nflush interface vb\n',
        'interface vb rxcost 100\nflush interface vb\nlink-detect true\n', 'in ip 10.0.0.0/8 deny\n',
        'out ip 2001:db8::/32 le 64 metric 300\n', 'redistribute local deny\n', 'install ip ::/0 table 200\n',
        '\n# nothing\n  \r\n', 'frobnicate\nquit\n', 'du', 'mmfd neighbours json\n', 'roaming clients\n',
        'ddhcp blocks json\n', 'nat426 clients\n', 'mmfd\n', 'debug 1\n', 'flush neighbour fe80::1\n',
        'key id k1 type hmac-sha256 value 0102030405060708\n', 'interface wg-* type tunnel hello-interval 4\n',
        'dump\xff\n', 'x' * 1100 + '\n']):
    put(d, '%02d' % i, text.encode('latin-1'))

# --- configuration files -------------------------------------------------------------------------------------------
d = 'babel-core/' + T + 'config/ConfigFuzzTestInputs/configFile'
clear(d)
for f in sorted(glob.glob('babel-core/src/test/resources/config/*.conf')):
    put(d, os.path.basename(f), open(f, 'rb').read())
for i, text in enumerate([
        'interface eth0 type wired rxcost 96 hello-interval 4\n', 'default split-horizon true\n',
        'in if wg-* ip 10.0.0.0/8 eq 24 deny\n', 'redistribute proto 3 ip 2001:db8::/32 src-ip ::/0 metric 128\n',
        'router-id 02:00:00:ff:fe:00:00:01\nlocal-port 33123\n', 'import-table 254\nsmoothing-half-life 4\n',
        'key id k type blake2s128 value "00112233"\n', 'mmfd interface mesh0\nroaming prefix fd00::/64\n',
        'ddhcp network 10.116.224.0/20 block-size 4\n', 'nat426 exit 10.255.0.1\n', '"unterminated\n',
        'interface eth0 \\\n rxcost 100\n']):
    put(d, 'line-%02d' % i, text.encode())

# --- l3roamd intercom (roaming.md §1.8) ----------------------------------------------------------------------------
d = 'roaming/' + T + 'roaming/l3roamd/IntercomFuzzTestInputs/intercom'
clear(d)
sender = h('fd000000000000000000000000000001')
put(d, 'claim', h('00 01 01 00 12345678') + sender + h('0008 001122334455'))
put(d, 'ack', h('00 01 03 00 12345679') + sender + h('0008 001122334455'))
put(d, 'seek', h('00 ff 00 00 cafebabe') + sender + h('0014 0000 20010db8000000000000000000000042'))
put(d, 'seek-two', h('00 ff 00 00 cafebabf') + sender + h('0014 0000 20010db8000000000000000000000042'
                                                           '0014 0000 00000000000000000000ffff0a140005'))
put(d, 'info', h('00 01 02 00 fffffff9') + sender + h('0114 0000 00000000000000000000000000000000')
    + h('0128') + h('001122334455') + h('20010db8000000000000000000000001 20010db8000000000000000000000002'))
put(d, 'info-empty', h('00 01 02 00 00000003') + sender + h('0114 0e10 fd000000000000000000000000000064')
    + h('0108 001122334455'))

# --- mmfd datagrams: first byte 1 = to the HELLO group, 0 = unicast DATA --------------------------------------------
d = 'roaming/' + T + 'roaming/mmfd/MmfdFuzzTestInputs/mmfdDatagram'
clear(d)
nonce = h('0102030405060708')
put(d, 'hello', h('01') + nonce)
mld = h('60000000 0008 3a01 fe800000000000000000000000000001 ff020000000000000000000000000001'
        '8000 0000 0001 0001')
put(d, 'data-ping', h('00') + nonce + mld)
put(d, 'data-udp', h('00') + h('1112131415161718') + h('60000000 000d 1140 fd000000000000000000000000000001'
                                                      'ff050000000000000000000000000002 1234 0035 000d 0000 68656c6c6f'))
put(d, 'data-unicast-inner', h('00') + nonce + mld[:24] + h('fd000000000000000000000000000002') + mld[40:])

# --- DDHCP block messages (ddhcp.md §3.6) --------------------------------------------------------------------------
d = 'ddhcp/' + T + 'ddhcp/block/BlockCodecFuzzTestInputs/blockMessage'
clear(d)
head = h('0211223344550000 0a74e000 14 04')
put(d, 'inquire', head + h('02 02 00000005 000002bc'))
put(d, 'updateclaim', head + h('01 02 00000005003c00 000002bc003c00'))
put(d, 'renewlease-le', head + h('10 00 15e0740a deadbeef 00000000 52540012345600000000000000000000'))
put(d, 'renewlease-be', head + h('10 00 0a74e015 deadbeef 00000000 52540012345600000000000000000000'))
for name, cmd in (('leaseack', '11'), ('leasenak', '12'), ('release', '13')):
    put(d, name, head + h(cmd + '00 0a74e015 deadbeef 00000e10 52540012345600000000000000000000'))
put(d, 'updateclaim-empty', head + h('01 00'))

# --- DHCP (real clients' messages, ddhcp/src/test/resources/.../clients) --------------------------------------------
d = 'ddhcp/' + T + 'ddhcp/dhcp/DhcpFuzzTestInputs/dhcpMessage'
clear(d)
for f in sorted(glob.glob('ddhcp/' + T + 'ddhcp/dhcp/clients/*.hex')):
    put(d, os.path.basename(f)[:-4], h(open(f).read()))

# --- the translator (xlat.md §8: tayga's inputs and outputs) -------------------------------------------------------
V4 = ['45000024123440004001f4510a140005c633640708000231000100014e41543432362121',
      '45b800211234000005116e8d0a140005c63364079c400035000deb3868656c6c6f',
      '45000021123440004011f4440a140005c63364079c400035000d000068656c6c6f',
      '4500002412344000010133520a140005c633640708000231000100014e41543432362121',
      '4500003d432100004001034c0a140005c63364070303316f0000000045000021000040003b110b79c63364070a14000500359c40000de12e776f726c64',
      '4500002c555520004011d1180a140005c63364079c40003500283dd4000102030405060708090a0b0c0d0e0f',
      '45000024123440004001f4500a140006c633640708000231000100014e41543432362121',
      '450000241234400040015ee20a140005c0a8ff0108000231000100014e41543432362121',
      '45000028123440004006f4480a140005c63364079c41005001020304000000005002faf0e0060000',
      '45000028123440004001f44d0a140005c63364070d00f2fd00010001000000000000000000000000',
      '4500003d432200004001034b0a140005c633640703042d86000003e845000021000040003b110b79c63364070a14000500359c40000de12e776f726c64',
      '4500003d432300004001034a0a140005c63364070304316e0000000045000021000040003b110b79c63364070a14000500359c40000de12e776f726c64']
V6 = ['6000000000103a3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe1234568100a1bf000100014e41543432362121',
      '62800000000d113cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe12345600359c40000d2e5c776f726c64',
      '60000000003d3a3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe12345602009fbb0000057860000000000d113ffd7aaaaabbbbcccc505400fffe123456fd7a0001000200030aff0001c63364079c400035000d386668656c6c6f',
      '6000000000202c3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe123456110000011122334400359c4000288b01000102030405060708090a0b0c0d0e0f',
      '6000000000302c3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe123456110000001122334400359c4000288b01000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      '6000000000103a3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc0000000000000099800025e3000100014e41543432362121',
      '6000000000103a01fd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe1234568000a2b1000700094e41543432362121',
      '60000000003d3a3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe1234560400a32c0000000760000000000d113ffd7aaaaabbbbcccc505400fffe123456fd7a0001000200030aff0001c63364079c400035000d386668656c6c6f',
      '60000000003d3a3cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe1234560101a6320000000060000000000d113ffd7aaaaabbbbcccc505400fffe123456fd7a0001000200030aff0001c63364079c400035000d386668656c6c6f',
      '600000000015003cfd7a0001000200030aff0001c6336407fd7aaaaabbbbcccc505400fffe123456110001040000000000359c40000d2e5c776f726c64']
for direction, vectors in (('fourToSix', V4), ('sixToFour', V6)):
    d = 'xlat/' + T + 'xlat/translate/TranslatorFuzzTestInputs/' + direction
    clear(d)
    for i, v in enumerate(vectors):
        put(d, 'tayga-%02d' % i, h(v))

# --- NAT426: ARP frames and resolver messages ------------------------------------------------------------------------
d = 'xlat/' + T + 'xlat/nat426/Nat426CodecFuzzTestInputs/arpFrame'
clear(d)
put(d, 'request', h('ffffffffffff 525400123456 0806 0001 0800 06 04 0001 525400123456 0a140005 000000000000 0a140001'))
put(d, 'reply', h('525400123456 02005e000001 0806 0001 0800 06 04 0002 02005e000001 0a140001 525400123456 0a140005'))
put(d, 'probe', h('ffffffffffff 525400123456 0806 0001 0800 06 04 0001 525400123456 00000000 000000000000 0a140005'))
put(d, 'padded', h('ffffffffffff 525400123456 0806 0001 0800 06 04 0001 525400123456 0a140005 000000000000 0a140005')
    + bytes(18))
d = 'xlat/' + T + 'xlat/nat426/Nat426CodecFuzzTestInputs/resolverMessage'
clear(d)
put(d, 'query-ipv4', h('01 01 0000 cafebabe 0a140005'))
put(d, 'query-mac', h('01 02 0000 cafebabe 525400123456 0000'))
put(d, 'answer', h('01 03 0000 cafebabe 525400123456 0000 0a140005 00000000'))
put(d, 'answer-exit', h('01 03 0000 cafebabe 525400123456 0000 0a140005 0aff0001'))
