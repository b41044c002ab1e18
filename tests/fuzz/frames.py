"""Frames for fuzz_tcp's raw-frame seeds: ARP, ICMP and ICMPv6 echo, neighbour solicitation,
SYNs to each listener, a final ACK, a RST, a FIN (our MAC 02:53:51:00:00:01).
"""
import struct

OUR_MAC = bytes.fromhex("025351000001")
PEER_MAC = bytes.fromhex("02000000000a")
V4_OURS, V4_PEER = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
V6_OURS = bytes.fromhex("20010002000000000000000000000001")
V6_PEER = bytes.fromhex("20010002000000000000000000000002")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, ethertype, payload):
    return dst + PEER_MAC + struct.pack("!H", ethertype) + payload


def ipv4(proto, payload, src=V4_PEER, dst=V4_OURS):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0,
                      src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def ipv6(nh, payload, src=V6_PEER, dst=V6_OURS, hops=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, hops) + src + dst + payload


def tcp(src, dst, sport, dport, seq, ack, flags, opts=b"", data=b"", v6=False):
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 65535, 0, 0) + opts
    seg = hdr + data
    pseudo = (src + dst + struct.pack("!IxxxB", len(seg), 6)) if v6 else \
        (src + dst + struct.pack("!xBH", 6, len(seg)))
    c = csum(pseudo + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


LINUX_OPTS = bytes.fromhex("020405b40402080a0001e24000000000" + "01030307")


def frames():
    frames = {
        "arp": eth(b"\xff" * 6, 0x0806, struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + PEER_MAC
                   + V4_PEER + b"\0" * 6 + V4_OURS),
        "echo4": eth(OUR_MAC, 0x0800, ipv4(1, b"\x08\0" + struct.pack("!H", csum(
            b"\x08\0\0\0\0\1\0\1" + b"x" * 8)) + b"\0\1\0\1" + b"x" * 8)),
    }
    for port in (80, 81, 82, 83, 9):
        frames["syn4_%d" % port] = eth(OUR_MAC, 0x0800, ipv4(6, tcp(
            V4_PEER, V4_OURS, 40000 + port, port, 1000, 0, 0x02, LINUX_OPTS)))
        frames["syn6_%d" % port] = eth(OUR_MAC, 0x86DD, ipv6(6, tcp(
            V6_PEER, V6_OURS, 40000 + port, port, 1000, 0, 0x02, LINUX_OPTS, v6=True)))
    frames["ack4"] = eth(OUR_MAC, 0x0800, ipv4(6, tcp(V4_PEER, V4_OURS, 40080, 80, 1001, 1,
                                                    0x10, data=b"GET / HTTP/1.0\r\n\r\n")))
    frames["rst4"] = eth(OUR_MAC, 0x0800, ipv4(6, tcp(V4_PEER, V4_OURS, 40080, 80, 1001, 0,
                                                    0x04)))
    frames["fin4"] = eth(OUR_MAC, 0x0800, ipv4(6, tcp(V4_PEER, V4_OURS, 40083, 83, 1001, 1,
                                                    0x11)))
    icmp6 = b"\x80\0\0\0\0\1\0\1" + b"y" * 8
    pseudo = V6_PEER + V6_OURS + struct.pack("!IxxxB", len(icmp6), 58)
    c = csum(pseudo + icmp6)
    frames["echo6"] = eth(OUR_MAC, 0x86DD, ipv6(58, icmp6[:2] + struct.pack("!H", c) + icmp6[4:]))
    sn = bytes.fromhex("ff0200000000000000000001ff000001")
    ns = b"\x87\0\0\0\0\0\0\0" + V6_OURS + b"\x01\x01" + PEER_MAC
    c = csum(V6_PEER + sn + struct.pack("!IxxxB", len(ns), 58) + ns)
    frames["ns"] = eth(bytes.fromhex("3333ff000001"), 0x86DD,
                       ipv6(58, ns[:2] + struct.pack("!H", c) + ns[4:], dst=sn, hops=255))
    # an MLDv2 general query (RFC 3810 5.1) behind a Hop-by-Hop header with Router Alert
    ll_peer = bytes.fromhex("fe800000000000000000000000000002")
    all_nodes = bytes.fromhex("ff020000000000000000000000000001")
    q = b"\x82\0\0\0\x03\xe8\0\0" + b"\0" * 16 + b"\x02\x7d\0\0"
    c = csum(ll_peer + all_nodes + struct.pack("!IxxxB", len(q), 58) + q)
    hbh = b"\x3a\0\x05\x02\0\0\x01\0"
    frames["mld_query"] = eth(bytes.fromhex("333300000001"), 0x86DD,
                              ipv6(0, hbh + q[:2] + struct.pack("!H", c) + q[4:], src=ll_peer,
                                   dst=all_nodes, hops=1))
    # a neighbour advertisement for our address (duplicate address detection's input)
    na = b"\x88\0\0\0\x20\0\0\0" + V6_OURS + b"\x02\x01" + PEER_MAC
    c = csum(V6_PEER + all_nodes + struct.pack("!IxxxB", len(na), 58) + na)
    frames["na"] = eth(bytes.fromhex("333300000001"), 0x86DD,
                       ipv6(58, na[:2] + struct.pack("!H", c) + na[4:], dst=all_nodes, hops=255))
    return frames
