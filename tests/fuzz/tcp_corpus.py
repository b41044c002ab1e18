"""Seed programs of fuzz_tcp (the op codes are fuzz_tcp.c's op()); make_corpus.py writes them.

A program: 8 bytes of seed, 4 of wall clock, then ops. The seeds walk each listener
through a handshake and what its app does with data, FIN, RST, zero windows, timers,
the fuzzer's application commands, SYN floods onto cookies, wall-clock steps and raw
frames (ARP, ICMP, neighbour solicitation).
"""
import struct

HEAD = bytes(range(1, 9)) + struct.pack("!I", 700000000)
HOLD, ECHO, HTTP, CLOSE, RESET, ECHO_SMALL, HOLD_COOKIE, HOLD_BSD, CLOSED = range(9)
# the proxies (issue 13): PROXY_RR (port 88) relays to clients 0, 1 (v4, port 8000) and
# client 3 (v6), connect_timeout_ms 2000, PROXY v1, 4 KB buffers; PROXY_LC (port 89) to
# clients 2, 3 (v4, port 8001) and client 2 (v6), least_conn, PROXY v2, 600 s; PROXY_SH
# (port 90) to clients 0, 1 (v4, port 8001, weights 3, 1) and client 1 (v6, port
# 8000), source_hash, no PROXY header, 3 s
PROXY_RR, PROXY_LC, PROXY_SH = 9, 10, 11


def syn(k, li, v6=False, isn=1000, ts=True, cport=0, mss=1460, ws=7):
    sel = (0x80 if ts else 0) | (li << 1) | (1 if v6 else 0)
    b = bytes([k << 4, sel, cport]) + struct.pack("!I", isn)
    if ts:
        b += struct.pack("!IHB", 12345, mss, ws)
    return b + struct.pack("!H", 64240)


def backend(k, port=0, v6=False, isn=500000, ts=True, tsval=4242):
    """Client k becomes a backend on port 8000 + port: it answers the proxies' SYNs."""
    return bytes([k << 4, (14 << 1) | (1 if v6 else 0), port]) + \
        struct.pack("!IBI", isn, 1 if ts else 0, tsval)


def synack(k, mss=1460, ws=7, win=65535):
    """Backend k's SYN-ACK to the proxy's SYN it saw last."""
    return bytes([k << 4 | 1]) + struct.pack("!HBH", mss, ws, win)


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
    # the proxies: a relay both ways, half-close each way
    p["proxy-relay"] = HEAD + backend(0) + syn(2, PROXY_RR) + ack(2) + synack(0) + \
        data(2, b"hello backend") + ackwin(0, 65535) + data(0, b"hello client") + \
        ackwin(2, 65535) + fin(2) + ackwin(0, 65535) + fin(0) + ackwin(2, 65535) + sleep(70)
    # the client's bytes wait for the backend's answer; the backend's FIN first, then RST
    p["proxy-early-data"] = HEAD + backend(0, ts=False) + syn(2, PROXY_RR) + ack(2) + \
        data(2, b"early") + tick(5) + synack(0) + ackwin(0, 65535) + fin(0) + \
        ackwin(2, 65535) + data(2, b"late") + rst(0, 1) + sleep(70)
    # backend 0 refuses (RST to the SYN), backend 1 takes the client: a failover
    p["proxy-refused"] = HEAD + backend(0) + backend(1) + syn(2, PROXY_RR) + ack(2) + \
        data(2, b"x") + rst(0, 1) + synack(1) + ackwin(1, 65535) + data(1, b"y") + \
        ackwin(2, 65535) + rst(2) + sleep(70)
    # every backend refuses (the v6 one cannot be reached from a v4 client): a RST
    p["proxy-all-refused"] = HEAD + backend(0) + backend(1) + syn(2, PROXY_RR) + ack(2) + \
        rst(0, 1) + rst(1, 1) + sleep(1)
    # nobody answers: the 2 s connect timeout (port 88), the SYN retries (port 89)
    p["proxy-timeout"] = HEAD + backend(0) + syn(2, PROXY_RR) + ack(2) + data(2, b"q") + \
        tick(100) + tick(150) + sleep(5)
    p["proxy-syn-timeout"] = HEAD + backend(2, port=1) + backend(3, port=1) + \
        syn(0, PROXY_LC) + ack(0) + b"".join(sleep(1) for _ in range(17)) + synack(3) + data(0, b"v2") + \
        ackwin(3, 65535) + fin(3) + sleep(30) + sleep(200)
    # a client that does not read: the backend's window shuts, then opens
    p["proxy-backpressure"] = HEAD + backend(1) + backend(0) + syn(2, PROXY_RR) + ack(2) + \
        synack(0) + b"".join(data(0, b"w" * 255, mult=7) for _ in range(6)) + tick(20) + \
        ackwin(2, 0) + sleep(2) + ackwin(2, 65535) + tick(1) + ackwin(0, 65535) + \
        ackwin(2, 65535) + tick(1) + ackwin(2, 65535) + sleep(70)
    # v6 clients, and two pairs at once on least_conn
    p["proxy-v6"] = HEAD + backend(2, port=1, v6=True) + syn(0, PROXY_LC, v6=True) + \
        ack(0) + syn(1, PROXY_RR, v6=True) + ack(1) + sleep(20) + sleep(20)
    # source_hash, no header: two clients, each relayed to the backend its address picks
    p["proxy-hash"] = HEAD + backend(0, port=1) + backend(1, port=1) + \
        syn(2, PROXY_SH) + ack(2) + syn(3, PROXY_SH) + ack(3) + synack(0) + synack(1) + \
        data(2, b"GET") + data(3, b"PUT") + ackwin(0, 65535) + ackwin(1, 65535) + \
        fin(2) + fin(3) + sleep(2) + rst(0) + rst(1) + sleep(70)
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
