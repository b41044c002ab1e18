#!/usr/bin/env python3
"""Long-lived legitimate clients for the adversarial tests; run in the client namespace.

  advclient.py HOST SECONDS [--http N] [--echo N] [--http-port P] [--echo-port P]

Opens N keep-alive connections to the http app and N to the echo app (Linux sockets)
and keeps them for SECONDS: every 0.3 s each sends a request (http: GET /, the whole
response read by its Content-Length; echo: 1000 random bytes, all read back). Prints one
JSON object: requests that succeeded, those that failed, and the errors (a reset, a
timeout, a wrong answer, an answer later than 1.5 s). Exits 1 if any failed. Every read
is bounded (2 s); SIGTERM prints the report so far.
"""
import argparse
import json
import os
import signal
import socket
import sys
import time

SLOW = 1.5  # seconds: a request that took longer failed (a frozen window, a lost answer)
REQ = b"GET / HTTP/1.1\r\nHost: synq\r\n\r\n"


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise ConnectionError("EOF")
        buf += d
    return buf


def http_once(s):
    s.sendall(REQ)
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            raise ConnectionError("EOF in the head")
        head += d
    h, _, rest = head.partition(b"\r\n\r\n")
    if not h.startswith(b"HTTP/1.1 200"):
        raise ValueError(h[:40])
    n = [int(l.split(b":")[1]) for l in h.split(b"\r\n") if l.lower().startswith(b"content-length")][0]
    if len(rest) < n:
        rest += read_exact(s, n - len(rest))
    return True


def echo_once(s):
    data = os.urandom(1000)
    s.sendall(data)
    if read_exact(s, len(data)) != data:
        raise ValueError("echo came back different")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("seconds", type=float)
    ap.add_argument("--http", type=int, default=8)
    ap.add_argument("--echo", type=int, default=8)
    ap.add_argument("--http-port", type=int, default=8000)
    ap.add_argument("--echo-port", type=int, default=7)
    ap.add_argument("--slow", type=float, default=SLOW,
                    help="seconds an answer may take (default 1.5)")
    a = ap.parse_args()
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    conns = []
    for kind, n, port in (("http", a.http, a.http_port), ("echo", a.echo, a.echo_port)):
        for _ in range(n):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(a.slow + 0.5)
            s.connect((a.host, port))
            conns.append([kind, s])
    ok, fail, errors = 0, 0, {}
    end = time.monotonic() + a.seconds

    def report(*_):
        print(json.dumps({"ok": ok, "failed": fail, "errors": errors, "conns": len(conns),
                          "stopped": bool(_)}))
        sys.stdout.flush()
        os._exit(1 if fail or not ok or _ else 0)
    signal.signal(signal.SIGTERM, report)
    while time.monotonic() < end:
        for c in conns:
            if c[1] is None:
                continue
            try:
                t0 = time.monotonic()
                (http_once if c[0] == "http" else echo_once)(c[1])
                if time.monotonic() - t0 > a.slow:
                    raise ValueError("slow: %.1f s" % (time.monotonic() - t0))
                ok += 1
            except (OSError, ValueError, ConnectionError, IndexError) as e:
                fail += 1
                k = "%s: %s" % (c[0], e.__class__.__name__ + " " + str(e)[:60])
                errors[k] = errors.get(k, 0) + 1
                if not str(e).startswith("slow"):
                    c[1].close()
                    c[1] = None
        time.sleep(0.3)
    report()


if __name__ == "__main__":
    main()
