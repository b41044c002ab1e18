#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every command file of tests/load/pktgen/ against synq, each for a few seconds, with a
# real Pktgen-DPDK joined to synq by net_memif on this machine (docs/load-testing.md,
# "Over memif on one machine"), and synq's counters checked for what each file promises:
# SYNs answered by cookies, forged ACKs and RSTs dropped unanswered, no checksum error,
# no frame to another host, no connection made. Prints a table (file, Mpps offered,
# answered, counters) and writes it as JSON with --json.
#
#   sudo PKTGEN=/path/to/pktgen tests/load/pktgen-smoke.sh [--seconds S] [--json PATH]
#
# PKTGEN: a Pktgen 23.03 or 23.06 built against DPDK 22.11, with the one-line memif MTU
# change docs/load-testing.md describes. Without it the test says it is skipped, and why.
# synq runs on CPU 1 (config/memif-pktgen.json), Pktgen on CPU 0 (--lcores 0@0,1@0),
# both --no-pci --no-huge with their own --file-prefix; about (S + 10) s a file.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_RUN=3
JSON_OUT=""
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECONDS_RUN=$2; shift 2 ;;
	--json) JSON_OUT=$2; shift 2 ;;
	-h|--help) sed -n '3,16p' "$0"; exit 0 ;;
	*) echo "pktgen-smoke.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
if [ -z "${PKTGEN:-}" ]; then
	echo "SKIP: PKTGEN is not set: this test needs a Pktgen-DPDK binary" \
		"(PKTGEN=/path/to/pktgen; how to build one: docs/load-testing.md)"
	exit 77
fi
[ -x "$PKTGEN" ] || { echo "FAIL: PKTGEN=$PKTGEN is not an executable"; exit 1; }
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (memif sockets and DPDK runtime directories)"
	exit 77
fi
command -v script >/dev/null || { echo "SKIP: needs script(1) (bsdutils)"; exit 77; }
SYNQ_BIN=${SYNQ_BIN:-$ROOT/build/app/synq/synq}
GEN_BIN=${SYNQ_GEN_BIN:-$(dirname "$SYNQ_BIN")/../synq-gen/synq-gen}
[ -x "$SYNQ_BIN" ] || { echo "FAIL: no synq at $SYNQ_BIN"; exit 1; }
[ -x "$GEN_BIN" ] || { echo "FAIL: no synq-gen at $GEN_BIN"; exit 1; }

ID=$$
DIR=$(mktemp -d /tmp/synq-pktgen.XXXXXX)
SOCK="/tmp/synq-pktgen-$ID.sock"
SYNQ_PREFIX="synq-pktgen-s-$ID"
PK_PREFIX="synq-pktgen-p-$ID"
SYNQ_PID=""
PK_PID=""     # script(1)'s
PKTGEN_PID="" # Pktgen's own, under script(1) and its shell: what may hang
SYNQ_MAC=02:53:51:00:00:01

stop_pid() { # PID: TERM, then KILL after 5 s
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
}
cleanup() {
	stop_pid "$PKTGEN_PID"
	stop_pid "$PK_PID"
	stop_pid "$SYNQ_PID"
	rm -rf "$DIR" "/var/run/dpdk/$SYNQ_PREFIX" "/var/run/dpdk/$PK_PREFIX"
	rm -f "$SOCK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# The pcaps the docs tell users to write: 1,000,000 frames each.
for kind in syn mix; do
	"$GEN_BIN" --pcap-out "$DIR/$kind.pcap" --pcap-count 1000000 --pcap-kind "$kind" \
		--dst 198.18.0.1 --dport 80 --dst-mac "$SYNQ_MAC" >/dev/null ||
		fail "synq-gen --pcap-out ($kind)"
done

# pktgen_pid: Pktgen's own PID, under script(1) and its shell
pktgen_pid() {
	local p=$1 c
	for _ in 1 2 3; do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = pktgen ] && { echo "$p"; return; }
		c=$(ps -o pid= --ppid "$p" | head -1 | tr -d ' ')
		[ -n "$c" ] || return
		p=$c
	done
}

