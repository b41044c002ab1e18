#!/usr/bin/env bash
# Soak: mixed attack and legitimate traffic against synq for N minutes (issue 11),
# memory and legitimate success sampled every second.
#
#   sudo tests/bench/soak.sh [minutes]        (default 3; SOAK_OUT=dir, default
#                                              /tmp/synq-soak; SYNQ_BIN=the binary)
#
# The adversarial suite's test bed (tests/e2e/lib.sh, flooder.sh, adv_lib.sh): synq with
# config/default.json's listeners (plus echo on 7, a bsd-model http listener on 9000)
# on two veths. For the whole run: hping3 sends spoofed SYNs to 8000 from the
# flooder's namespace at SOAK_FLOOD_PPS (10000 a second: a soak, not a flood test), and
# rounds of attackers (tests/e2e/attack.py) follow each other from the client's veth:
# tiny-segment pinning of hold, echo and http, 500 slowloris heads, zero-window echo
# and http clients, RST/SYN/ACK storms at the long-lived legitimate connections, 3000
# forged cookie ACKs with replays, frames from broadcast MACs and martian sources; each
# attacker resets its connections at the end of its round. Legitimately, all along:
# the suite's client loop (curl v4/v6 to http, close, echo 64 KB), and advclient.py's 8
# long-lived connections for each round.
#
# Every second one CSV row (soak.csv): seconds, mbufs in use and pool size (synq's
# "mempools", when it has them), SynqMemHeldBytes, connections (SynqFlowTableEntries,
# TcpCurrEstab), SYN table entries, synq's VmRSS (kB), legitimate requests that
# succeeded and failed in that second, the success rate so far. Then soak.png (memory
# and legitimate success over time; python3-matplotlib) and a summary. A benchmark: it
# exits non-zero only when the run could not be made.
HERE=$(cd "$(dirname "$0")" && pwd)
MINUTES=${1:-3}
OUT=${SOAK_OUT:-/tmp/synq-soak}
PPS=${SOAK_FLOOD_PPS:-10000}
SYNQ_BIN=${SYNQ_BIN:-$(cd "$HERE/../.." && pwd)/build/app/synq/synq}
. "$HERE/../e2e/lib.sh"
. "$HERE/../e2e/flooder.sh"
. "$HERE/../e2e/adv_lib.sh"
SECS=$((MINUTES * 60))
mkdir -p "$OUT"
ROUND_PID=""
VICTIM=""

soak_cleanup() {
	[ -n "$ROUND_PID" ] && kill -TERM "$ROUND_PID" 2>/dev/null
	[ -n "$VICTIM" ] && kill -TERM "$VICTIM" 2>/dev/null
	adv_cleanup
}

adv_start $((SECS + 120))
trap soak_cleanup EXIT
us=$((1000000 / PPS))
nsf timeout -s INT $((SECS + 30)) hping3 -i "u$us" -S --rand-source -p 8000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
adv_legit_start

# One round of attackers (about 20 s), in the background, again and again.
attack_rounds() {
	local r=0 end=$((SECONDS + SECS - 25))
	while [ $SECONDS -lt "$end" ]; do
		r=$((r + 1))
		nsc timeout 25 python3 "$ADV_HERE/advclient.py" "$SYNQ_IPV4" 16 --http 4 --echo 4 \
			>>"$E2E_DIR/victim.log" 2>&1 &
		local v=$! pids=()
		sleep 0.5
		for spec in \
			"pin --port 8080 --app hold --src 198.18.0.64 --segs 2000 --seconds 12 --hold 1" \
			"pin --port 7 --app echo --src 198.18.0.72 --segs 2000 --seconds 12 --hold 1" \
			"pin --port 8000 --app http --src 198.18.0.80 --segs 2000 --seconds 12 --hold 1" \
			"slowloris --port 8000 --src 198.18.0.100 --conns 500 --hold 3" \
			"zerowin --port 7 --app echo --src 198.18.0.110 --conns 4 --seconds 6 --hold 2" \
			"zerowin --port 8000 --app http --src 198.18.0.120 --conns 2 --seconds 6 --hold 2" \
			"storm --port 8000 --seconds 12 --gap 0.02" \
			"storm --port 7 --seconds 12 --gap 0.02" \
			"cookie --port 8000 --src 198.18.0.90 --count 3000 --seconds 10 --replay-conns 3 --replays 3" \
			"badsrc --rounds 10 --seconds 10"; do
			# shellcheck disable=SC2086
			ip netns exec "$E2E_NS" timeout 30 python3 "$ADV_HERE/attack.py" "$E2E_PEER" $spec \
				>>"$E2E_DIR/attacks.log" 2>&1 &
			pids+=($!)
		done
		for p in "${pids[@]}"; do wait "$p"; done
		wait "$v"
		echo "round $r done at ${SECONDS}s" >>"$E2E_DIR/attacks.log"
	done
}
attack_rounds &
ROUND_PID=$!

csv="$OUT/soak.csv"
# One python process samples (a process a second would cost more than the second on a
# busy machine).
python3 - "$ADV_HERE" "$E2E_PREFIX" "$E2E_SYNQ_PID" "$E2E_STATS" "$E2E_DIR" "$SECS" "$csv" <<'PY'
import json, os, re, shutil, sys, time
here, prefix, pid, stats, d, secs, out = sys.argv[1:8]
sys.path.insert(0, here)
import advmem
def legit():
    ok = fail = 0
    for line in open(os.path.join(d, "legit.log")):
        ok += line.startswith("ok")
        fail += line.startswith("FAIL")
    try:
        v = open(os.path.join(d, "victim.log")).read()
        ok += sum(int(x) for x in re.findall(r'"ok": (\d+)', v))
        fail += sum(int(x) for x in re.findall(r'"failed": (\d+)', v))
    except OSError:
        pass
    return ok, fail
