#!/usr/bin/env bash
# A bad config stops the real binary before anything starts: non-zero exit, one line
# on stderr naming the key, the value and what was expected, and no EAL, no port.
. "$(dirname "$0")/lib.sh"
E2E_DIR=$(mktemp -d /tmp/synq-e2e.XXXXXX)
trap 'rm -rf "$E2E_DIR" "/var/run/dpdk/synq-e2e-cfg-$$"' EXIT

expect_refused() { # NAME WANT CONFIG-TEXT (or "" for a missing file)
	local name=$1 want=$2 text=$3 cfg="$E2E_DIR/$1.json" rc
	if [ -n "$text" ]; then printf '%s\n' "$text" >"$cfg"; else cfg="$E2E_DIR/missing.json"; fi
	"$SYNQ_BIN" --no-pci --no-huge -m 64 --file-prefix "synq-e2e-cfg-$$" -l 0 -- \
		--config "$cfg" >"$E2E_DIR/out" 2>"$E2E_DIR/err"
	rc=$?
	[ "$rc" != 0 ] || e2e_fail "$name: exit status 0"
	[ "$(wc -l <"$E2E_DIR/err")" = 1 ] || e2e_fail "$name: expected one line, got: $(cat "$E2E_DIR/err")"
	grep -qF -- "$want" "$E2E_DIR/err" || e2e_fail "$name: message lacks '$want': $(cat "$E2E_DIR/err")"
	if grep -q 'EAL:\|started' "$E2E_DIR/out" "$E2E_DIR/err"; then
		e2e_fail "$name: something started: $(cat "$E2E_DIR/out")"
	fi
	e2e_log "$name: $(cat "$E2E_DIR/err")"
}

L='"lcores":[{"lcore":0,"rx":[{"port":"net_null0"}]}]'
expect_refused unknown-key 'ports[0].rx_queue: unknown key' \
	'{"ports":[{"name":"net_null0","rx_queue":1}],'"$L"'}'
expect_refused wrong-type 'ports[0].rx_queues: "1" is a string, expected an integer' \
	'{"ports":[{"name":"net_null0","rx_queues":"1"}],'"$L"'}'
expect_refused out-of-range 'ports[0].vlan: 5000 is out of range, expected an integer 0..4094' \
	'{"ports":[{"name":"net_null0","vlan":5000}],'"$L"'}'
expect_refused missing-file "cannot open $E2E_DIR/missing.json" ''
expect_refused bad-json 'expected valid JSON' '{"ports": ['

# The cookie secret is never printed: not in an error about it (one digit short),
# not by --dump-config.
secret=7b3f09a1c4d2e8f60a1b2c3d4e5f6071
expect_refused secret-short 'tcp.cookie_secret: is not a secret (a string of 31 characters, not shown)' \
	'{"ports":[{"name":"net_null0"}],'"$L"',"tcp":{"cookie_secret":"'"${secret%?}"'"}}'
grep -q "${secret:0:12}" "$E2E_DIR/err" && e2e_fail "secret-short: the error shows the secret"
printf '{"ports":[{"name":"net_null0"}],%s,"tcp":{"cookie_secret":"%s"}}\n' "$L" "$secret" \
	>"$E2E_DIR/secret.json"
"$SYNQ_BIN" --config "$E2E_DIR/secret.json" --dump-config >"$E2E_DIR/out" 2>&1 ||
	e2e_fail "--dump-config with a secret: $(cat "$E2E_DIR/out")"
grep -q "${secret:0:12}" "$E2E_DIR/out" && e2e_fail "--dump-config shows the secret"
grep -q '"cookie_secret": "<set>"' "$E2E_DIR/out" || e2e_fail "--dump-config: no <set>: $(cat "$E2E_DIR/out")"
e2e_log "the cookie secret is shown neither in errors nor by --dump-config"

# A config that parses but names a device EAL does not have: refused after EAL,
# before any port is configured.
printf '{"ports":[{"name":"net_null9"}],%s}\n' "${L/net_null0/net_null9}" >"$E2E_DIR/nodev.json"
if "$SYNQ_BIN" --no-pci --no-huge -m 64 --file-prefix "synq-e2e-cfg-$$" -l 0 \
	--vdev net_null0 -- --config "$E2E_DIR/nodev.json" >"$E2E_DIR/out" 2>&1; then
	e2e_fail "unknown device: exit status 0"
