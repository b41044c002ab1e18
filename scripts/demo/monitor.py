#!/usr/bin/env python3
"""The live view of scripts/demo.sh: every second, from synq's stats file and the
legitimate clients' CSV, one line: SYNs received, SYN-ACKs sent (cookies among them),
handshakes completed, each as a rate a second, the legitimate clients' connects of that
second (completed/failed, median and worst latency). Also one CSV row a second for the
plot: t_s, syn_per_s, synack_per_s, cookies_per_s, accepts_per_s.
  monitor.py STATS.json CLIENTS.csv OUT.csv SECONDS   (DEMO_T0: the Unix time of t=0)
"""
import json
import os
import sys
import time

# SYNs and SYN-ACKs: synq's own counters; a synq without them shows the cookies' only
SYN_KEYS = ("SynqSynRecv",)
SYNACK_KEYS = ("SynqSynAcksSent", "TcpExtSyncookiesSent")


def counters(path):
    try:
        with open(path) as f:
            d = json.load(f)
        return d.get("time_unix", time.time()), d["counters"]
    except (OSError, ValueError, KeyError):
        return None, None


def pick(c, keys):
    for k in keys:
        if k in c:
            return c[k]
    return 0


def clients_of(path, lo, hi):
    ok, bad, lat = 0, 0, []
    try:
        with open(path) as f:
            next(f, None)
            for line in f:
                p = line.strip().split(",")
                if len(p) != 3:
                    continue
                t, ms, good = float(p[0]), float(p[1]), p[2] == "1"
                if lo <= t < hi:
                    ok, bad = ok + good, bad + (not good)
                    if good:
                        lat.append(ms)
    except OSError:
        pass
    lat.sort()
    med = lat[len(lat) // 2] if lat else float("nan")
    return ok, bad, med, (lat[-1] if lat else float("nan"))


def main():
    stats, clients, out, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    t0 = float(os.environ.get("DEMO_T0", time.time()))
    prev_t, prev = counters(stats)
    with open(out, "w") as f:
        f.write("t_s,syn_per_s,synack_per_s,cookies_per_s,accepts_per_s\n")
        print("%6s %10s %10s %10s %9s   %s" % ("t", "SYN/s", "SYN-ACK/s", "cookie/s",
                                            "accept/s", "legitimate clients (ok/failed, p50/max ms)"))
        while time.time() - t0 < secs:
            time.sleep(1.0)
            now_t, now = counters(stats)
            if now is None or prev is None or now_t <= prev_t:
                prev_t, prev = now_t, now
                continue
            dt = now_t - prev_t
            r = [(pick(now, k) - pick(prev, k)) / dt for k in
                 (SYN_KEYS, SYNACK_KEYS, ("TcpExtSyncookiesSent",), ("TcpPassiveOpens",))]
            t = now_t - t0
            ok, bad, med, worst = clients_of(clients, t - 1, t)
            f.write("%.2f,%.0f,%.0f,%.0f,%.0f\n" % ((t,) + tuple(r)))
            f.flush()
            print("%5.1fs %10.0f %10.0f %10.0f %9.0f   %d/%d, %.2f/%.2f" %
                  ((t,) + tuple(r) + (ok, bad, med, worst)), flush=True)
            prev_t, prev = now_t, now


if __name__ == "__main__":
    main()