# run_case FILE [PCAP]: synq, then Pktgen with -f FILE (and -s 0:PCAP) for SECONDS_RUN
# seconds of flood; synq's stats sampled at the start and the end of the flood.
run_case() {
	local file=$1 pcap=${2:-} name mem=1536 extra="" t ready=""
	name=$(basename "$file" .pkt)
	[ -n "$pcap" ] && { mem=2048; extra="-s 0:$pcap"; }
	rm -f "$DIR/stats.json" "$SOCK"
	"$SYNQ_BIN" --no-pci --no-huge -m 256 --file-prefix "$SYNQ_PREFIX" -l 1 \
		--vdev "net_memif0,role=server,socket=$SOCK,mac=$SYNQ_MAC" -- \
		--config "$ROOT/config/memif-pktgen.json" --stats-file "$DIR/stats.json" \
		--stats-interval-ms 250 --duration $((SECONDS_RUN + 60)) \
		>"$DIR/$name.synq.out" 2>"$DIR/$name.synq.err" &
	SYNQ_PID=$!
	for _ in $(seq 100); do [ -s "$DIR/stats.json" ] && break; sleep 0.1; done
	[ -s "$DIR/stats.json" ] || { cat "$DIR/$name.synq.err"; fail "synq did not start ($name)"; }
	mkfifo "$DIR/cmd"
	# Pktgen's console needs a terminal: script(1) gives it one; commands come from
	# the fifo once the command file has run.
	script -qfc "$PKTGEN --no-pci --no-huge -m $mem --file-prefix $PK_PREFIX \
		--lcores 0@0,1@0 --vdev net_memif0,role=client,socket=$SOCK -- -P -m 1.0 \
		$extra -f $file" /dev/null <"$DIR/cmd" >"$DIR/$name.pktgen.out" 2>&1 &
	PK_PID=$!
	exec 3>"$DIR/cmd"
	# the flood has started when synq's rx counter moves
	for _ in $(seq 150); do
		sleep 0.1
		kill -0 "$PK_PID" 2>/dev/null || break
		if python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["counters"]["SynqRxFrames"] < 1000)' \
			"$DIR/stats.json" 2>/dev/null; then
			ready=1
			break
		fi
	done
	[ -n "$ready" ] || { tail -c 2000 "$DIR/$name.pktgen.out"; fail "no flood from Pktgen ($name)"; }
	# Pktgen's command and timer threads busy-poll beside its worker: on 2 CPUs they
	# take half its rate unless reniced.
	PKTGEN_PID=$(pktgen_pid "$PK_PID")
	[ -n "$PKTGEN_PID" ] || fail "Pktgen's PID not found under script(1) ($name)"
	for t in /proc/"$PKTGEN_PID"/task/*; do
		case $(cat "$t/comm") in
		rte-worker-*|lcore-worker-*) ;;
		*) renice -n 19 -p "${t##*/}" >/dev/null ;;
		esac
	done
	sleep 1
	cp "$DIR/stats.json" "$DIR/$name.t0.json"
	sleep "$SECONDS_RUN"
	cp "$DIR/stats.json" "$DIR/$name.t1.json"
	echo "stop 0" >&3
	sleep 1
	echo "quit" >&3
	exec 3>&-
	for _ in $(seq 100); do kill -0 "$PKTGEN_PID" 2>/dev/null || break; sleep 0.1; done
	stop_pid "$PKTGEN_PID"
	stop_pid "$PK_PID"
	PKTGEN_PID=""
	PK_PID=""
	rm -f "$DIR/cmd"
	sleep 0.5
	kill -TERM "$SYNQ_PID"
	wait "$SYNQ_PID" || fail "synq exited with $? ($name)"
	SYNQ_PID=""
	cp "$DIR/stats.json" "$DIR/$name.final.json"
	rm -rf "/var/run/dpdk/$PK_PREFIX"
}

