#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The figures of a series of commits in one sitting: each commit built in release mode
# (LTO, as CI builds) in its own detached worktree under /tmp, then, path by path,
# instructions a packet by callgrind (exact: app/synq-bench/callgrind.sh) and ns a
# packet by synq-bench --cpu CPU (median of its rounds: noisy, hence the same sitting).
# Writes a CSV (step,commit,path,instructions,ns) and a PNG of both against the issue's
# targets (python3-matplotlib).
#
#   app/synq-bench/steps.sh [--packets N] [--cpu C] [--csv F] [--png F] LABEL=REV ...
#   app/synq-bench/steps.sh --png F --from-csv F     (plot an earlier sitting's CSV)
#
# e.g. app/synq-bench/steps.sh --png docs/img/issue14-steps.png start=2c6eb0e now=HEAD
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
packets=20000
cpu=1
csv=""
png=""
from=""
while [ $# -gt 0 ]; do
	case $1 in
	--packets) packets=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--csv) csv=$2; shift 2 ;;
	--png) png=$2; shift 2 ;;
	--from-csv) from=$2; shift 2 ;;
	-h|--help) sed -n '3,14p' "$0"; exit 0 ;;
	--*) echo "steps.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || [ -n "$from" ] || { sed -n '3,14p' "$0" >&2; exit 2; }
tmp=$(mktemp -d /tmp/synq-steps.XXXXXX)
cleanup() {
	for w in "$tmp"/wt-*; do
		[ -d "$w" ] && git -C "$repo" worktree remove --force "$w" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "$csv" ] || csv="$tmp/steps.csv"
if [ -n "$from" ]; then
	csv=$from
	set --
else
	echo "step,commit,path,instructions,ns" >"$csv"
fi

i=0
for arg in "$@"; do
	label=${arg%%=*}
	rev=${arg#*=}
	[ "$label" != "$arg" ] || { echo "steps.sh: $arg: want LABEL=REV" >&2; exit 2; }
	commit=$(git -C "$repo" rev-parse --short "$rev^{commit}")
	i=$((i + 1))
	wt="$tmp/wt-$i"
	git -C "$repo" worktree add --detach "$wt" "$commit" >/dev/null 2>&1
	echo "steps.sh: $label ($commit): building" >&2
	meson setup "$tmp/build-$i" "$wt" --buildtype=release >"$tmp/setup-$i.log" 2>&1 ||
		{ cat "$tmp/setup-$i.log" >&2; exit 1; }
	ninja -C "$tmp/build-$i" app/synq-bench/synq-bench >"$tmp/ninja-$i.log" 2>&1 ||
		{ cat "$tmp/ninja-$i.log" >&2; exit 1; }
	bench="$tmp/build-$i/app/synq-bench/synq-bench"
	echo "steps.sh: $label ($commit): callgrind" >&2
	# the commit's own callgrind.sh: it knows the commit's paths and toggle points
	SYNQ_BENCH=$bench sh "$wt/app/synq-bench/callgrind.sh" "$packets" >"$tmp/cg-$i.txt"
	echo "steps.sh: $label ($commit): synq-bench --cpu $cpu" >&2
	"$bench" --cpu "$cpu" --json "$tmp/ns-$i.json" >/dev/null
	python3 - "$label" "$commit" "$tmp/cg-$i.txt" "$tmp/ns-$i.json" >>"$csv" <<'EOF'
import json, re, sys

label, commit, cg, js = sys.argv[1:5]
instr = {}
for line in open(cg):
    m = re.match(r"^(\S+)\s+(\d+) instructions/packet", line)
    if m:
        instr[m.group(1)] = int(m.group(2))
ns = {p["name"]: p["ns_per_packet"]["median"] for p in json.load(open(js))["paths"]}
for name in instr:
    print("%s,%s,%s,%d,%s" % (label, commit, name, instr[name],
                              "%.1f" % ns[name] if name in ns else ""))
EOF
done
[ -n "$from" ] || cat "$csv"
[ -n "$png" ] || exit 0
# Debian's python3 has python3-matplotlib; a python3 earlier in PATH may not
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" - "$csv" "$png" <<'EOF'
import csv, sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

rows = list(csv.DictReader(open(sys.argv[1])))
steps = list(dict.fromkeys(r["step"] for r in rows))
paths = list(dict.fromkeys(r["path"] for r in rows))
# issue 14's targets: instructions, ns
target = {"syn-cookie": (600, 50), "mix": (600, 50), "ack-forged": (550, 50),
          "syn-table": (800, 80), "ack-cookie": (900, 80)}
val = {(r["step"], r["path"]): r for r in rows}
fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
w = 0.8 / len(steps)
for ax, key, ti, unit in ((axes[0], "instructions", 0, "instructions / packet (callgrind)"),
                          (axes[1], "ns", 1, "ns / packet (synq-bench, median)")):
    for j, s in enumerate(steps):
        ys = [float(val[(s, p)][key]) if (s, p) in val and val[(s, p)][key] else 0
              for p in paths]
        ax.bar([k + (j - (len(steps) - 1) / 2) * w for k in range(len(paths))], ys, w,
               label=s)
    for k, p in enumerate(paths):
        if p in target:
            ax.hlines(target[p][ti], k - 0.45, k + 0.45, colors="red", linewidth=2,
                      label="issue 14 target" if k == 0 else None)
    ax.set_xticks(range(len(paths)))
    ax.set_xticklabels(paths)
    ax.set_ylabel(unit)
    ax.grid(axis="y", alpha=0.3)
axes[0].legend(fontsize=8)
fig.suptitle("synq's flood paths, step by step (one sitting)")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=100)
print("steps.sh: %s" % sys.argv[2])
EOF
