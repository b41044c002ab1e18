#!/usr/bin/env bash
# Linux clients complete handshakes with synq over a veth: 500 sequential IPv4, 500
# sequential IPv6 and 200 concurrent connects, first with the SYN table
# (syncookies 1), then with cookies only (syncookies 2); the kernel's own view of a
# connection (ss -ti: mss, window scale, SACK, timestamps) matches what synq offered,
# also in cookie mode with the client's timestamps switched off.
. "$(dirname "$0")/lib.sh"
e2e_setup
here=$(dirname "$0")
client() { ip netns exec "$E2E_NS" python3 "$here/tcpclient.py" "$@"; }

run_mode() { # SYNCOOKIES
	local cookies=$1 got
	cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "rx": [ { "port": "net_af_packet0" } ] } ],
	"tcp": { "syncookies": $cookies, "window_scale": 7 },
	"listeners": [ { "port": 80, "backlog": 4096 } ]
}
JSON
	e2e_synq_start --config "$E2E_DIR/synq.json"
	got=$(client seq 500 "$SYNQ_IPV4" 80)
	[ "$got" = 500 ] || e2e_fail "syncookies $cookies: $got of 500 sequential IPv4 connects"
	got=$(client seq 500 "$SYNQ_IPV6" 80)
	[ "$got" = 500 ] || e2e_fail "syncookies $cookies: $got of 500 sequential IPv6 connects"
	got=$(client conc 200 "$SYNQ_IPV4" 80)
	[ "$got" = 200 ] || e2e_fail "syncookies $cookies: $got of 200 concurrent connects"
	e2e_log "syncookies $cookies: 500 + 500 sequential and 200 concurrent connects completed"

	# What the client's kernel negotiated (TCP_INFO): our MSS 1460 less 12 bytes of timestamps,
	# our window scale 7 (wscale:<ours>,<its>, as ss -ti shows it), SACK, timestamps.
	info=$(client info "$SYNQ_IPV4" 80)
	e2e_log "client's view: $info"
	for want in " ts " " sack " "wscale:7," "mss:1448"; do
		[[ " $info " == *"$want"* ]] || e2e_fail "syncookies $cookies: ss -ti lacks '$want': $info"
	done
	sleep 0.5
	python3 - "$E2E_STATS" "$cookies" <<'PY' || e2e_fail "syncookies $cookies: counters"
import json, sys
c = json.load(open(sys.argv[1]))["counters"]
mode = int(sys.argv[2])
assert c["TcpPassiveOpens"] == 1201, c["TcpPassiveOpens"]
if mode == 2:
    assert c["TcpExtSyncookiesSent"] >= 1201 and c["TcpExtSyncookiesRecv"] == 1201, c
    assert c["SynqSynTableEntries"] == 0, c
else:
    assert c["TcpExtSyncookiesSent"] == 0 and c["TcpExtSyncookiesRecv"] == 0, c
print("# PassiveOpens %d, SyncookiesSent %d, SyncookiesRecv %d, SynDuplicates %d" % (
    c["TcpPassiveOpens"], c["TcpExtSyncookiesSent"], c["TcpExtSyncookiesRecv"],
    c["SynqSynDuplicates"]))
PY
	e2e_synq_stop
}

run_mode 1
run_mode 2

# Cookies without client timestamps: Linux would lose window scale and SACK here;
# synq keeps them in the cookie itself.
ip netns exec "$E2E_NS" sysctl -qw net.ipv4.tcp_timestamps=0
e2e_synq_start --config "$E2E_DIR/synq.json"
info=$(client info "$SYNQ_IPV4" 80)
e2e_log "client's view, cookies, no timestamps: $info"
for want in " sack " "wscale:7," "mss:1460"; do
	[[ " $info " == *"$want"* ]] || e2e_fail "cookie without timestamps: ss -ti lacks '$want': $info"
done
[[ " $info " == *" ts "* ]] && e2e_fail "cookie without timestamps: ts negotiated: $info"
sleep 0.5
[ "$(e2e_counter "$E2E_STATS" TcpExtSyncookiesRecv)" = 1 ] || e2e_fail "no cookie validated"
e2e_synq_stop
echo PASS
