#!/usr/bin/env bash
# Print the counter table of docs/counters.md from the binary's own list
# (lib/stats/synq_counters.def); tests/unit/test_stats.c checks the doc against it.
#   scripts/counters-table.sh [build/app/synq/synq]
bin=${1:-build/app/synq/synq}
echo "| counter | what it counts |"
echo "|---|---|"
"$bin" -- --list-counters | while IFS=$'\t' read -r name desc; do
	printf '| `%s` | %s |\n' "$name" "$desc"
done
