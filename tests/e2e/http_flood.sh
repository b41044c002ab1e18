#!/usr/bin/env bash
# The http app keeps serving real clients during a SYN flood. As in flood.sh, one lcore
# (here of role "both": worker and applications) polls two ports: the Linux client's
# veth (198.18.0.1) and a second veth (198.19.0.1) to a flooder namespace, where
# hping3 sends spoofed SYNs (--flood --rand-source) at port 80, bounded in time and
# count. With tcp.max_syn_backlog 256 and syncookies 1 the flood fills the listener's
# SYN table and synq answers with cookies. Meanwhile the client runs 200 sequential
# curl requests, each on a new connection, each of which must get the 200 and the
# body, then wrk -t1 -c8 for FLOOD_SECONDS (default 10), which must report no socket
# error and no non-2xx response. Checks: the cookie counters grew (sent, and received
# back from the clients), the SYN table never held more than 256 entries,
# SynqAppHttpRequests grew by what the clients completed (plus at most one in flight
# per wrk connection), no SynqAppHttpErrors, TcpCurrEstab back to 0 after, synq still
# answers ping and http and exits 0 on SIGTERM.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/flooder.sh"
SECS=${FLOOD_SECONDS:-10}
WRK_CONNS=8
CURL_N=200
BODY='Hello from synq
'

for t in hping3 curl wrk; do
	command -v "$t" >/dev/null || { echo "SKIP: needs $t"; exit 77; }
done

flooder_setup

flooder_config "$E2E_DIR/synq.json" both http
# bounded: the flood (at most SECS + 70 s) and the checks around it
e2e_synq_start --stats-interval-ms 100 --duration $((SECS + 120)) --config "$E2E_DIR/synq.json"

flooder_ping_both
sleep 0.3
cp "$E2E_STATS" "$E2E_DIR/before.json"
veth_rx() { ip netns exec "$E2E_SNS" cat "/sys/class/net/$FL_HOST/statistics/rx_packets"; }
veth_rx0=$(veth_rx)

# The flood: bounded in time (the clients' runs and slack) and count. SIGINT makes
# hping3 print its statistics.
ip netns exec "$FL_NS" timeout -s INT $((SECS + 70)) hping3 --flood -S --rand-source -p 80 \
	-c 50000000 "$SYNQ_FL_IPV4" >"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
max_entries=0 samples=0
sample_entries() { # the SYN table gauge, from the latest stats dump
	local v
	v=$(e2e_counter "$E2E_STATS" SynqSynTableEntries 2>/dev/null) || return 0
	samples=$((samples + 1))
	[ "$v" -gt "$max_entries" ] && max_entries=$v
	return 0
}
flood_check() { # the flood must still be on
	kill -0 "$FLOOD_PID" 2>/dev/null || { cat "$E2E_DIR/hping.out"; e2e_fail "hping3 ended $1"; }
}
for _ in $(seq 10); do sample_entries; sleep 0.1; done
flood_check "early"
cp "$E2E_STATS" "$E2E_DIR/flood0.json"

# client_run NAME TIMEOUT CMD...: a client in the client namespace, in the background,
# bounded; sample the SYN table gauge while it runs. Sets client_rc, client_secs.
client_run() {
	local name=$1 limit=$2 t0
	shift 2
	ip netns exec "$E2E_NS" timeout "$limit" "$@" >"$E2E_DIR/$name.out" 2>&1 &
	CLIENT_PID=$!
	t0=$EPOCHREALTIME
	while kill -0 "$CLIENT_PID" 2>/dev/null; do sample_entries; sleep 0.1; done
	wait "$CLIENT_PID"
	client_rc=$?
	CLIENT_PID=""
	client_secs=$(python3 -c "print('%.2f' % ($EPOCHREALTIME - $t0))")
}

