#!/usr/bin/env bash
# synq's main job, on one machine: keep accepting real connections while a SYN flood
# hits it. Installs what is missing, builds synq, makes three network namespaces (synq;
# a Linux client; a flooder) joined by two veths, runs synq on both (net_af_packet,
# --no-pci --no-huge) with a listener on port 80 whose SYN table holds 256 half-open
# connections, so that the flood forces SYN cookies; then, for 22 s:
#   - legitimate Linux clients connect to port 80 ten times a second each, throughout;
#   - from t=4 s to t=16 s two hping3 SYN floods hit port 80: one from random spoofed
#     sources, one from a single address (198.19.66.6) that the flood forensics find;
#   - every second a line: SYNs, SYN-ACKs, cookies and handshakes a second, and the
#     legitimate clients' connects of that second (completed/failed, p50/max latency);
#   - mid-flood, `synqctl top` once: the counters as rates and the top flooding sources
#     and prefixes;
# and at the end a PNG plot (gnuplot) of the SYN-ACK rate and every legitimate connect's
# latency over time, its path printed. Removes the namespaces, links and processes it made.
#   scripts/demo.sh            (as root; a user with sudo rights: it asks sudo itself)
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "synq: run scripts/demo.sh as root" >&2; exit 1; }
	exec sudo "$0" "$@"
fi
. "$(dirname "$0")/common.sh"
synq_install_deps
synq_build
set +e
. tests/e2e/lib.sh
. tests/e2e/flooder.sh
SECS=22 FLOOD_AT=4 FLOOD_SECS=12
OUT="$SYNQ_ROOT/build/demo"
mkdir -p "$OUT"
HERE="$SYNQ_ROOT/scripts/demo"
SYNQCTL="$SYNQ_ROOT/build/app/synqctl/synqctl"

flooder_setup
FLOOD2_PID=""
demo_cleanup() {
	[ -n "$FLOOD2_PID" ] && kill -INT "$FLOOD2_PID" 2>/dev/null && wait "$FLOOD2_PID" 2>/dev/null
	flood_cleanup
}
trap demo_cleanup EXIT
flooder_config "$E2E_DIR/synq.json" both close
echo "synq: client namespace $E2E_NS ($PEER_IPV4) <-> synq ($SYNQ_IPV4) <-> flooder namespace $FL_NS ($FL_IPV4)"
echo "synq: $SYNQ_BIN --no-pci --no-huge -l 0,1 --file-prefix $E2E_PREFIX --vdev net_af_packet0,... --vdev net_af_packet1,... -- --config $E2E_DIR/synq.json"
e2e_synq_start --stats-interval-ms 250 --duration $((SECS + 3)) --config "$E2E_DIR/synq.json"
flooder_ping_both

export DEMO_T0=$EPOCHREALTIME
nsc python3 "$HERE/clients.py" "$SYNQ_IPV4" 80 "$SECS" "$OUT/clients.csv" 4 0.1 >"$E2E_DIR/clients.out" 2>&1 &
clients=$!
python3 "$HERE/monitor.py" "$E2E_STATS" "$OUT/clients.csv" "$OUT/rates.csv" "$SECS" &
monitor=$!
sleep "$FLOOD_AT"
echo "--- t=${FLOOD_AT}s: hping3 --flood -S --rand-source, and hping3 --flood -S -a 198.19.66.6, at port 80 for ${FLOOD_SECS}s"
nsf timeout -s INT "$FLOOD_SECS" hping3 --flood -S --rand-source -p 80 -c 5000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
nsf timeout -s INT "$FLOOD_SECS" hping3 --flood -S -a 198.19.66.6 -p 80 -c 5000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping2.out" 2>&1 &
FLOOD2_PID=$!
sleep $((FLOOD_SECS / 2))
if [ -x "$SYNQCTL" ]; then
	"$SYNQCTL" --file-prefix "$E2E_PREFIX" top -n 1 >"$OUT/top.txt" 2>&1
	echo "--- mid-flood: synqctl --file-prefix $E2E_PREFIX top -n 1"
	cat "$OUT/top.txt"
	echo "---"
fi
wait "$FLOOD_PID" "$FLOOD2_PID"
FLOOD_PID="" FLOOD2_PID=""
echo "--- t=$((FLOOD_AT + FLOOD_SECS))s: the flood ended"
wait "$clients" "$monitor"
echo "--- legitimate clients: $(cat "$E2E_DIR/clients.out")"
sent=0
for n in $(grep -ho '^[0-9]* packets transmitted' "$E2E_DIR/hping.out" "$E2E_DIR/hping2.out" | cut -d' ' -f1); do
	sent=$((sent + n))
done
echo "--- hping3: $sent SYNs sent"
e2e_synq_stop
python3 - "$E2E_DIR/synq.out" <<'PY'
import json, sys
t = open(sys.argv[1]).read()
c = json.loads(t[t.index("{"):])["counters"]
keys = ["TcpExtSyncookiesSent", "TcpExtSyncookiesRecv", "TcpExtTCPReqQFullDoCookies",
        "TcpPassiveOpens", "SynqConnClosed", "TcpExtListenDrops", "SynqSynTableEntries"]
print("--- synq's counters at the end: " + " ".join("%s=%d" % (k, c[k]) for k in keys if k in c))
PY
gnuplot -e "rates='$OUT/rates.csv'; clients='$OUT/clients.csv'; out='$OUT/flood.png'; f0=$FLOOD_AT; f1=$((FLOOD_AT + FLOOD_SECS))" \
	"$HERE/plot.gp" && echo "synq: plot written to $OUT/flood.png"