fi
grep -q 'ports\[0\].name: "net_null9" names no DPDK device' "$E2E_DIR/out" ||
	e2e_fail "unknown device: $(cat "$E2E_DIR/out")"
grep -q 'started' "$E2E_DIR/out" && e2e_fail "unknown device: a port started"
e2e_log "unknown device refused before any port started"

# An lcore EAL does not have: refused before any port is configured.
printf '{"ports":[{"name":"net_null0"}],%s}\n' "${L/\"lcore\":0/\"lcore\":3}" >"$E2E_DIR/lcore.json"
"$SYNQ_BIN" --no-pci --no-huge -m 64 --file-prefix "synq-e2e-cfg-$$" -l 0 --vdev net_null0 -- \
	--config "$E2E_DIR/lcore.json" >"$E2E_DIR/out" 2>&1 && e2e_fail "lcore 3: exit status 0"
grep -q 'lcores\[0\].lcore: 3 is not an EAL lcore' "$E2E_DIR/out" || e2e_fail "lcore 3: $(cat "$E2E_DIR/out")"
grep -q 'started' "$E2E_DIR/out" && e2e_fail "lcore 3: a port started first"
e2e_log "an lcore EAL lacks: refused before any port started"

# Command-line values: a stats file nobody can write, a duration that is not a number.
printf '{"ports":[{"name":"net_null0"}],%s}\n' "$L" >"$E2E_DIR/good.json"
"$SYNQ_BIN" --no-pci --no-huge -m 64 --file-prefix "synq-e2e-cfg-$$" -l 0 --vdev net_null0 -- \
	--config "$E2E_DIR/good.json" --stats-file /nonexistent/dir/s.json >"$E2E_DIR/out" 2>&1 &&
	e2e_fail "unwritable stats file: exit status 0"
grep -q 'stats.file (or --stats-file): "/nonexistent/dir/s.json" cannot be written' "$E2E_DIR/out" ||
	e2e_fail "unwritable stats file: $(cat "$E2E_DIR/out")"
grep -q 'EAL:' "$E2E_DIR/out" && e2e_fail "unwritable stats file: EAL started"
"$SYNQ_BIN" --no-pci --no-huge -m 64 --file-prefix "synq-e2e-cfg-$$" -l 0 --vdev net_null0 -- \
	--config "$E2E_DIR/good.json" --duration nan >"$E2E_DIR/out" 2>&1 && e2e_fail "--duration nan accepted"
grep -q -- '--duration: "nan" is not a number' "$E2E_DIR/out" || e2e_fail "--duration nan: $(cat "$E2E_DIR/out")"
e2e_log "unwritable stats file and --duration nan refused before EAL"

# Our options without "--" and without EAL args: refused, EAL never probes PCI.
"$SYNQ_BIN" --config "$E2E_DIR/nodev.json" >"$E2E_DIR/out" 2>&1 && e2e_fail "no EAL args: exit status 0"
grep -q 'no EAL arguments' "$E2E_DIR/out" || e2e_fail "no EAL args: $(cat "$E2E_DIR/out")"
grep -q 'EAL:' "$E2E_DIR/out" && e2e_fail "no EAL args: EAL started"
"$SYNQ_BIN" --dump-config | python3 -c 'import json,sys; json.load(sys.stdin)' ||
	e2e_fail "--dump-config without EAL args"
e2e_log "no EAL args: refused; --dump-config works without them"

# And the same binary with a good config runs and ends by itself.
timeout 30 "$SYNQ_BIN" --no-pci --no-huge -m 64 --file-prefix "synq-e2e-cfg-$$" -l 0 \
	--vdev net_null0 -- --config "$E2E_DIR/good.json" --duration 0.5 >"$E2E_DIR/out" 2>&1 ||
	e2e_fail "good config did not run: $(cat "$E2E_DIR/out")"
grep -q '"SynqRxFrames"' "$E2E_DIR/out" || e2e_fail "no final stats"
e2e_log "good config on net_null0 (main lcore as worker) ran 0.5 s and dumped stats"
echo PASS