f = open(out, "w")
f.write("t,mbufs_in_use,mbufs_size,mem_held_bytes,flows,estab,syn_entries,rss_kb,"
        "legit_ok,legit_fail,legit_rate\n")
t0 = time.monotonic()
pok = pfail = 0
while time.monotonic() - t0 < int(secs):
    time.sleep(1 - (time.monotonic() - t0) % 1)
    try:
        shutil.copy(stats, os.path.join(d, "s.json"))
        m = advmem.snapshot(prefix, int(pid), os.path.join(d, "s.json"))
    except (OSError, ValueError):
        if not os.path.exists("/proc/%s" % pid):
            sys.exit("synq is gone")
        continue
    ok, fail = legit()
    pools = {n: p for n, p in m["pools"].items() if "mbuf" in n}
    g = m["gauges"]
    f.write("%d,%s,%s,%s,%d,%d,%d,%d,%d,%d,%.2f\n" % (
        round(time.monotonic() - t0), sum(p["in_use"] for p in pools.values()) if pools else "",
        sum(p["size"] for p in pools.values()) if pools else "", g.get("SynqMemHeldBytes", ""),
        g.get("SynqFlowTableEntries", 0), g.get("TcpCurrEstab", 0), g.get("SynqSynTableEntries", 0),
        m["rss_kb"], max(ok - pok, 0), max(fail - pfail, 0),
        100.0 * ok / (ok + fail) if ok + fail else 100.0))
    f.flush()
    pok, pfail = ok, fail
PY
# the last round ends by itself (each attacker is bounded by timeout(1)): its
# attackers leave before the memory is compared with the baseline
wait "$ROUND_PID" 2>/dev/null
ROUND_PID=""
adv_legit_stop
flood_stop INT
sleep 5
adv_snap after
cp "$E2E_DIR/attacks.log" "$E2E_DIR/victim.log" "$E2E_DIR/legit.log" "$OUT/" 2>/dev/null
e2e_log "after the run and 5 s: $(adv_mem_brief after)"
e2e_log "before the run:       $(adv_mem_brief before)"
python3 "$ADV_HERE/advmem.py" "$E2E_PREFIX" "$E2E_SYNQ_PID" "$E2E_DIR/after.json" --check \
	"$E2E_DIR/before.mem.json" "$E2E_DIR/after.mem.json" | sed 's/^/# /'
e2e_synq_stop

# The plot, with whichever python3 has matplotlib (a pyenv python3 may come first).
plotpy=""
for p in python3 /usr/bin/python3; do
	"$p" -c 'import matplotlib' 2>/dev/null && { plotpy=$p; break; }
done
if [ -n "$plotpy" ]; then
	"$plotpy" - "$csv" "$OUT/soak.png" "$MINUTES" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
t = [int(r["t"]) for r in rows]
num = lambda k: [float(r[k]) if r[k] != "" else float("nan") for r in rows]
fig, ax = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
if any(r["mbufs_in_use"] != "" for r in rows):
    ax[0].plot(t, num("mbufs_in_use"), label="mbufs in use")
    ax[0].plot(t, num("mbufs_size"), "--", label="mbuf pool size")
ax[0].plot(t, num("flows"), label="connections (flow table)")
ax[0].plot(t, num("syn_entries"), label="SYN table entries")
ax[0].set_ylabel("objects"); ax[0].legend(loc="upper right", fontsize=8)
ax[1].plot(t, [x / 1024 for x in num("rss_kb")], label="VmRSS")
if any(r["mem_held_bytes"] != "" for r in rows):
    ax[1].plot(t, [x / 1048576 for x in num("mem_held_bytes")], label="held by connections")
ax[1].set_ylabel("MiB"); ax[1].legend(loc="upper right", fontsize=8)
ok, fail = num("legit_ok"), num("legit_fail")
ax[2].plot(t, [100.0 * o / (o + f) if o + f else float("nan") for o, f in zip(ok, fail)], ".", label="per second")
ax[2].plot(t, num("legit_rate"), label="so far")
ax[2].set_ylim(-5, 105); ax[2].set_ylabel("legitimate success %"); ax[2].set_xlabel("seconds")
ax[2].legend(loc="lower right", fontsize=8)
fig.suptitle("synq soak: %s min of mixed attacks and legitimate clients (tests/bench/soak.sh)" % sys.argv[3])
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=90)
PY
	e2e_log "plot: $OUT/soak.png"
else
	e2e_log "no python3 with matplotlib: no plot (apt-get install python3-matplotlib)"
fi

python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if not rows:
    sys.exit("no samples")
ok = sum(int(r["legit_ok"]) for r in rows)
fail = sum(int(r["legit_fail"]) for r in rows)
rss = [int(r["rss_kb"]) for r in rows]
flows = [int(r["flows"]) for r in rows]
print("soak: %d s sampled; legitimate requests %d ok, %d failed (%.2f %%); VmRSS %d..%d kB; "
      "connections at most %d" % (len(rows), ok, fail, 100.0 * ok / max(ok + fail, 1),
                                  min(rss), max(rss), max(flows)))
mb = [int(r["mbufs_in_use"]) for r in rows if r["mbufs_in_use"] != ""]
if mb:
    print("soak: mbufs in use %d..%d of %s" % (min(mb), max(mb), rows[-1]["mbufs_size"]))
PY
echo "CSV: $csv"
