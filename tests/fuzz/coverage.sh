#!/bin/sh
# Line and function coverage of lib/ by a fuzz target's corpus (docs/testing.md).
#   tests/fuzz/coverage.sh [TARGET [DIR...]]
# TARGET: fuzz_tcp (default), fuzz_http or fuzz_config; DIRs: corpora to replay
# (default: the committed seeds, tests/fuzz/corpus/TARGET). Builds build-fuzzcov
# (clang, source-based coverage, no sanitizers), replays every input once and prints
# llvm-cov's report for lib/tcp and the proxy app (fuzz_tcp) or the target's own module.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
target=${1:-fuzz_tcp}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- "tests/fuzz/corpus/$target"
build=${SYNQ_FUZZCOV_BUILD:-build-fuzzcov}
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dtests=false -Db_lundef=false \
		-Db_lto=false -Dbuildtype=debug \
		-Dc_args='-fprofile-instr-generate -fcoverage-mapping' \
		-Dc_link_args='-fprofile-instr-generate' >/dev/null
fi
ninja -C "$build" "tests/fuzz/$target" >/dev/null
prof=$(mktemp -d /tmp/synq-fuzzcov.XXXXXX)
# an input that breaks an invariant still counts: fuzz_tcp reports it and goes on
FUZZ_TCP_KEEP_GOING=1 LLVM_PROFILE_FILE="$prof/%p.profraw" "$build/tests/fuzz/$target" -runs=0 \
	-artifact_prefix="$prof/" "$@" 2>"$prof/log" ||
	{ tail -20 "$prof/log" >&2; exit 1; }
grep -E "INITED|DONE" "$prof/log" | tail -1
grep "invariant broken" "$prof/log" | sort | uniq -c || true
llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/merged.profdata"
case $target in
fuzz_tcp) srcs="lib/tcp/|lib/app/builtin_proxy.c" ;;
fuzz_http) srcs="lib/app/http.c" ;;
*) srcs="lib/config/" ;;
esac
# per file of $srcs: functions and lines covered, then their total
llvm-cov report "$build/tests/fuzz/$target" -instr-profile="$prof/merged.profdata" |
	grep -E "^([^ ]*/)?$srcs" | sed -E "s#^([^ ]*/)?($srcs)#\2#" |
	awk '$5 > 0 { f += $5 - $6; F += $5; l += $8 - $9; L += $8;
		printf "%-28s functions %4d/%-4d lines %5d/%-5d %s\n", $1, $5 - $6, $5, $8 - $9, $8, $10 }
		END { printf "%-28s functions %4d/%-4d lines %5d/%-5d %.2f%%\n", "total", f, F, l, L, 100 * l / L }'
rm -rf "$prof"