CASES=(
	"syn-flood-range.pkt"
	"syn-flood-pcap.pkt $DIR/syn.pcap"
	"forged-ack-range.pkt"
	"rst-flood-range.pkt"
	"mixed-flood-pcap.pkt $DIR/mix.pcap"
)
for c in "${CASES[@]}"; do
	# shellcheck disable=SC2086
	set -- $c
	echo "# $1: ${SECONDS_RUN} s"
	run_case "$ROOT/tests/load/pktgen/$1" "${2:-}"
done

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$DIR" "$JSON_OUT" "$COMMIT" <<'PY'
import json, sys

d, out, commit = sys.argv[1], sys.argv[2], sys.argv[3]

def load(name, t):
    return json.load(open("%s/%s.%s.json" % (d, name, t)))

# What each file promises (comments in the files, docs/load-testing.md): the share of
# the frames synq received that each counter must reach, and counters that stay 0.
ALWAYS_ZERO = ["TcpInCsumErrors", "SynqDropOtherHost", "TcpPassiveOpens", "IpInHdrErrors"]
PROMISES = {
    "syn-flood-range": {"TcpExtSyncookiesSent": 0.95},
    "syn-flood-pcap": {"TcpExtSyncookiesSent": 0.95},
    "forged-ack-range": {"SynqTcpDropNoConnection": 0.99},
    "rst-flood-range": {"SynqTcpDropRst": 0.99},
    "mixed-flood-pcap": {"TcpExtSyncookiesSent": 0.45, "TcpExtSyncookiesFailed": 0.2,
                         "SynqTcpDropRst": 0.2},
}
NO_REPLY = {"forged-ack-range", "rst-flood-range"}
rows, ok = [], True
print("%-22s %9s %9s  %s" % ("file", "offered", "answered", "counters (whole run)"))
for name, want in PROMISES.items():
    t0, t1, fin = load(name, "t0"), load(name, "t1"), load(name, "final")
    dt = t1["uptime_s"] - t0["uptime_s"]
    c0, c1, c = t0["counters"], t1["counters"], fin["counters"]
    offered = (c1["SynqRxFrames"] - c0["SynqRxFrames"]) / dt / 1e6
    answered = (c1["TcpOutSegs"] - c0["TcpOutSegs"]) / dt / 1e6
    rx = c["SynqRxFrames"]
    shown = ["SynqRxFrames"] + list(want) + ["TcpOutSegs"] + ALWAYS_ZERO
    problems = []
    if rx < 100000:
        problems.append("only %d frames received" % rx)
    for k, share in want.items():
        if c[k] < share * rx:
            problems.append("%s %d < %.2f x %d" % (k, c[k], share, rx))
    for k in ALWAYS_ZERO:
        if c[k] != 0:
            problems.append("%s %d" % (k, c[k]))
    # synq's own gratuitous ARPs are its only frames out when nothing is answered
    if name in NO_REPLY and c["TcpOutSegs"] != 0:
        problems.append("TcpOutSegs %d (nothing should be answered)" % c["TcpOutSegs"])
    ok &= not problems
    rows.append({"file": name + ".pkt", "offered_mpps": round(offered, 3),
                 "answered_mpps": round(answered, 3), "seconds": round(dt, 2),
                 "counters": {k: c[k] for k in shown}, "problems": problems})
    print("%-22s %9.2f %9.2f  %s%s" % (name + ".pkt", offered, answered,
          ", ".join("%s %d" % (k, c[k]) for k in shown if c[k] or k in want),
          "" if not problems else "\n    FAIL: " + "; ".join(problems)))
print("offered: frames synq received a second (Mpps), answered: TcpOutSegs a second")
if out:
    json.dump({"tool": "pktgen-smoke.sh", "commit": commit, "cases": rows}, open(out, "w"),
              indent=1)
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
