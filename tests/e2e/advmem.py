#!/usr/bin/env python3
"""Memory synq holds, for the adversarial tests and the soak benchmark.

  advmem.py PREFIX PID STATS            one JSON object (see below)
  advmem.py PREFIX PID STATS --check BEFORE.json AFTER.json
                                        compare two such objects; exit 1 if AFTER is
                                        not back at BEFORE's level

The object: mbufs in use in each synq pool (DPDK telemetry `/mempool/info,<pool>`:
size - common_pool_count - total_cache_count when the DPDK reports the caches, else
the caches are counted as in use), synq's resident size (VmRSS of /proc/PID/status, kB),
the gauges of the stats document (SynqFlowTableEntries, SynqSynTableEntries,
TcpCurrEstab), and every counter whose name says it is a gauge of memory in use
(`...InUse`, `...Bytes` gauges of the memory accounting, when synq has them).
"""
import json
import socket
import sys

GAUGES = ("SynqFlowTableEntries", "SynqSynTableEntries", "TcpCurrEstab")
# how far AFTER may sit above BEFORE: the per-lcore mempool caches (telemetry of
# 22.11 sums them when it can), a few pages of RSS
MBUF_SLACK = 64
RSS_SLACK_KB = 4096


def telemetry(prefix, cmds):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(2)
    s.connect(path)
    s.recv(16384)
    out = {}
    for c in cmds:
        s.send(c.encode())
        out[c] = json.loads(s.recv(1 << 20).decode())
    s.close()
    return out


def pools(prefix):
    lst = telemetry(prefix, ["/mempool/list"])["/mempool/list"]["/mempool/list"]
    names = [n for n in lst if n.startswith("synq")]
    info = telemetry(prefix, ["/mempool/info,%s" % n for n in names])
    res = {}
    for n in names:
        d = info["/mempool/info,%s" % n]["/mempool/info"]
        free = d.get("common_pool_count", 0) + d.get("total_cache_count", 0)
        res[n] = {"size": d["size"], "in_use": d["size"] - free}
    return res


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def snapshot(prefix, pid, stats):
    c = json.load(open(stats))["counters"]
    mem = {k: v for k, v in c.items() if isinstance(v, int) and
           (k in GAUGES or k.endswith("InUse") or k.startswith("SynqMem"))}
    return {"pools": pools(prefix), "rss_kb": rss_kb(pid), "gauges": mem}


def check(before, after):
    bad = []
    for n, p in before["pools"].items():
        a = after["pools"].get(n)
        if a and a["in_use"] > p["in_use"] + MBUF_SLACK:
            bad.append("pool %s: %d mbufs in use, %d before" % (n, a["in_use"], p["in_use"]))
    if after["rss_kb"] > before["rss_kb"] + RSS_SLACK_KB:
        bad.append("VmRSS %d kB, %d kB before" % (after["rss_kb"], before["rss_kb"]))
    for k, v in before["gauges"].items():
        # the gauges of connections and held bytes come back to where they were
        av = after["gauges"].get(k, v)
        if av > v + (8 if k.endswith("Entries") or k == "TcpCurrEstab" else 0) and \
                not k.startswith("SynqMemPressure"):
            bad.append("%s %d, %d before" % (k, av, v))
    return bad


def main():
    prefix, pid, stats = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if len(sys.argv) > 4 and sys.argv[4] == "--check":
        b, a = (json.load(open(f)) for f in sys.argv[5:7])
        bad = check(b, a)
        for x in bad:
            print("memory not back: " + x)
        sys.exit(1 if bad else 0)
    print(json.dumps(snapshot(prefix, pid, stats), sort_keys=True))


if __name__ == "__main__":
    main()
