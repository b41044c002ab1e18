#!/usr/bin/env python3
"""Memory synq holds, for the adversarial tests and the soak benchmark.

  advmem.py PREFIX PID STATS            one JSON object (see below)
  advmem.py PREFIX PID STATS --check BEFORE.json AFTER.json
                                        compare two such objects; exit 1 if AFTER is
                                        not back at BEFORE's level, 2 if synq reports
                                        no pool figures

The object: the objects in use in each of synq's pools (mbufs, sessions), from the
stats document's "mempools" (issue 11 item 9: [{"name", "size", "in_use", "free"}];
DPDK 22.11's telemetry `/mempool/info` gives no counts, and a --no-huge primary
admits no secondary process that could read them); the rx_nombuf of every port (an rx
queue that found the pool empty); synq's resident size (VmRSS of /proc/PID/status, kB);
the gauges of the stats document (SynqFlowTableEntries, SynqSynTableEntries,
TcpCurrEstab) and those of the memory accounting (SynqMem*, *InUse) when synq has them.
"""
import json
import sys

GAUGES = ("SynqFlowTableEntries", "SynqSynTableEntries", "TcpCurrEstab")
# how far AFTER may sit above BEFORE: objects in flight (a burst, a timer's reply), and
# RSS of memory allocated at start but touched on first use: libc's share (the
# per-source table, the application lcores' head buffers, 2 MiB, and allocator arenas)
# grows the first time thousands of connections come, not with each round (the soak
# benchmark's plot shows it flat over its rounds)
MBUF_SLACK = 64
RSS_SLACK_KB = 8192


def pools_stats(doc):
    """The stats document's pools: a list of objects or an object by name."""
    mp = doc.get("mempools", doc.get("pools"))
    if isinstance(mp, dict):
        mp = [dict(v, name=k) for k, v in mp.items()]
    res = {}
    for p in mp or []:
        size = p.get("size", p.get("in_use", 0) + p.get("free", 0))
        in_use = p["in_use"] if "in_use" in p else size - p.get("free", size)
        res[p["name"]] = {"size": size, "in_use": in_use}
    return res


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def snapshot(prefix, pid, stats):
    doc = json.load(open(stats))
    c = doc["counters"]
    mem = {k: v for k, v in c.items() if isinstance(v, int) and
           (k in GAUGES or k.endswith("InUse") or k in ("SynqMemHeldBytes", "SynqMemLevel"))}
    nombuf = sum(p.get("rx_nombuf", 0) for p in doc.get("ports", []))
    return {"pools": pools_stats(doc), "rss_kb": rss_kb(pid), "gauges": mem,
            "rx_nombuf": nombuf}


def check(before, after):
    bad = []
    if not after["pools"]:
        bad.append("no pool figures in synq's stats (expected \"mempools\": [{name, size, "
                   "in_use, free}], issue 11 item 9)")
    for n, p in before["pools"].items():
        a = after["pools"].get(n)
        if a and a["in_use"] > p["in_use"] + MBUF_SLACK:
            bad.append("pool %s: %d mbufs in use, %d before" % (n, a["in_use"], p["in_use"]))
    if after["rss_kb"] > before["rss_kb"] + RSS_SLACK_KB:
        bad.append("VmRSS %d kB, %d kB before" % (after["rss_kb"], before["rss_kb"]))
    for k, v in before["gauges"].items():
        # the gauges of connections and held bytes come back to where they were; not the
        # SYN table's, a fixed table (max_syn_backlog) whose spoofed entries live
        # through their SYN-ACK retransmissions (about a minute)
        if k == "SynqSynTableEntries":
            continue
        av = after["gauges"].get(k, v)
        slack = {"SynqMemHeldBytes": 65536, "SynqMemLevel": 0}.get(k, 8)
        if av > v + slack:
            bad.append("%s %d, %d before" % (k, av, v))
    return bad


def main():
    prefix, pid, stats = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if len(sys.argv) > 4 and sys.argv[4] == "--check":
        b, a = (json.load(open(f)) for f in sys.argv[5:7])
        bad = check(b, a)
        for x in bad:
            print("memory not back: " + x)
        # 2: synq does not report what the check needs; waiting will not help
        sys.exit(2 if bad and not a["pools"] else 1 if bad else 0)
    print(json.dumps(snapshot(prefix, pid, stats), sort_keys=True))


if __name__ == "__main__":
    main()
