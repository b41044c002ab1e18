#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# ns/packet per path as a PNG bar chart, one bar group per path and one bar per run
# (synq-bench --json files), with the targets of issue 4 and the 10GbE line-rate
# budget of each path's own frames marked. Median bars, min..max error bars.
#
#   app/synq-bench/plot.sh OUT.png LABEL=RUN.json [LABEL=RUN.json ...]
#
# e.g. app/synq-bench/plot.sh docs/img/bench-ns-per-path.png \
#          "software checksums=/tmp/sw.json" "--offload=/tmp/off.json"
#
# Needs python3 and gnuplot (Debian: gnuplot-nox).
set -eu

[ $# -ge 2 ] || { sed -n '3,12p' "$0" >&2; exit 2; }
out=$1
shift
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/synq-bench-plot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# one row per path: name, target, budget, then median min max of each run
python3 - "$tmp/ns.dat" "$tmp/titles" "$@" <<'EOF'
import json, sys

dat, titles, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
labels, docs = [], []
for r in runs:
    label, sep, path = r.partition("=")
    if not sep:
        sys.exit("plot.sh: %s: want LABEL=FILE.json" % r)
    labels.append(label)
    docs.append({p["name"]: p for p in json.load(open(path))["paths"]})
names = [n for n in docs[0] if all(n in d for d in docs)]
if not names:
    sys.exit("plot.sh: the runs have no path in common")
with open(dat, "w") as f:
    f.write("# path target budget" + "".join(
        " %s:median min max" % l.replace(" ", "_") for l in labels) + "\n")
    for n in names:
        p0 = docs[0][n]
        target = p0["target"]["ns"] if p0["target"] else float("nan")
        f.write('"%s" %s %.1f' % (n, target, p0["budget"]["own_frames_ns"]))
        for d in docs:
            ns = d[n]["ns_per_packet"]
            f.write(" %.1f %.1f %.1f" % (ns["median"], ns["min"], ns["max"]))
        f.write("\n")
with open(titles, "w") as f:
    f.write("\n".join(labels) + "\n")
EOF

nruns=$#
# half the width of a bar group, in x units: the target and budget marks span it
w=$(awk -v n="$nruns" 'BEGIN { printf "%.3f", (n / (n + 2.0)) / 2 }')
{
	echo "set terminal pngcairo size 900,520 font 'sans,10'"
	echo "set output '$out'"
	echo "set title 'synq-bench: the packet handler on one core, ns per packet (median; bars min..max)'"
	echo "set ylabel 'ns / packet'"
	echo "set yrange [0:*]"
	echo "set grid ytics"
	echo "set key top right"
	echo "set style data histograms"
	echo "set style histogram errorbars gap 2 lw 1"
	echo "set style fill solid 0.8 border -1"
	echo "set boxwidth 0.9"
	echo "set bars 0.5"
	plot=""
	i=0
	while [ $i -lt $nruns ]; do
		col=$((4 + 3 * i))
		title=$(sed -n "$((i + 1))p" "$tmp/titles" | sed "s/'/''/g")
		if [ $i -eq 0 ]; then
			plot="'$tmp/ns.dat' u $col:$((col + 1)):$((col + 2)):xtic(1) t '$title'"
		else
			plot="$plot, '' u $col:$((col + 1)):$((col + 2)) t '$title'"
		fi
		i=$((i + 1))
	done
	plot="$plot, '' u (\$0 - $w):2:(2 * $w):(0) w vectors nohead lw 3 lc rgb 'red' t 'target of issue 4'"
	plot="$plot, '' u (\$0 - $w):3:(2 * $w):(0) w vectors nohead lw 2 dt 2 lc rgb 'black' t '10GbE line rate, its own frames'"
	echo "plot $plot"
} >"$tmp/plot.gp"
gnuplot "$tmp/plot.gp"
echo "plot.sh: $out"
