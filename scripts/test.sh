#!/usr/bin/env bash
# Build synq and run every test: unit (cmocka, no EAL), functional (EAL over rings),
# end-to-end (the real binary, Linux peers in network namespaces; root only), and
# the libFuzzer targets under AddressSanitizer and UBSan (fuzz_tcp SYNQ_FUZZ_SECONDS,
# default 60; fuzz_http and fuzz_config a quarter of that each).
#   scripts/test.sh [meson test args, e.g. --suite unit]     (as root; else it asks sudo)
# With arguments, only the main build's tests run (as meson selects them).
# Ends with "N passed, N failed, N skipped". Under CI=true a skipped test fails the run.
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
	exec sudo "$0" "$@"
fi
. "$(dirname "$0")/common.sh"
synq_install_deps
synq_build

set +e
meson test -C build --print-errorlogs --num-processes 1 "$@"
rc=$?
logs=build/meson-logs/testlog.json
if [ $# = 0 ]; then
	synq_build_fuzz
	meson test -C build-fuzz --print-errorlogs --suite fuzz
	rc=$((rc | $?))
	logs="$logs build-fuzz/meson-logs/testlog.json"
fi
set -e
python3 - "${CI:-}" "$rc" $logs <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
for log in sys.argv[3:]:
    for line in open(log):
        if not line.strip():
            continue
        r = json.loads(line)["result"]
        counts["passed" if r == "OK" else "skipped" if r == "SKIP" else "failed"] += 1
print("{passed} passed, {failed} failed, {skipped} skipped".format(**counts))
bad = counts["failed"] or int(sys.argv[2]) or (sys.argv[1] == "true" and counts["skipped"])
sys.exit(1 if bad or not counts["passed"] else 0)
PY
