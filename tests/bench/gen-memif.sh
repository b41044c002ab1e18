#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# synq-gen against synq flat out, one core each, joined by net_memif (no NIC, no
# kernel in the path): completed handshakes a second per core pair, for a few mixes
# and apps. A benchmark: it prints a table and writes JSON; it asserts nothing about
# speed, and exits non-zero only when a run fails or synq and the generator disagree
# on the handshakes completed.
#
#   sudo tests/bench/gen-memif.sh [--duration S] [--json PATH]
#   sudo tests/bench/gen-memif.sh --latency [--rates LIST] [--clients-per-s N]
#        [--rsize LIST] [--duration S] [--json PATH]
#
# Cases (mix, synq's app, the generator's close):
#   syn=90,handshake=10   reset  rst    a flood with 10 % clients
#   syn=50,handshake=50   close  fin    half clients, closed by synq with a FIN exchange
#   handshake=100         reset  rst    clients only
#   handshake=100         close  fin    clients only, every connection closed
# synq runs on lcore 1, the generator on lcore 0, --no-pci --no-huge, each with its own
# --file-prefix; about (duration + 3) s a case.
#
# --latency: legitimate latency under a flood of rising rate instead. For each memif
# ring size (--rsize: log2 of the slots, both ends' rsize devarg; default 10, memif's
# own 1024) and each flood rate (--rates, packets a second, "max" = flat out; default
# 100000,300000,1000000,3000000,max), spoofed SYNs plus a constant trickle of handshake
# clients (--clients-per-s, default 2000: the mix is syn=R/N-1,handshake=1; at "max",
# syn=499,handshake=1), app reset: the clients' SYN -> SYN-ACK p50/p99/p99.9, the
# SYN-ACKs answered and the clients completed. The ring is the queue a flood beyond
# synq's rate builds up in front of it: its depth is the latency a client then sees.
set -u
. "$(dirname "$0")/../e2e/lib.sh"
e2e_skip_unless_root

DURATION=3
JSON_OUT=""
LATENCY=0
RATES=100000,300000,1000000,3000000,max
CLIENTS_PER_S=2000
RSIZES=10
while [ $# -gt 0 ]; do
	case $1 in
	--duration) DURATION=$2; shift 2 ;;
	--json) JSON_OUT=$2; shift 2 ;;
	--latency) LATENCY=1; shift ;;
	--rates) RATES=$2; shift 2 ;;
	--clients-per-s) CLIENTS_PER_S=$2; shift 2 ;;
	--rsize) RSIZES=$2; shift 2 ;;
	-h|--help) sed -n '3,29p' "$0"; exit 0 ;;
	*) echo "gen-memif.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

. "$(dirname "$0")/../e2e/memif.sh"

# --latency: rising flood rates, a constant trickle of clients, per memif ring size
if [ "$LATENCY" = 1 ]; then
	IFS=, read -r -a rate_list <<<"$RATES"
	IFS=, read -r -a rsize_list <<<"$RSIZES"
	[[ "$CLIENTS_PER_S" =~ ^[0-9]+$ ]] && [ "$CLIENTS_PER_S" -ge 1 ] || e2e_fail "--clients-per-s: a number"
	lcases=()
	for rs in "${rsize_list[@]}"; do
		[[ "$rs" =~ ^[0-9]+$ ]] && [ "$rs" -ge 6 ] && [ "$rs" -le 14 ] || e2e_fail "--rsize: 6..14"
		for r in "${rate_list[@]}"; do
			if [ "$r" = max ]; then
				mix=syn=499,handshake=1 rate=0
			else
				[[ "$r" =~ ^[0-9]+$ ]] && [ "$r" -gt "$CLIENTS_PER_S" ] ||
					e2e_fail "--rates: \"$r\" is not max or a rate above --clients-per-s"
				mix="syn=$((r / CLIENTS_PER_S - 1)),handshake=1" rate=$r
			fi
			name="lat-r$rs-$r"
			e2e_log "case $name: memif rsize $rs ($((1 << rs)) slots), --rate $rate --mix $mix, ${DURATION} s"
			MEMIF_RSIZE=$rs
			memif_synq_config reset 1024
			memif_synq_start "$E2E_DIR/synq.json" 512 1000 $((DURATION + 30))
			memif_gen 512 $((DURATION + 20)) --dst "$SYNQ_IPV4" --dport 80 --mix "$mix" \
				--rate "$rate" --duration "$DURATION" --close rst --quiet \
				--json "$E2E_DIR/$name.gen.json" ||
				{ cat "$E2E_DIR/gen.err" >&2; e2e_fail "synq-gen exited with $? ($name)"; }
			sleep 1
			e2e_synq_stop
			cp "$E2E_STATS" "$E2E_DIR/$name.synq.json"
			lcases+=("$name $rs $r $mix")
		done
	done
	python3 - "$E2E_DIR" "$DURATION" "$JSON_OUT" "$CLIENTS_PER_S" \
		"$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)" "${lcases[@]}" <<'PY'
import json, sys

d, duration, out, cps, commit, cases = (sys.argv[1], float(sys.argv[2]), sys.argv[3],
                                        int(sys.argv[4]), sys.argv[5], sys.argv[6:])
rows = []
print("legitimate SYN -> SYN-ACK latency under a flood, synq-gen -> synq over net_memif, "
      "%d clients/s (at max: 1 in 500)" % cps)
