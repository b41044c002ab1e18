#!/usr/bin/env bash
# The built-in applications with Linux clients: `reset` aborts every accepted
# connection with a RST (the client's read fails with ECONNRESET), `close` closes it
# with a FIN and acknowledges the client's FIN (the client reads EOF and no socket is
# left in LAST-ACK); `hold` never accepts. An lcore with role "both" runs the
# applications beside its worker duties.
. "$(dirname "$0")/lib.sh"
e2e_setup
here=$(dirname "$0")
client() { ip netns exec "$E2E_NS" python3 "$here/tcpclient.py" "$@"; }
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ { "port": 80, "app": "reset" }, { "port": 81, "app": "close" },
		{ "port": 82, "app": "hold", "backlog": 8 } ]
}
JSON
e2e_synq_start --config "$E2E_DIR/synq.json"

expect_outcome() { # PORT HOST N KEY
	local got
	got=$(client outcome "$3" "$2" "$1")
	e2e_log "port $1 ($2): $got"
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(d.get(sys.argv[2]) != int(sys.argv[3]))' \
		"$got" "$4" "$3" || e2e_fail "port $1: expected $3 × $4, got $got"
}
expect_outcome 80 "$SYNQ_IPV4" 50 reset
expect_outcome 80 "$SYNQ_IPV6" 20 reset
expect_outcome 81 "$SYNQ_IPV4" 50 eof
expect_outcome 81 "$SYNQ_IPV6" 20 eof
expect_outcome 82 "$SYNQ_IPV4" 3 timeout

sleep 0.5
# (held connections are never accepted: their clients' FINs go unanswered until the
# data path, so only the reset and close ports are looked at)
left=$(ip netns exec "$E2E_NS" ss -tanH state last-ack state fin-wait-1 state closing \
	'( dport = :80 or dport = :81 )' | wc -l)
[ "$left" = 0 ] || e2e_fail "$left client sockets still closing: $(ip netns exec "$E2E_NS" ss -tan)"
python3 - "$E2E_STATS" <<'PY' || e2e_fail "counters"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
assert c["TcpPassiveOpens"] == 143, c["TcpPassiveOpens"]
assert c["SynqAppAccepted"] == 140, c["SynqAppAccepted"]
assert c["TcpEstabResets"] == 70 and c["TcpOutRsts"] >= 70, c
assert c["SynqConnClosed"] == 70 and c["SynqConnCloseAborted"] == 0, c
hold = [l for l in d["listeners"] if l["port"] == 82][0]
assert hold["recv_q"] == 3 and hold["send_q"] == 8, hold
app = [l for l in d["lcores"] if l["role"] == "both"][0]["counters"]
assert app["SynqAppAccepted"] == 140, app
print("# resets %d, closes %d, accepted by the app lcore %d" % (
    c["TcpEstabResets"], c["SynqConnClosed"], app["SynqAppAccepted"]))
PY
e2e_synq_stop
echo PASS
