#!/usr/bin/env bash
# Who is flooding (issue 15): a spoofed flood (hping3 --rand-source, about 20k SYNs a
# second) and one real source (the flooder's own address, about 5k a second) at
# port 80, both bounded in time and count; /synq/syn_sources, asked on DPDK
# telemetry's socket as dpdk-telemetry.py does, must list the real source first, its
# /24 first among the prefixes, and count thousands of distinct sources.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/flooder.sh"

command -v hping3 >/dev/null || { echo "SKIP: needs hping3"; exit 77; }

HEAVY_PID=""
heavy_stop() {
	[ -n "$HEAVY_PID" ] || return 0
	kill -INT "$HEAVY_PID" 2>/dev/null
	for _ in $(seq 30); do kill -0 "$HEAVY_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$HEAVY_PID" 2>/dev/null
	wait "$HEAVY_PID" 2>/dev/null
	HEAVY_PID=""
}

flooder_setup
trap 'heavy_stop; flood_cleanup' EXIT

flooder_config "$E2E_DIR/synq.json" worker hold
e2e_synq_start --duration 40 --config "$E2E_DIR/synq.json"
flooder_ping_both

ip netns exec "$FL_NS" timeout -s INT 8 hping3 -S --rand-source -p 80 -i u50 -c 160000 \
	"$SYNQ_FL_IPV4" >"$E2E_DIR/hping-rand.out" 2>&1 &
FLOOD_PID=$!
ip netns exec "$FL_NS" timeout -s INT 8 hping3 -S -p 80 -i u200 -c 40000 \
	"$SYNQ_FL_IPV4" >"$E2E_DIR/hping-one.out" 2>&1 &
HEAVY_PID=$!
# two full windows of the flood
sleep 3.5

python3 - "/var/run/dpdk/$E2E_PREFIX/dpdk_telemetry.v2" "$FL_IPV4" >"$E2E_DIR/sources.out" 2>&1 <<'PY' ||
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(16384)  # the greeting
s.send(b"/synq/syn_sources,5")
r = json.loads(s.recv(16384).decode())["/synq/syn_sources"]
print(json.dumps(r))
one = sys.argv[2]
assert r["syns"] > 1000, ("syns", r["syns"])
assert r["addr"][0] == one, ("top source", r["addr"][:3], "expected", one)
assert r["v4_24"][0] == one.rsplit(".", 1)[0] + ".0/24", ("top /24", r["v4_24"][:3])
assert r["distinct"] > 1000, ("distinct", r["distinct"])
assert len(r["addr"]) == len(r["addr_syns"]) == len(r["addr_rate"]) == len(r["addr_share_ppm"]) <= 5
print("summary: %d SYNs in %d ms, %d distinct; top %s with %d (%.1f %%), error %d, 1 in %d sampled"
      % (r["syns"], r["window_ms"], r["distinct"], r["addr"][0], r["addr_syns"][0],
         r["addr_share_ppm"][0] / 1e4, r["error"], r["sample"]))
PY
	{ cat "$E2E_DIR/sources.out"; e2e_fail "/synq/syn_sources"; }
e2e_log "$(sed -n "s/^summary: //p" "$E2E_DIR/sources.out")"

heavy_stop
flood_stop INT
e2e_synq_stop
echo PASS
