#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Instructions a packet, path by path, counted exactly by callgrind in synq-bench's
# timed region only (--toggle-collect: the per-burst clock read and synq_net_input(),
# nothing of the frame building, restores or pre-passes), and the functions they go
# to (self cost, a packet). Where perf cannot count instructions (VMs without a PMU),
# this still can; it is slow (about 50x), hence few packets.
#
#   app/synq-bench/callgrind.sh [PACKETS [synq-bench options, e.g. --offload]]
#
# The bench is build/app/synq-bench/synq-bench, or $SYNQ_BENCH. Needs valgrind.
set -eu

bench=${SYNQ_BENCH:-$(dirname "$0")/../../build/app/synq-bench/synq-bench}
packets=${1:-20000}
[ $# -gt 0 ] && shift
paths=${SYNQ_BENCH_PATHS:-"syn-table syn-cookie ack-cookie ack-forged mix"}

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not found" >&2; exit 1; }
[ -x "$bench" ] || { echo "callgrind.sh: no $bench (build first)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/synq-bench-cg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for p in $paths; do
	if ! valgrind --tool=callgrind --toggle-collect='timed_chunk*' \
		--callgrind-out-file="$tmp/$p.cg" \
		"$bench" --path "$p" --packets "$packets" --rounds 1 --check "$@" \
		>"$tmp/$p.out" 2>"$tmp/$p.err"; then
		cat "$tmp/$p.out" "$tmp/$p.err" >&2
		exit 1
	fi
	# self cost by function, largest first: "6,520,380 (18.17%)  ???:synq_siphash24 [...]"
	callgrind_annotate "$tmp/$p.cg" 2>/dev/null | awk -v path="$p" -v n="$packets" '
		/PROGRAM TOTALS/ {
			gsub(",", "", $1)
			printf "%-11s %6.0f instructions/packet\n", path, $1 / n
			next
		}
		/^ *[0-9][0-9,]* \([ 0-9.]+%\) +[^ ]+:[^ ]+/ && shown < 10 {
			ir = $1; gsub(",", "", ir)
			fn = $0; sub(/^.*%\) +/, "", fn); sub(/ \[.*$/, "", fn); sub(/^.*:/, "", fn)
			if (ir / n >= 1) { printf "  %6.0f  %s\n", ir / n, fn; shown++ }
		}'
done
