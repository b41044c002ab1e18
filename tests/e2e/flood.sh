#!/usr/bin/env bash
# synq keeps accepting real connections during a SYN flood. One worker polls two ports:
# the Linux client's veth (198.18.0.1) and a second veth (198.19.0.1) to a flooder
# namespace, where hping3 sends spoofed SYNs (--flood --rand-source) at port 80,
# bounded in time and count. With tcp.max_syn_backlog 256 and syncookies 1 the flood
# fills the listener's SYN table and synq falls back to cookies; meanwhile 200
# sequential connects from the client must all complete. Checks: the cookie counters
# grew, the SYN table never held more than 256 entries, synq still answers ping and
# exits 0 on SIGTERM.
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

. "$(dirname "$0")/flooder.sh"

command -v hping3 >/dev/null || { echo "SKIP: needs hping3"; exit 77; }

flooder_setup

flooder_config "$E2E_DIR/synq.json" worker hold
e2e_synq_start --stats-interval-ms 100 --duration 50 --config "$E2E_DIR/synq.json"

flooder_ping_both
sleep 0.3
cp "$E2E_STATS" "$E2E_DIR/before.json"
veth_rx() { ip netns exec "$E2E_SNS" cat "/sys/class/net/$FL_HOST/statistics/rx_packets"; }
veth_rx0=$(veth_rx)

# The flood: bounded in time and count. SIGINT makes hping3 print its statistics.
ip netns exec "$FL_NS" timeout -s INT 8 hping3 --flood -S --rand-source -p 80 -c 2000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
max_entries=0 samples=0
sample_entries() { # the SYN table gauge, from the latest stats dump
	local v
	v=$(e2e_counter "$E2E_STATS" SynqSynTableEntries 2>/dev/null) || return 0
	samples=$((samples + 1))
	[ "$v" -gt "$max_entries" ] && max_entries=$v
	return 0
}
for _ in $(seq 10); do sample_entries; sleep 0.1; done
kill -0 "$FLOOD_PID" 2>/dev/null || { cat "$E2E_DIR/hping.out"; e2e_fail "hping3 exited early"; }

# The legitimate client, while the flood runs; sample the SYN table gauge meanwhile.
ip netns exec "$E2E_NS" timeout 20 python3 "$here/tcpclient.py" seq 200 "$SYNQ_IPV4" 80 >"$E2E_DIR/client.out" 2>&1 &
CLIENT_PID=$!
t0=$EPOCHREALTIME
while kill -0 "$CLIENT_PID" 2>/dev/null; do sample_entries; sleep 0.1; done
wait "$CLIENT_PID"
CLIENT_PID=""
t1=$EPOCHREALTIME
flood_alive=0; kill -0 "$FLOOD_PID" 2>/dev/null && flood_alive=1
got=$(cat "$E2E_DIR/client.out")
e2e_log "legitimate connects during the flood: ${got:-0}/200 in $(python3 -c "print('%.2f' % ($t1 - $t0))") s, success ratio $(python3 -c "print('%.3f' % (int('0${got}') / 200))")"
[ "$flood_alive" = 1 ] || e2e_log "note: the flood ended before the client finished"

# Stop the flood (only our hping3, through its timeout) and wait for it.
flood_stop INT
sent=$(grep -o '^[0-9]* packets transmitted' "$E2E_DIR/hping.out" | grep -o '^[0-9]*')
e2e_log "hping3: ${sent:-?} packets transmitted; synq's veth received $(($(veth_rx) - veth_rx0)) frames"

# One more sample of the gauge after the flood, once a new dump is written.
sleep 0.5
sample_entries
e2e_log "SynqSynTableEntries: max $max_entries over $samples samples"
cp "$E2E_STATS" "$E2E_DIR/after.json"

[ "$got" = 200 ] || e2e_fail "only ${got:-0} of 200 legitimate connects completed during the flood"
[ "$max_entries" -le 256 ] || e2e_fail "SynqSynTableEntries reached $max_entries, max_syn_backlog is 256"

python3 - "$E2E_DIR/before.json" "$E2E_DIR/after.json" <<'PY' || e2e_fail "counters: $(cat "$E2E_DIR/after.json")"
import json, sys
b, a = (json.load(open(f)) for f in sys.argv[1:3])
cb, ca = b["counters"], a["counters"]
def port(d, name):
    return [p for p in d["ports"] if p["name"] == name][0]
d = {k: ca[k] - cb[k] for k in ca if isinstance(ca[k], int) and k in cb}
offered = port(a, "net_af_packet1")["ipackets"] - port(b, "net_af_packet1")["ipackets"]
print("# offered on the flood port: %d frames (ipackets), SynqRxFrames +%d, imissed +%d"
      % (offered, d["SynqRxFrames"],
         port(a, "net_af_packet1")["imissed"] - port(b, "net_af_packet1")["imissed"]))
print("# TcpInSegs +%d, TcpOutSegs (SYN-ACKs) +%d, TcpExtSyncookiesSent +%d, "
      "TcpExtTCPReqQFullDoCookies +%d, TcpExtSyncookiesRecv +%d, TcpPassiveOpens %d, "
      "IpInAddrErrors +%d, SynqDropTxFull +%d"
      % (d["TcpInSegs"], d["TcpOutSegs"], d["TcpExtSyncookiesSent"],
         d["TcpExtTCPReqQFullDoCookies"], d["TcpExtSyncookiesRecv"], ca["TcpPassiveOpens"],
         d["IpInAddrErrors"], d["SynqDropTxFull"]))
assert d["TcpExtSyncookiesSent"] >= 1000, ("TcpExtSyncookiesSent grew by", d["TcpExtSyncookiesSent"])
assert ca["TcpExtTCPReqQFullDoCookies"] > 0, ("TcpExtTCPReqQFullDoCookies", ca["TcpExtTCPReqQFullDoCookies"])
assert ca["TcpPassiveOpens"] >= 200, ("TcpPassiveOpens", ca["TcpPassiveOpens"])
assert ca["SynqSynTableEntries"] <= 256, ("SynqSynTableEntries", ca["SynqSynTableEntries"])
# every SYN counted once, answered or not; every SYN-ACK, with a cookie or from the SYN
# table (the flood's first 256 SYNs fill it)
assert d["SynqSynRecv"] >= d["TcpExtSyncookiesSent"] and d["SynqSynRecv"] <= d["TcpInSegs"], \
    ("SynqSynRecv", d["SynqSynRecv"], "cookies", d["TcpExtSyncookiesSent"], "TcpInSegs", d["TcpInSegs"])
assert d["SynqSynAcksSent"] > d["TcpExtSyncookiesSent"] and \
    d["SynqSynAcksSent"] <= d["TcpOutSegs"], \
    ("SynqSynAcksSent", d["SynqSynAcksSent"], "cookies", d["TcpExtSyncookiesSent"],
     "TcpOutSegs", d["TcpOutSegs"])
PY

# synq still answers, on both ports.
nsc ping -c 2 -i 0.2 -W 2 "$SYNQ_IPV4" >/dev/null || e2e_fail "no ping reply from $SYNQ_IPV4 after the flood"
nsf ping -c 2 -i 0.2 -W 2 "$SYNQ_FL_IPV4" >/dev/null || e2e_fail "no ping reply from $SYNQ_FL_IPV4 after the flood"
e2e_log "ping answered on both ports after the flood"

e2e_synq_stop
echo PASS
