#!/usr/bin/env python3
"""Legitimate clients for scripts/demo.sh: THREADS threads, each connecting to HOST:PORT
every INTERVAL seconds for SECONDS, each connect bounded by a 3 s timeout. One CSV line
a connect: the time it started (seconds since DEMO_T0, a Unix time in the environment,
else since the start), its latency (ms) and 1 if it completed, 0 if it failed or timed
out.
  clients.py HOST PORT SECONDS OUT.csv [THREADS] [INTERVAL]
"""
import os
import socket
import sys
import threading
import time


def worker(host, port, end, interval, t0, rows, lock):
    nxt = time.monotonic()
    while time.monotonic() < end:
        start = time.monotonic()
        wall = time.time()
        ok = 1
        try:
            s = socket.create_connection((host, port), timeout=3)
            s.close()
        except OSError:
            ok = 0
        lat = (time.monotonic() - start) * 1000.0
        with lock:
            rows.append((wall - t0, lat, ok))
        nxt += interval
        time.sleep(max(0.0, nxt - time.monotonic()))


def main():
    host, port, secs, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    interval = float(sys.argv[6]) if len(sys.argv) > 6 else 0.1
    t0 = float(os.environ.get("DEMO_T0", time.time()))
    rows, lock = [], threading.Lock()
    ts = [threading.Thread(target=worker, args=(host, port, time.monotonic() + secs, interval, t0, rows, lock))
          for _ in range(threads)]
    for t in ts:
        t.start()
    last = 0
    with open(out, "w") as f:
        f.write("t_s,connect_ms,ok\n")
        while any(t.is_alive() for t in ts):
            time.sleep(0.2)
            with lock:
                new, last = rows[last:], len(rows)
            for r in new:
                f.write("%.3f,%.3f,%d\n" % r)
            f.flush()
        with lock:
            for r in rows[last:]:
                f.write("%.3f,%.3f,%d\n" % r)
    ok = sum(r[2] for r in rows)
    print("%d connects, %d completed, %d failed" % (len(rows), ok, len(rows) - ok))


if __name__ == "__main__":
    main()
