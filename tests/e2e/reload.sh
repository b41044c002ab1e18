#!/usr/bin/env bash
# Live reload and cookie secret rotation (issue 15): synq runs a config file of the
# test's directory with a tcp.cookie_secret_file; clients in the namespace connect and
# transfer without pause (short connections and long-lived ones to the echo app) across
# ten reloads, SIGHUP and /synq/reload in turn (a listener added and used, removed while
# a client is connected to it, a backlog and syncookies retuned, an invalid config, a
# change that needs a restart), and two secret rotations (the file rewritten; a cookie
# made before each completes after it, in the next window): zero client failures
# (tests/e2e/reload.py). Then the counters of reloads done and refused and of
# rotations, and the replies SIGHUP's reloads logged. About 2.5 minutes.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
e2e_setup
here=$(dirname "$0")
echo 00112233445566778899aabbccddeeff >"$E2E_DIR/secret"
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"tcp": { "syncookies": 1, "cookie_secret_file": "$E2E_DIR/secret" },
	"listeners": [ {"port": 7, "app": "echo", "backlog": 128, "syncookies": 2},
		{"port": 8080, "app": "hold", "backlog": 4} ]
}
JSON
e2e_synq_start --config "$E2E_DIR/synq.json"
# the clients' TIME-WAITs (2.5 minutes of short connections): every local port
ip netns exec "$E2E_NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" \
	net.ipv4.tcp_tw_reuse=1
out=$(timeout 280 ip netns exec "$E2E_NS" python3 "$here/reload.py" "$E2E_DIR" "$E2E_PREFIX" \
	"$E2E_SYNQ_PID" "$E2E_PEER" 2>&1)
rc=$?
printf '%s\n' "$out"
sleep 0.5
cp "$E2E_STATS" "$E2E_DIR/end.json"
grep -E "^synq: (reload|cookie|secret)" "$E2E_DIR/synq.err" | sed 's/^/#   /'
[ "$rc" = 0 ] || e2e_fail "clients failed across the reloads (reload.py exited $rc)"
for c in "SynqReloads 8" "SynqReloadsRefused 2" "SynqSecretRotations 2"; do
	set -- $c
	got=$(e2e_counter "$E2E_DIR/end.json" "$1")
	[ "$got" = "$2" ] || e2e_fail "$1 is $got, expected $2"
done
hups=$(grep -c "^synq: reloaded $E2E_DIR/synq.json" "$E2E_DIR/synq.err")
[ "$hups" -ge 8 ] || e2e_fail "$hups reloads logged on stderr, expected 8"
e2e_synq_stop
echo "PASS: reload"
