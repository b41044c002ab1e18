#!/usr/bin/env python3
"""The plot of tests/bench/proxy-vs-haproxy.sh's --json files (issue 13, item 6).

    python3 tests/bench/proxy-vs-haproxy-plot.py -o docs/img/proxy-vs-haproxy.png A.json [B.json ...]

Three panels, a pair of bars (synq, HAProxy) for each run (keep-alive and a connection
a request, plain and during the flood): the rate (requests/s; with close, connections/s),
the work a proxy CPU-second (the proxy's own time plus the receive softirq on the
clients' CPU: proxy_only_s) and the work a CPU-second of the whole run on the machine
(ours_s: the proxy's, nginx's, wrk's, hping3's and ksoftirqd's user + system time; other
sessions' work on a shared machine left out).
With several files a bar is their mean, the whiskers their lowest and highest; a red
number over a bar is the client errors of that run (all files summed).
"""
import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("-o", "--output", required=True)
ap.add_argument("json", nargs="+")
a = ap.parse_args()
docs = [json.load(open(p)) for p in a.json]
keys = []
for run in ("plain", "flood"):
    for mode in ("keepalive", "close"):
        if all(mode in d["runs"].get(run, {}) for d in docs):
            keys.append((run, mode))
if not keys:
    raise SystemExit("no run common to all the files")
label = {"keepalive": "keep-alive\nrequests", "close": "close\nconnections"}
panels = [("rate", "a second", lambda x: x["rate"]),
          ("per_proxy_only_s", "a proxy CPU-second\n(own time + rx softirq)",
           lambda x: x["requests"] / x["proxy_only_s"] if x["proxy_only_s"] > 0 else 0),
          ("per_ours_s", "a machine CPU-second of the run's own work\n(proxy, nginx, wrk, hping3, ksoftirqd)",
           lambda x: x["requests"] / x["ours_s"] if x["ours_s"] > 0 else 0)]
fig, axes = plt.subplots(1, 3, figsize=(14, 4.6))
colours = {"synq": "tab:blue", "haproxy": "tab:orange"}
w = 0.38
for ax, (_, title, fn) in zip(axes, panels):
    for j, t in enumerate(("synq", "haproxy")):
        xs, ys, lo, hi, errs = [], [], [], [], []
        for i, (run, mode) in enumerate(keys):
            v = [fn(d["runs"][run][mode][t]) for d in docs]
            m = sum(v) / len(v)
            xs.append(i + (j - 0.5) * w)
            ys.append(m)
            lo.append(m - min(v))
            hi.append(max(v) - m)
            errs.append(sum(d["runs"][run][mode][t]["errors"] for d in docs))
        ax.bar(xs, ys, w, yerr=[lo, hi] if len(docs) > 1 else None, capsize=3,
               color=colours[t], label="synq" if t == "synq" else "HAProxy 2.6")
        for x, y, e in zip(xs, ys, errs):
            if e:
                ax.text(x, y, "%d err" % e, ha="center", va="bottom", color="red", fontsize=8)
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(["%s\n%s" % (label[m], "(flood)" if r == "flood" else "") for r, m in keys],
                       fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
axes[0].legend(fontsize=9)
d0 = docs[0]
fig.suptitle("synq's proxy vs HAProxy 2.6 (mode tcp), the same two nginx, %d s a run, "
             "%d connections, %d run(s) (%s)" % (d0["seconds"], d0["connections"], len(docs),
                                                ", ".join(sorted(set(d["commit"] for d in docs)))), fontsize=10)
fig.tight_layout()
fig.savefig(a.output, dpi=90)