print("%-5s %7s %8s %10s %11s %10s %13s %9s %9s %10s" % (
    "rsize", "slots", "rate", "offered", "SYN-ACKs/s", "clients/s", "connects ok", "p50 us",
    "p99 us", "p99.9 us"))
for c in cases:
    name, rs, rate, mix = c.split()
    g = json.load(open("%s/%s.gen.json" % (d, name)))
    s = json.load(open("%s/%s.synq.json" % (d, name)))
    hs = g["offered"]["handshake"]["packets"]
    row = {"rsize": int(rs), "slots": 1 << int(rs), "rate": rate, "mix": mix,
           "offered_pps": g["offered"]["total"]["pps"],
           "synacks_per_s": g["received"]["synacks_per_s"],
           "clients_offered": hs, "clients_per_s": g["offered"]["handshake"]["pps"],
           "connects_completed": g["handshakes"]["completed"],
           "connect_success": g["handshakes"]["completed"] / hs if hs else None,
           "latency_us": g["latency_us"],
           "synq_imissed": sum(p["imissed"] for p in s["ports"]),
           "synq_ipackets": sum(p["ipackets"] for p in s["ports"])}
    rows.append(row)
    print("%-5d %7d %8s %10.0f %11.0f %10.0f %6d/%-6d %9.1f %9.1f %10.1f" % (
        row["rsize"], row["slots"], rate, row["offered_pps"], row["synacks_per_s"],
        row["clients_per_s"], row["connects_completed"], hs, g["latency_us"]["p50"],
        g["latency_us"]["p99"], g["latency_us"]["p999"]))
if out:
    json.dump({"tool": "gen-memif.sh --latency", "commit": commit, "duration_s": duration,
               "clients_per_s": cps, "cases": rows}, open(out, "w"), indent=1)
PY
	exit $?
fi

# run_case NAME MIX APP CLOSE: one synq, one generator run; figures to $E2E_DIR/NAME.*
run_case() {
	local name=$1 mix=$2 app=$3 close=$4 rc
	memif_synq_config "$app" 65535
	memif_synq_start "$E2E_DIR/synq.json" 512 1000 $((DURATION + 30))
	memif_gen 512 $((DURATION + 20)) --dst "$SYNQ_IPV4" --dport 80 --mix "$mix" --rate 0 \
		--duration "$DURATION" --close "$close" --quiet --json "$E2E_DIR/$name.gen.json"
	rc=$?
	[ "$rc" = 0 ] || { cat "$E2E_DIR/gen.err" >&2; e2e_fail "synq-gen exited with $rc ($name)"; }
	sleep 1 # the last FIN exchanges and the stats
	e2e_synq_stop
	cp "$E2E_STATS" "$E2E_DIR/$name.synq.json"
}

CASES=(
	"flood10 syn=90,handshake=10 reset rst"
	"half-close syn=50,handshake=50 close fin"
	"clients-reset handshake=100 reset rst"
	"clients-close handshake=100 close fin"
)
for c in "${CASES[@]}"; do
	# shellcheck disable=SC2086
	set -- $c
	e2e_log "case $1: --mix $2, app $3, --close $4, ${DURATION} s flat out"
	run_case "$@"
done

python3 - "$E2E_DIR" "$DURATION" "$JSON_OUT" "$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)" "${CASES[@]}" <<'PY'
import json, sys

d, duration, out, commit, cases = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
rows, ok = [], True
print("%-14s %-22s %-6s %10s %12s %14s %12s %10s %9s" % (
    "case", "mix", "app", "offered", "SYN-ACKs/s", "handshakes/s", "synq opens", "p50 us",
    "failures"))
for c in cases:
    name, mix, app, close = c.split()
    g = json.load(open("%s/%s.gen.json" % (d, name)))
    s = json.load(open("%s/%s.synq.json" % (d, name)))["counters"]
    done, opens = g["handshakes"]["completed"], s["TcpPassiveOpens"]
    agree = abs(opens - done) <= max(10, done // 200)
    ok &= agree and g["failures"]["total"] == 0
    row = {
        "case": name, "mix": mix, "app": app, "close": close,
        "offered_pps": g["offered"]["total"]["pps"],
        "synacks_per_s": g["received"]["synacks_per_s"],
        "handshakes_per_s": g["handshakes"]["per_s"],
        "handshakes": done, "synq_passive_opens": opens,
        "latency_us": g["latency_us"], "failures": g["failures"]["total"],
        "synq_counters": {k: s.get(k, 0) for k in (
            "TcpInSegs", "TcpOutSegs", "TcpExtSyncookiesSent", "TcpExtSyncookiesRecv",
            "TcpExtListenDrops", "SynqEstabTableFull")},
    }
    rows.append(row)
    print("%-14s %-22s %-6s %10.0f %12.0f %14.0f %12d %10.1f %9d%s" % (
        name, mix, app, row["offered_pps"], row["synacks_per_s"], row["handshakes_per_s"],
        opens, g["latency_us"]["p50"], row["failures"], "" if agree else "  DISAGREE"))
print("target of issue 4: >= 1,000,000 completed handshakes/s per core pair")
best = max(r["handshakes_per_s"] for r in rows)
print("best: %.0f handshakes/s (%.2f of the target)" % (best, best / 1e6))
if out:
    json.dump({"tool": "gen-memif.sh", "commit": commit, "duration_s": duration, "cases": rows},
              open(out, "w"), indent=1)
sys.exit(0 if ok else 1)
PY