# 1. curl, each request a new connection; one line per request: status, bytes, body ok.
printf '%s' "$BODY" >"$E2E_DIR/want.body"
client_run curl 60 bash -c '
	for i in $(seq "$1"); do
		code=$(curl -sS --max-time 5 -o "$3/got.body" -w "%{http_code}" "http://$2/" 2>&1)
		if cmp -s "$3/got.body" "$3/want.body"; then b=ok; else b=bad; fi
		echo "$i $code $b"
		rm -f "$3/got.body"
	done' curl-loop "$CURL_N" "$SYNQ_IPV4" "$E2E_DIR"
flood_check "before the curl loop finished"
good=$(grep -c '^[0-9]* 200 ok$' "$E2E_DIR/curl.out")
e2e_log "curl during the flood: $good/$CURL_N requests answered with 200 and the body, in $client_secs s"
[ "$client_rc" = 0 ] && [ "$good" = "$CURL_N" ] ||
	e2e_fail "curl loop (rc $client_rc): $(grep -v '^[0-9]* 200 ok$' "$E2E_DIR/curl.out" | head -5)"
sleep 0.5
cp "$E2E_STATS" "$E2E_DIR/flood1.json"

# 2. wrk, keep-alive connections opened during the flood.
client_run wrk $((SECS + 30)) wrk -t1 -c$WRK_CONNS -d${SECS}s "http://$SYNQ_IPV4/"
flood_check "before wrk finished"
sed 's/^/#   /' "$E2E_DIR/wrk.out"
[ "$client_rc" = 0 ] || e2e_fail "wrk exited with $client_rc"
! grep -q 'Socket errors' "$E2E_DIR/wrk.out" || e2e_fail "wrk: $(grep 'Socket errors' "$E2E_DIR/wrk.out")"
! grep -q 'Non-2xx' "$E2E_DIR/wrk.out" || e2e_fail "wrk: $(grep 'Non-2xx' "$E2E_DIR/wrk.out")"
wrk_reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$E2E_DIR/wrk.out")
wrk_rps=$(sed -n 's/^Requests\/sec: *//p' "$E2E_DIR/wrk.out")
[ -n "$wrk_reqs" ] && [ "$wrk_reqs" -gt 0 ] || e2e_fail "wrk: no request count in its output"
e2e_log "wrk during the flood: $wrk_reqs requests in $SECS s, $wrk_rps requests/s"

# Stop the flood (only our hping3, through its timeout) and wait for it.
flood_stop INT
sent=$(grep -o '^[0-9]* packets transmitted' "$E2E_DIR/hping.out" | grep -o '^[0-9]*')
e2e_log "hping3: ${sent:-?} packets transmitted; synq's veth received $(($(veth_rx) - veth_rx0)) frames"

# One more sample of the gauge after the flood, once a new dump is written.
sleep 0.5
sample_entries
e2e_log "SynqSynTableEntries: max $max_entries over $samples samples"
cp "$E2E_STATS" "$E2E_DIR/after.json"
[ "$max_entries" -le 256 ] || e2e_fail "SynqSynTableEntries reached $max_entries, max_syn_backlog is 256"

python3 - "$E2E_DIR" "$CURL_N" "$wrk_reqs" "$WRK_CONNS" <<'PY' || e2e_fail "counters: $(cat "$E2E_DIR/after.json")"
import json, sys
dir, curl_n, wrk_reqs, wrk_conns = sys.argv[1], *map(int, sys.argv[2:5])
b, f0, f1, a = (json.load(open("%s/%s.json" % (dir, n))) for n in ("before", "flood0", "flood1", "after"))
def delta(x, y):
    return {k: y["counters"][k] - x["counters"][k] for k in y["counters"]
            if isinstance(y["counters"][k], int) and k in x["counters"]}
def port(d, name):
    return [p for p in d["ports"] if p["name"] == name][0]
d, dc, dw = delta(b, a), delta(f0, f1), delta(f1, a)
ca = a["counters"]
offered = port(a, "net_af_packet1")["ipackets"] - port(b, "net_af_packet1")["ipackets"]
print("# offered on the flood port: %d frames (ipackets), SynqRxFrames +%d, imissed +%d"
      % (offered, d["SynqRxFrames"],
         port(a, "net_af_packet1")["imissed"] - port(b, "net_af_packet1")["imissed"]))
