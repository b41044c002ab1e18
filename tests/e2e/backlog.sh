#!/usr/bin/env bash
# The seeds' listen-not-accept experiment against synq, with Linux clients: listeners
# with app "hold" never accept, so sequential connects complete until the accept queue
# is full. queue_model linux (two queues, the kernel's len > backlog test) admits
# backlog + 1, for backlog 0..4; bsd (one queue) admits exactly backlog, for 1..4. The
# stats show recv_q and send_q as `ss -lnt` would.
. "$(dirname "$0")/lib.sh"
e2e_setup
here=$(dirname "$0")
listeners=""
for b in 0 1 2 3 4; do listeners="$listeners{\"port\":$((8000 + b)),\"backlog\":$b},"; done
for b in 1 2 3 4; do
	listeners="$listeners{\"port\":$((8100 + b)),\"backlog\":$b,\"queue_model\":\"bsd\"},"
done
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_IPV4"] } ],
	"lcores": [ { "lcore": 1, "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ ${listeners%,} ]
}
JSON
e2e_synq_start --config "$E2E_DIR/synq.json"

declare -A want
for b in 0 1 2 3 4; do want[$((8000 + b))]=$((b + 1)); done
for b in 1 2 3 4; do want[$((8100 + b))]=$b; done
for port in $(printf '%s\n' "${!want[@]}" | sort -n); do
	got=$(ip netns exec "$E2E_NS" python3 "$here/tcpclient.py" until-fail 8 "$SYNQ_IPV4" "$port")
	model=linux; [ "$port" -ge 8100 ] && model=bsd
	e2e_log "$model backlog $((port % 100)): $got connects completed (expected ${want[$port]})"
	[ "$got" = "${want[$port]}" ] || e2e_fail "$model backlog $((port % 100)): $got connects, expected ${want[$port]}"
done

sleep 0.5
python3 - "$E2E_STATS" <<'PY' || e2e_fail "listener stats"
import json, sys
d = json.load(open(sys.argv[1]))
for l in d["listeners"]:
    b = l["send_q"]
    want = b + 1 if l["queue_model"] == "linux" else b
    assert l["port"] % 100 == b, l
    assert l["recv_q"] == want, ("recv_q", l)
c = d["counters"]
assert c["TcpPassiveOpens"] == 15 + 10, c["TcpPassiveOpens"]  # 1+..+5 linux, 1+..+4 bsd
assert c["TcpExtListenOverflows"] >= 5 and c["TcpExtListenDrops"] >= 9, c
print("# listeners: " + ", ".join("%d recv_q %d send_q %d" % (l["port"], l["recv_q"], l["send_q"]) for l in d["listeners"]))
PY
echo /synq/listeners | dpdk-telemetry.py -f "$E2E_PREFIX" >"$E2E_DIR/tel" 2>&1
python3 - "$E2E_DIR/tel" <<'PY' || e2e_fail "telemetry /synq/listeners: $(cat "$E2E_DIR/tel")"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines() if l.startswith("{")]
ls = [d["/synq/listeners"] for d in docs if "/synq/listeners" in d][0]
assert ls["any_8004"]["recv_q"] == 5 and ls["any_8004"]["send_q"] == 4, ls
assert ls["any_8104"]["recv_q"] == 4 and ls["any_8104"]["send_q"] == 4, ls
PY
e2e_log "dpdk-telemetry.py /synq/listeners shows the same recv_q / send_q"
e2e_synq_stop
echo PASS
