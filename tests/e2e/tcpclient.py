#!/usr/bin/env python3
"""Linux TCP clients for the end-to-end tests; run inside the client namespace.

  tcpclient.py seq N HOST PORT           N sequential connects; prints how many completed
  tcpclient.py conc N HOST PORT          N connects in flight at once; prints completed
  tcpclient.py until-fail MAX HOST PORT  sequential connects, kept open, until one fails
                                         (0.7 s timeout) or MAX; prints how many completed
  tcpclient.py outcome N HOST PORT       N sequential connects, each waiting (2 s at most)
                                         for what the server does; prints a JSON count of
                                         eof (a FIN), reset (a RST), timeout, failed; the
                                         client then closes, so a FIN exchange completes
  tcpclient.py info HOST PORT            one connect; prints the kernel's view of it
                                         (TCP_INFO, what ss -ti shows) and keeps it
                                         open 0.5 s

Every socket is bounded in time; the namespace goes away with the test.
"""
import selectors
import socket
import struct
import sys
import time

# struct tcp_info (linux/tcp.h): tcpi_options is byte 5, the window scales byte 6
# (snd low nibble, rcv high nibble), tcpi_snd_mss the u32 at offset 16.
TCPI_OPT_TIMESTAMPS, TCPI_OPT_SACK, TCPI_OPT_WSCALE = 1, 2, 4


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def connect(host, port, timeout):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        return s
    except OSError:
        s.close()
        return None


def seq(n, host, port):
    done = 0
    for _ in range(n):
        s = connect(host, port, 3.0)
        if s is not None:
            done += 1
            s.close()
    return done


def conc(n, host, port):
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        s = socket.socket(family(host), socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        sel.register(s, selectors.EVENT_WRITE)
        socks.append(s)
    done, pending = 0, n
    deadline = time.monotonic() + 10.0
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            sel.unregister(s)
            pending -= 1
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done += 1
    for s in socks:
        s.close()
    return done


def until_fail(limit, host, port):
    kept = []
    for _ in range(limit):
        s = connect(host, port, 0.7)
        if s is None:
            break
        kept.append(s)
    n = len(kept)
    for s in kept:
        s.close()
    return n


def outcome(n, host, port):
    import json
    seen = {"eof": 0, "reset": 0, "timeout": 0, "failed": 0}
    for _ in range(n):
        s = socket.socket(family(host), socket.SOCK_STREAM)
        s.settimeout(3.0)
        try:
            s.connect((host, port))
        except ConnectionResetError:
            # the server's RST came right behind the handshake, before Python's
            # connect() read SO_ERROR: the connection was made, then reset
            seen["reset"] += 1
            s.close()
            continue
        except OSError:
            seen["failed"] += 1
            s.close()
            continue
        s.settimeout(2.0)
        try:
            got = s.recv(100)
            key = "eof" if got == b"" else "data"
            seen[key] = seen.get(key, 0) + 1
        except ConnectionResetError:
            seen["reset"] += 1
        except socket.timeout:
            seen["timeout"] += 1
        s.close()
    return json.dumps(seen)


def info(host, port):
    # ss -ti reads the same struct; iproute2 6.1 on newer kernels omits the option
    # flags, so read it here.
    s = connect(host, port, 3.0)
    if s is None:
        return "connect failed"
    ti = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    opts, scales = ti[5], ti[6]
    (snd_mss,) = struct.unpack_from("=I", ti, 16)
    words = []
    if opts & TCPI_OPT_TIMESTAMPS:
        words.append("ts")
    if opts & TCPI_OPT_SACK:
        words.append("sack")
    if opts & TCPI_OPT_WSCALE:
        words.append("wscale:%d,%d" % (scales & 0xf, scales >> 4))
    words.append("mss:%d" % snd_mss)
    time.sleep(0.5)
    s.close()
    return " ".join(words)


def main():
    cmd = sys.argv[1]
    if cmd == "info":
        print(info(sys.argv[2], int(sys.argv[3])))
        return
    n, host, port = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    print({"seq": seq, "conc": conc, "until-fail": until_fail, "outcome": outcome}[cmd](
        n, host, port))


if __name__ == "__main__":
    main()
