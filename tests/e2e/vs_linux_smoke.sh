#!/usr/bin/env bash
# The side-by-side benchmark (tests/bench/vs-linux.sh) in one short step: 20 kpps for
# 2 s against Linux (tcp_syncookies 1) and against synq. Checks only that it runs,
# ends by itself, leaves nothing behind (namespaces, veths, DPDK runtime directories,
# its work directory, processes), and reports non-zero, finite figures for both
# targets. Nothing about speed: the figures are the benchmark's business.
. "$(dirname "$0")/lib.sh"
e2e_skip_unless_root

BENCH="$(cd "$(dirname "$0")/../bench" && pwd)/vs-linux.sh"
GEN_BIN=${SYNQ_GEN_BIN:-$(dirname "$SYNQ_BIN")/../synq-gen/synq-gen}
[ -x "$BENCH" ] || e2e_fail "no $BENCH"
[ -x "$SYNQ_BIN" ] || e2e_fail "no synq at $SYNQ_BIN"
[ -x "$GEN_BIN" ] || e2e_fail "no synq-gen at $GEN_BIN"
command -v nstat >/dev/null || { echo "SKIP: needs nstat (iproute2)"; exit 77; }

BENCH_PID=""
smoke_cleanup() {
	# the benchmark cleans up after itself; this only stops it if the test is cut short
	if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
		kill -TERM "$BENCH_PID" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$BENCH_PID" 2>/dev/null
	fi
	[ -n "$E2E_DIR" ] && rm -rf "$E2E_DIR"
	return 0
}
trap smoke_cleanup EXIT
trap 'exit 130' INT TERM
E2E_DIR=$(mktemp -d /tmp/synq-e2e.XXXXXX)

# bounded: one step of 2 s on each of two targets takes about 15 s here
SYNQ_BIN="$SYNQ_BIN" SYNQ_GEN_BIN="$GEN_BIN" timeout -s TERM -k 10 100 "$BENCH" \
	--steps 20000 --duration 2 --linux-syncookies 1 --no-plots --no-install \
	--json "$E2E_DIR/out.json" --csv "$E2E_DIR/out.csv" --dat "$E2E_DIR/out.dat" \
	>"$E2E_DIR/bench.out" 2>"$E2E_DIR/bench.err" &
BENCH_PID=$!
wait "$BENCH_PID"
rc=$?
BENCH_PID=""
sed 's/^/#   /' "$E2E_DIR/bench.out"
[ "$rc" = 124 ] || [ "$rc" = 137 ] && e2e_fail "the benchmark did not end by itself within 100 s"
[ "$rc" = 0 ] || { cat "$E2E_DIR/bench.err" >&2; e2e_fail "the benchmark exited with $rc"; }

# nothing left behind: everything the run made carries its id
id=$(sed -n 's/^# vs-linux: id \([0-9]*\),.*/\1/p' "$E2E_DIR/bench.out")
work=$(sed -n 's/^# vs-linux: .* work dir \(.*\)$/\1/p' "$E2E_DIR/bench.out")
[ -n "$id" ] && [ -n "$work" ] || e2e_fail "the benchmark did not say its id and work directory"
left=""
ip netns list | grep -q -- "-$id\b" && left+=" namespaces: $(ip netns list | grep -- "-$id" | tr '\n' ' ')"
ip -o link show | grep -qE "v(gl|sl|gs|ss)${id}[@:]" && left+=" veths in the root namespace"
ls -d /var/run/dpdk/*-"$id" >/dev/null 2>&1 && left+=" $(ls -d /var/run/dpdk/*-"$id")"
[ -e "$work" ] && left+=" $work"
pgrep -f -- "--file-prefix vsl-[a-z]*-$id( |$)" >/dev/null && left+=" processes: $(pgrep -f -- "--file-prefix vsl-[a-z]*-$id( |$)" | tr '\n' ' ')"
pgrep -f -- "synq-vs-linux\.[^ ]*/listen\.py" >/dev/null && left+=" the Linux listener"
[ -z "$left" ] || e2e_fail "left behind:$left"
e2e_log "nothing left behind (id $id)"

python3 - "$E2E_DIR/out.json" "$E2E_DIR/out.csv" "$E2E_DIR/out.dat" <<'PY' || e2e_fail "figures"
import csv, json, math, sys
d = json.load(open(sys.argv[1]))
rows = d["results"]
keys = sorted({r["key"] for r in rows})
assert keys == ["linux-sc1", "synq"], keys
def pos(r, path):
    v = r
    for k in path.split("."):
        v = v[k]
    assert isinstance(v, (int, float)) and math.isfinite(v) and v > 0, (r["key"], path, v)
    return v
for r in rows:
    assert r["ok"], (r["key"], "no generator figures")
    for f in ("offered_pps", "synacks_gen_per_s", "synacks_server_per_s", "cpu_s",
              "cpu_s_per_m_syns", "synacks_per_cpu_s", "connect_success", "clients_offered",
              "connects_completed", "accepted_ratio", "latency_us.p50", "latency_us.p99"):
        pos(r, f)
    print("# %-9s offered %.0f pps, SYN-ACKs %.0f/s, CPU %.3f s, %.0f SYN-ACKs per CPU-s, "
          "connects %d/%d, p50 %.1f us" % (r["key"], r["offered_pps"], r["synacks_gen_per_s"],
          r["cpu_s"], r["synacks_per_cpu_s"], r["connects_completed"], r["clients_offered"],
          r["latency_us"]["p50"]))
assert len(d["ratios"]) == 1, d["ratios"]
q = d["ratios"][0]
for f in ("synacks_per_s", "synacks_per_cpu_s"):
    assert q[f] is not None and math.isfinite(q[f]) and q[f] > 0, (f, q[f])
print("# synq / Linux: SYN-ACKs %.2fx, SYN-ACKs per CPU-second %.1fx (reported, not checked)"
      % (q["synacks_per_s"], q["synacks_per_cpu_s"]))
assert d["machine"]["nproc"] >= 2 and d["command"]
assert len(list(csv.reader(open(sys.argv[2])))) == 3
dat = [l.split() for l in open(sys.argv[3]) if not l.startswith("#")]
# a group of 9 columns per target; the 8th ("user space only", an estimate) may be empty
assert len(dat) == 1 and len(dat[0]) == 2 + 2 * 9, dat
for g in range(2):
    vals = dat[0][2 + 9 * g:2 + 9 * (g + 1)]
    assert all(v != "?" and float(v) > 0 for i, v in enumerate(vals) if i != 7), dat
PY
echo PASS
