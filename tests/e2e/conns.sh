#!/usr/bin/env bash
# /synq/conns (issue 15 item 1) against Linux clients: 6 IPv4 and 6 IPv6 connections to
# a "hold" listener, each with 100 bytes sent that no application reads, kept open by a
# client in the host's namespace; synq's telemetry socket is read page by page (the
# cursor of each reply's "next") as synqctl ss does: every connection once, ESTAB, the
# addresses and ports the clients see (reversed), recv_q 100, the listener's app, and
# the half-open count. Then the clients close and the listing follows them (TIME-WAIT
# or gone, none ESTAB).
. "$(dirname "$0")/lib.sh"
e2e_setup
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ { "port": 8000, "backlog": 64, "app": "hold" } ]
}
JSON
e2e_synq_start --config "$E2E_DIR/synq.json"

# the clients: connect, send 100 bytes, print their local ports, hold until told
cat >"$E2E_DIR/clients.py" <<'PY'
import socket, sys, time
socks = []
for host, fam in [(sys.argv[1], socket.AF_INET)] * 6 + [(sys.argv[2], socket.AF_INET6)] * 6:
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect((host, 8000))
    s.sendall(b"x" * 100)
    socks.append(s)
print(" ".join("%s,%d" % s.getsockname()[:2] for s in socks), flush=True)
deadline = time.time() + 20
while time.time() < deadline:
    try:
        open(sys.argv[3]).close()
        break
    except OSError:
        time.sleep(0.1)
for s in socks:
    s.close()
PY
ip netns exec "$E2E_NS" timeout 25 python3 "$E2E_DIR/clients.py" "$SYNQ_IPV4" "$SYNQ_IPV6" \
	"$E2E_DIR/close" >"$E2E_DIR/ports" &
clients=$!
for _ in $(seq 50); do [ -s "$E2E_DIR/ports" ] && break; sleep 0.1; done
[ -s "$E2E_DIR/ports" ] || e2e_fail "the clients did not connect"
sleep 0.5 # their data reaches synq and is acknowledged

# list.py PREFIX: every page of /synq/conns over the telemetry socket, as JSON lines
cat >"$E2E_DIR/list.py" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % sys.argv[1])
s.recv(16384)
cursor, pages = 0, 0
while cursor != -1 and pages < 1000:
    s.send(("/synq/conns,%d" % cursor).encode())
    raw = s.recv(65536)
    assert len(raw) <= 16384, len(raw)
    p = json.loads(raw)["/synq/conns"]
    assert "error" not in p, p
    print(json.dumps(p))
    cursor, pages = p["next"], pages + 1
PY
python3 "$E2E_DIR/list.py" "$E2E_PREFIX" >"$E2E_DIR/pages" || e2e_fail "listing: $(cat "$E2E_DIR/pages")"
python3 - "$E2E_DIR/pages" "$E2E_DIR/ports" "$PEER_IPV4" "$PEER_IPV6" "$SYNQ_IPV4" "$SYNQ_IPV6" <<'PY' || e2e_fail "/synq/conns does not show the clients"
import json, sys
pages = [json.loads(l) for l in open(sys.argv[1])]
want = {(a, int(p)) for a, p in (x.rsplit(",", 1) for x in open(sys.argv[2]).read().split())}
peer = {sys.argv[3]: sys.argv[5], sys.argv[4]: sys.argv[6]}
got = []
for p in pages:
    assert p["total"] == 12 and p["syn_recv"] == 0, p
    for k in range(p["count"]):
        got.append(p["c%d" % k])
assert len(got) == 12, got
assert {(c["remote"], c["rport"]) for c in got} == want, (got, want)
for c in got:
    assert c["state"] == "ESTAB" and c["lport"] == 8000 and c["lcore"] == 1, c
    assert c["local"] == peer[c["remote"]], c
    assert c["recv_q"] == 100 and c["send_q"] == 0 and c["app"] == "hold", c
    assert c["mss"] in (1448, 1428) and c["cwnd"] == 10 and c["rcv_wnd"] > 0, c
print("# %d pages, %d connections: %s" % (len(pages), len(got),
      json.dumps(got[0], sort_keys=True)))
PY
touch "$E2E_DIR/close"
wait "$clients"
sleep 0.5
python3 "$E2E_DIR/list.py" "$E2E_PREFIX" >"$E2E_DIR/pages" || e2e_fail "listing after close"
python3 - "$E2E_DIR/pages" <<'PY' || e2e_fail "/synq/conns after the clients closed: $(cat "$E2E_DIR/pages")"
import json, sys
got = [p["c%d" % k] for p in map(json.loads, open(sys.argv[1])) for k in range(p["count"])]
assert not [c for c in got if c["state"] == "ESTAB"], got
print("# after the close: " + ", ".join(sorted({c["state"] for c in got})) if got else "# after the close: none")
PY
e2e_synq_stop
echo PASS
