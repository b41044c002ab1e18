"""Seed programs of fuzz_tcp (the op codes are fuzz_tcp.c's op()); make_corpus.py writes them.

A program: 8 bytes of seed, 4 of wall clock, then ops. The seeds walk each listener
through a handshake and what its app does with data, FIN, RST, zero windows, timers,
the fuzzer's application commands, SYN floods onto cookies, wall-clock steps and raw
frames (ARP, ICMP, neighbour solicitation).
"""
import struct

HEAD = bytes(range(1, 9)) + struct.pack("!I", 700000000)
HOLD, ECHO, HTTP, CLOSE, RESET, ECHO_SMALL, HOLD_COOKIE, HOLD_BSD, CLOSED = range(9)


def syn(k, li, v6=False, isn=1000, ts=True, cport=0, mss=1460, ws=7):
    sel = (0x80 if ts else 0) | (li << 1) | (1 if v6 else 0)
    b = bytes([k << 4, sel, cport]) + struct.pack("!I", isn)
    if ts:
        b += struct.pack("!IHB", 12345, mss, ws)
    return b + struct.pack("!H", 64240)


def ack(k):
    return bytes([k << 4 | 1])


def data(k, payload, delta=0, mult=0):
    """len(payload) * (1 + mult) bytes; the first 64 from payload, the rest filler."""
    n = len(payload)
    assert n <= 255 and mult < 8
    head = (payload * (1 + mult))[:min(64, n * (1 + mult))]
    return bytes([k << 4 | 2, n, mult]) + head + struct.pack("!h", delta)


def anyseg(k, seq, ack_, flags, win, ts_delta=0):
    return bytes([k << 4 | 3]) + struct.pack("!IIBHI", seq, ack_, flags, win, ts_delta)


def fin(k):
    return bytes([k << 4 | 4])


def rst(k, with_ack=0, delta=0):
    return bytes([k << 4 | 5, with_ack, delta & 0xff])


def ackwin(k, win):
    return bytes([k << 4 | 6]) + struct.pack("!H", win)


def tick(cs):
    return bytes([7, cs])


def sleep(s):
    return bytes([8, s])


def wall(steps):
    return bytes([9, steps & 0xff])


def raw(frame, flags=0):
    return bytes([10, flags, len(frame)]) + frame


def app(cmd, h, *args):
    return bytes([11 + cmd, h]) + bytes(args)


GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def programs():
    p = {}
    for li in range(9):
        for v6 in (False, True):
            base = syn(0, li, v6) + ack(0)
            p["open-%d-v%d" % (li, 6 if v6 else 4)] = HEAD + base + data(0, b"hello") + \
                ackwin(0, 65535) + fin(0) + ackwin(0, 65535) + sleep(70)
    p["http-get"] = HEAD + syn(0, HTTP) + ack(0) + data(0, GET) + ackwin(0, 65535) + \
        data(0, GET) + ackwin(0, 65535) + fin(0) + ackwin(0, 65535) + sleep(61)
    p["http-slow-head"] = HEAD + syn(0, HTTP) + ack(0) + data(0, GET[:10]) + sleep(30) + \
        data(0, GET[10:]) + sleep(60)
    p["http-pipeline"] = HEAD + syn(0, HTTP) + ack(0) + \
        b"".join(data(0, GET) for _ in range(20)) + tick(5) + ackwin(0, 0) + sleep(5)
    p["echo-zero-window"] = HEAD + syn(0, ECHO) + ack(0) + data(0, b"x" * 200, mult=7) + \
        ackwin(0, 0) + sleep(2) + sleep(10) + ackwin(0, 65535) + sleep(100)
    p["echo-ooo"] = HEAD + syn(1, ECHO_SMALL, ts=False) + ack(1) + \
        data(1, b"b" * 100, delta=100) + data(1, b"a" * 100) + ackwin(1, 1000) + fin(1) + sleep(3)
    p["echo-never-ack"] = HEAD + syn(2, ECHO) + ack(2) + \
        b"".join(data(2, b"z" * 64, mult=3) for _ in range(12)) + sleep(30) + sleep(200)
    p["hold-app"] = HEAD + syn(0, HOLD) + ack(0) + data(0, b"req") + app(0, 0) + \
        app(0, 0, 50) + ackwin(0, 65535) + app(3, 0, 0, 3) + app(1, 0) + ackwin(0, 65535) + \
        fin(0) + tick(1) + app(4, 0) + sleep(70)
    p["hold-app-abort-stale"] = HEAD + syn(1, HOLD_COOKIE) + ack(1) + app(0, 1) + \
        rst(1) + app(2, 1) + app(1, 1) + app(0, 1, 10) + app(4, 1) + app(2, 1)
    p["hold-bsd-flood"] = HEAD + b"".join(syn(k, HOLD_BSD, cport=k) for k in range(4)) + \
        b"".join(ack(k) for k in range(4)) + app(0, 2) + sleep(3)
    p["cookie-flood"] = HEAD + b"".join(syn(k, ECHO, isn=k * 77, cport=k) for k in range(4)) + \
        b"".join(ack(k) + data(k, b"hi") for k in range(4)) + sleep(1)
    p["cookie-wall-back"] = HEAD + syn(0, HOLD_COOKIE) + wall(-100) + ack(0) + wall(120) + \
        syn(1, HOLD_COOKIE) + sleep(200) + ack(1)
    p["paws-old-ts"] = HEAD + syn(0, ECHO_SMALL) + ack(0) + data(0, b"new") + \
        anyseg(0, 3, 0, 0x18, 5000, 0x80000000) + anyseg(0, 0, 0, 0x10, 5000, 0xfffffff0) + \
        sleep(1)
    p["rst-storm"] = HEAD + syn(0, ECHO_SMALL) + ack(0) + b"".join(
        rst(0, 1, d) for d in (1, 2, 100, 255)) + anyseg(0, 5, 6, 0x10, 0) + sleep(1)
    p["syn-on-estab"] = HEAD + syn(0, CLOSE) + ack(0) + anyseg(0, 0, 0, 0x12, 100) + \
        syn(0, CLOSE, isn=5000) + fin(0) + sleep(1) + syn(0, CLOSE, isn=90000) + ack(0)
    p["timewait-reuse"] = HEAD + syn(0, CLOSE) + ack(0) + tick(1) + ackwin(0, 65535) + \
        fin(0) + tick(1) + syn(0, CLOSE, isn=2000000) + ack(0) + sleep(61)
    p["synack-retrans"] = HEAD + syn(0, HOLD) + tick(100) + sleep(2) + sleep(5) + sleep(20)
    p["reset-app"] = HEAD + syn(3, RESET, v6=True) + ack(3) + data(3, b"x") + sleep(1)
    p["closed-port"] = HEAD + syn(0, CLOSED) + ack(0) + rst(0) + fin(0)
    p["backlog-full"] = HEAD + b"".join(syn(k, HOLD, cport=k) + ack(k) for k in range(4)) + \
        sleep(5) + app(0, 0) + app(0, 1)
    for name, frame in raw_frames().items():
        p["raw-" + name] = HEAD + raw(frame) + raw(frame, 2) + tick(1)
    return p


def raw_frames():
    import importlib.util
    import os
    spec = importlib.util.spec_from_file_location(
        "frames", os.path.join(os.path.dirname(os.path.abspath(__file__)), "frames.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m.frames()
