#!/usr/bin/env python3
"""Echo client for the end-to-end tests; run inside the client namespace.

  echoclient.py HOST PORT FILE [--conns K] [--timeout S]

Opens K connections at once (default 1); connection i sends the i-th of K equal
parts of FILE (the last takes the remainder) while reading what comes back, shuts
its write side down once everything is sent and reads until EOF. Prints one JSON
object: bytes sent and received, whether the SHA-256 of what came back equals that
of what was sent, elapsed seconds, and per connection the same (with any error).
Exits 1 if a connection failed, fell short, got different bytes or the whole run
went past the timeout (60 s by default).

One thread, non-blocking sockets and a selector: reading while sending is what keeps
an echo from deadlocking once both directions' windows are full.
"""
import argparse
import errno
import hashlib
import json
import selectors
import socket
import sys
import time


class Conn:
    def __init__(self, idx, data):
        self.idx = idx
        self.data = memoryview(data)
        self.want = hashlib.sha256(data).hexdigest()
        self.got = hashlib.sha256()
        self.sent = 0
        self.received = 0
        self.shut = False
        self.eof = False
        self.error = None
        self.sock = None
        self.elapsed = None

    def done(self):
        return self.eof or self.error is not None

    def report(self):
        return {"conn": self.idx, "sent": self.sent, "received": self.received,
                "sha256_equal": self.eof and self.received == len(self.data)
                and self.got.hexdigest() == self.want,
                "elapsed": None if self.elapsed is None else round(self.elapsed, 3),
                "error": self.error}


def events(c):
    return selectors.EVENT_READ | (0 if c.shut else selectors.EVENT_WRITE)


def run(host, port, parts, timeout):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    sel = selectors.DefaultSelector()
    conns = [Conn(i, p) for i, p in enumerate(parts)]
    start = time.monotonic()
    deadline = start + timeout
    connecting = set()
    for c in conns:
        c.sock = socket.socket(fam, socket.SOCK_STREAM)
        c.sock.setblocking(False)
        c.sock.connect_ex((host, port))
        connecting.add(c)
        sel.register(c.sock, selectors.EVENT_WRITE, c)
    while not all(c.done() for c in conns):
        left = deadline - time.monotonic()
        if left <= 0:
            for c in conns:
                if not c.done():
                    c.error = "timeout"
            break
        for key, mask in sel.select(timeout=min(left, 0.5)):
            c = key.data
            if c in connecting:
                connecting.discard(c)
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    c.error = "connect: " + errno.errorcode.get(err, str(err))
                    sel.unregister(c.sock)
                    continue
                sel.modify(c.sock, events(c), c)
                continue
            try:
                if mask & selectors.EVENT_READ:
                    while True:
                        try:
                            b = c.sock.recv(262144)
                        except BlockingIOError:
                            break
                        if not b:
                            c.eof = True
                            c.elapsed = time.monotonic() - start
                            break
                        c.received += len(b)
                        c.got.update(b)
                if not c.eof and not c.shut and mask & selectors.EVENT_WRITE:
                    while c.sent < len(c.data):
                        try:
                            c.sent += c.sock.send(c.data[c.sent:c.sent + 262144])
                        except BlockingIOError:
                            break
                    if c.sent == len(c.data):
                        c.sock.shutdown(socket.SHUT_WR)
                        c.shut = True
            except OSError as e:
                c.error = "%s: %s" % (type(e).__name__, e)
            if c.done():
                sel.unregister(c.sock)
            else:
                sel.modify(c.sock, events(c), c)
    elapsed = time.monotonic() - start
    for c in conns:
        c.sock.close()
    reps = [c.report() for c in conns]
    out = {"conns": len(conns), "sent": sum(r["sent"] for r in reps),
           "received": sum(r["received"] for r in reps),
           "sha256_equal": all(r["sha256_equal"] for r in reps),
           "elapsed": round(elapsed, 3)}
    if len(conns) > 1 or reps[0]["error"]:
        out["per_conn"] = reps
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("file")
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60.0)
    a = ap.parse_args()
    with open(a.file, "rb") as f:
        data = f.read()
    k = a.conns
    size = len(data) // k
    parts = [data[i * size:(i + 1) * size if i < k - 1 else len(data)] for i in range(k)]
    out = run(a.host, a.port, parts, a.timeout)
    print(json.dumps(out))
    sys.exit(0 if out["sha256_equal"] and out["sent"] == len(data) else 1)


if __name__ == "__main__":
    main()