print("# TcpInSegs +%d, TcpOutSegs +%d, TcpExtSyncookiesSent +%d, TcpExtTCPReqQFullDoCookies +%d, "
      "TcpExtSyncookiesRecv +%d, TcpExtSyncookiesFailed +%d, IpInAddrErrors +%d, SynqDropTxFull +%d"
      % (d["TcpInSegs"], d["TcpOutSegs"], d["TcpExtSyncookiesSent"],
         d["TcpExtTCPReqQFullDoCookies"], d["TcpExtSyncookiesRecv"], d["TcpExtSyncookiesFailed"],
         d["IpInAddrErrors"], d["SynqDropTxFull"]))
print("# curl loop: SynqAppHttpRequests +%d, TcpPassiveOpens +%d, SynqConnClosed +%d, "
      "TcpExtSyncookiesRecv +%d" % (dc["SynqAppHttpRequests"], dc["TcpPassiveOpens"],
                                    dc["SynqConnClosed"], dc["TcpExtSyncookiesRecv"]))
print("# wrk (%d requests): SynqAppHttpRequests +%d, TcpPassiveOpens +%d, TcpExtSyncookiesRecv +%d"
      % (wrk_reqs, dw["SynqAppHttpRequests"], dw["TcpPassiveOpens"], dw["TcpExtSyncookiesRecv"]))
app = [l for l in a["lcores"] if l["role"] == "both"][0]["counters"]
assert d["TcpExtSyncookiesSent"] > 0, ("TcpExtSyncookiesSent grew by", d["TcpExtSyncookiesSent"])
# the flood's spoofed sources never answer: the cookies that came back are the clients'
assert d["TcpExtSyncookiesRecv"] > 0, ("TcpExtSyncookiesRecv grew by", d["TcpExtSyncookiesRecv"])
assert ca["TcpExtTCPReqQFullDoCookies"] > 0, ("TcpExtTCPReqQFullDoCookies", ca["TcpExtTCPReqQFullDoCookies"])
assert ca["SynqSynTableEntries"] <= 256, ("SynqSynTableEntries", ca["SynqSynTableEntries"])
# curl: one request per connection, exactly
assert dc["SynqAppHttpRequests"] == curl_n, ("curl loop: SynqAppHttpRequests +", dc["SynqAppHttpRequests"])
assert dc["TcpPassiveOpens"] == curl_n, ("curl loop: TcpPassiveOpens +", dc["TcpPassiveOpens"])
# wrk counts completed responses; at most one request in flight per connection at its end
assert wrk_reqs <= dw["SynqAppHttpRequests"] <= wrk_reqs + wrk_conns, (
    "wrk: SynqAppHttpRequests +", dw["SynqAppHttpRequests"], "wrk", wrk_reqs)
assert ca["SynqAppHttpErrors"] == 0 and app["SynqAppHttpErrors"] == 0, ("SynqAppHttpErrors", ca["SynqAppHttpErrors"])
PY

# The gauge of established connections drains once the clients are gone.
for _ in $(seq 30); do
	estab=$(e2e_counter "$E2E_STATS" TcpCurrEstab)
	[ "$estab" = 0 ] && break
	sleep 0.1
done
[ "$estab" = 0 ] || e2e_fail "TcpCurrEstab still $estab 3 s after the clients finished"

# synq still answers, on both ports.
nsc ping -c 2 -i 0.2 -W 2 "$SYNQ_IPV4" >/dev/null || e2e_fail "no ping reply from $SYNQ_IPV4 after the flood"
nsf ping -c 2 -i 0.2 -W 2 "$SYNQ_FL_IPV4" >/dev/null || e2e_fail "no ping reply from $SYNQ_FL_IPV4 after the flood"
code=$(nsc curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://$SYNQ_IPV4/") && [ "$code" = 200 ] ||
	e2e_fail "curl after the flood: $code"
e2e_log "ping and http answered after the flood"

e2e_synq_stop
echo PASS
