#!/usr/bin/env bash
# The metrics app (issue 15): a listener on port 9100 with `"app": "metrics"` and
# `"allow"` the client's addresses (198.18.0.2/32, 2001:2::2/128), beside an http
# listener on port 80 (the same config without "allow" is refused first). From the
# client's namespace:
#   - curl GET /metrics over IPv4 and GET / over IPv6: 200, Content-Type
#     text/plain; version=0.0.4, and `promtool check metrics` passes on the body;
#   - HEAD: 200 and no body; another target: 404; two requests on one connection;
#   - a metric checked against the stats file: five http requests on port 80, then
#     synq_app_http_requests_total summed over lcores equals SynqAppHttpRequests;
#   - 40 scrapes in a row on one connection: all answered, at most one render a
#     second (SynqAppMetricsRenders);
#   - a client that pipelines 20 scrapes and never reads: the metrics listener holds
#     at most about its snd_buf (mem_held), others are answered meanwhile;
#   - a client from an address outside the prefixes (198.18.0.66, 2001:2::66, in the
#     same namespace): its connect is refused by a RST (ECONNREFUSED), and
#     SynqTcpNotAllowed counts it;
#   - when synqctl is built beside synq (app/synqctl, with `metrics`):
#     `synqctl metrics | promtool check metrics` too.
# promtool comes from scripts/promtool.sh (Debian's prometheus unpacked, not installed).
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || { echo "SKIP: needs curl"; exit 77; }
PROMTOOL=$("$(dirname "$0")/../../scripts/promtool.sh") || { echo "SKIP: no promtool"; exit 77; }
OUT_V4=198.18.0.66
OUT_V6=2001:2::66

e2e_setup
nsc() { ip netns exec "$E2E_NS" "$@"; }
nsc ip addr add "$OUT_V4/24" dev "$E2E_PEER"
# deprecated (preferred_lft 0): never the source the kernel picks, only where bound
nsc ip addr add "$OUT_V6/64" dev "$E2E_PEER" nodad preferred_lft 0
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ { "port": 80, "app": "http" },
		{ "port": 9100, "app": "metrics", "allow": ["$PEER_IPV4/32", "$PEER_IPV6/128"] } ]
}
JSON
# without "allow", a metrics listener is refused, naming the key
sed 's/, "allow": \[[^]]*\]//' "$E2E_DIR/synq.json" >"$E2E_DIR/noallow.json"
if "$SYNQ_BIN" --config "$E2E_DIR/noallow.json" --dump-config >"$E2E_DIR/noallow.out" 2>&1 ||
	! grep -q 'listeners\[1\].allow: is missing' "$E2E_DIR/noallow.out"; then
	e2e_fail "a metrics listener without allow: $(cat "$E2E_DIR/noallow.out")"
fi
e2e_log "without allow: $(head -1 "$E2E_DIR/noallow.out")"
e2e_synq_start --duration 90 --config "$E2E_DIR/synq.json"
nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null || nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null ||
	e2e_fail "client cannot ping $SYNQ_IPV4"

CURL=(timeout 20 curl -sS -g --max-time 5)
# scrape NAME URL [curl args...]: GET; status 200, the type of the format, promtool passes.
scrape() {
	local name=$1 url=$2 code
	shift 2
	code=$(nsc "${CURL[@]}" -D "$E2E_DIR/$name.head" -o "$E2E_DIR/$name.txt" \
		-w '%{http_code}' "$@" "$url") || e2e_fail "curl $url failed: $code"
	[ "$code" = 200 ] || e2e_fail "curl $url: status $code"
	grep -qi '^Content-Type: text/plain; version=0.0.4' "$E2E_DIR/$name.head" ||
		e2e_fail "curl $url: $(grep -i '^Content-Type' "$E2E_DIR/$name.head")"
	"$PROMTOOL" check metrics <"$E2E_DIR/$name.txt" >"$E2E_DIR/$name.check" 2>&1 ||
		e2e_fail "promtool check metrics on $url: $(head -20 "$E2E_DIR/$name.check")"
	e2e_log "curl $url: 200, $(wc -c <"$E2E_DIR/$name.txt") bytes," \
		"$(grep -c '^# TYPE' "$E2E_DIR/$name.txt") families, promtool check metrics passes"
}
scrape v4 "http://$SYNQ_IPV4:9100/metrics"
scrape v6 "http://[$SYNQ_IPV6]:9100/"
grep -q '^synq_listener_send_q{listener="\*:9100",app="metrics"} ' "$E2E_DIR/v4.txt" ||
	e2e_fail "no synq_listener_send_q of the metrics listener"
grep -q '^synq_tcp_passive_opens_total{lcore="1",role="both"} [1-9]' "$E2E_DIR/v4.txt" ||
	e2e_fail "no synq_tcp_passive_opens_total of lcore 1"

code=$(nsc "${CURL[@]}" -I -o "$E2E_DIR/head.out" -w '%{http_code}:%{size_download}' \
	"http://$SYNQ_IPV4:9100/metrics") || e2e_fail "curl -I failed"
[ "$code" = 200:0 ] || e2e_fail "HEAD /metrics: $code, expected 200 and no body"
code=$(nsc "${CURL[@]}" -o /dev/null -w '%{http_code}' "http://$SYNQ_IPV4:9100/nope") ||
	e2e_fail "curl /nope failed"
[ "$code" = 404 ] || e2e_fail "GET /nope: $code, expected 404"
got=$(nsc "${CURL[@]}" -o /dev/null -o /dev/null -w '%{http_code}:%{num_connects} ' \
	"http://$SYNQ_IPV4:9100/metrics" "http://$SYNQ_IPV4:9100/metrics") ||
	e2e_fail "two scrapes on one connection failed"
[ "$got" = "200:1 200:0 " ] || e2e_fail "two scrapes on one connection: $got"
e2e_log "HEAD 200 without a body, /nope 404, two scrapes on one connection: $got"

# --- a metric against the stats file --------------------------------------------------
for _ in 1 2 3 4 5; do
	nsc "${CURL[@]}" -o /dev/null "http://$SYNQ_IPV4/" || e2e_fail "curl port 80 failed"
done
sleep 1.5 # the stats file (every 200 ms) and a snapshot (at most 1 s old) both newer
want=$(e2e_counter "$E2E_STATS" SynqAppHttpRequests)
scrape value "http://$SYNQ_IPV4:9100/metrics"
got=$(awk '/^synq_app_http_requests_total\{/ { s += $2 } END { print s + 0 }' "$E2E_DIR/value.txt")
[ "$want" = 5 ] && [ "$got" = "$want" ] ||
	e2e_fail "synq_app_http_requests_total $got, the stats file's SynqAppHttpRequests $want (5 sent)"
e2e_log "synq_app_http_requests_total $got = SynqAppHttpRequests $want"

# --- 40 scrapes in a row: answered from snapshots, at most one render a second --------
sleep 0.5 # the stats file past the last scrape
cp "$E2E_STATS" "$E2E_DIR/burst0.json"
t0=$(date +%s.%N)
args=()
for _ in $(seq 40); do args+=(-o /dev/null "http://$SYNQ_IPV4:9100/metrics"); done
out=$(nsc timeout 60 curl -sS -g --max-time 50 -w '%{http_code}\n' "${args[@]}") ||
	e2e_fail "40 scrapes failed: $out"
t1=$(date +%s.%N)
[ "$(grep -c '^200$' <<<"$out")" = 40 ] || e2e_fail "40 scrapes: $(sort <<<"$out" | uniq -c)"
sleep 0.5
python3 - "$E2E_DIR/burst0.json" "$E2E_STATS" "$t0" "$t1" <<'PY' || e2e_fail "renders"
import json, math, sys
a, b = (json.load(open(p))["counters"] for p in sys.argv[1:3])
d = {k: b[k] - a[k] for k in ("SynqAppMetricsRequests", "SynqAppMetricsRenders")}
secs = float(sys.argv[4]) - float(sys.argv[3])
print("# 40 scrapes in %.2f s: %s" % (secs, d))
sys.exit(0 if d["SynqAppMetricsRequests"] == 40 and
	d["SynqAppMetricsRenders"] <= math.ceil(secs) + 1 else 1)
PY

# --- a client that pipelines 20 scrapes and never reads: bounded by its snd_buf -------
nsc python3 - "$SYNQ_IPV4" >"$E2E_DIR/noread.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel takes little for it
s.connect((sys.argv[1], 9100))
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
time.sleep(6)
s.close()
PY
noread=$!
sleep 3
python3 - "$E2E_STATS" <<'PY' || e2e_fail "a client that does not read holds more than its snd_buf"
import json, sys
d = json.load(open(sys.argv[1]))
held = [l["mem_held"] for l in d["listeners"] if l["port"] == 9100][0]
print("# a client that does not read, 20 scrapes asked: the metrics listener holds %d bytes"
	" (snd_buf 262144)" % held)
# its snd_buf of data in mbufs (truesize), its requests' few segments
sys.exit(0 if held <= 2 * 262144 else 1)
PY
scrape during "http://$SYNQ_IPV4:9100/metrics" # others are still answered
wait "$noread"

# --- a source outside "allow": the port is closed to it -------------------------------
before=$(e2e_counter "$E2E_STATS" SynqTcpNotAllowed)
for src in "$OUT_V4 $SYNQ_IPV4" "$OUT_V6 $SYNQ_IPV6"; do
	set -- $src
	res=$(nsc python3 - "$1" "$2" <<'PY'
import socket, sys
src, dst = sys.argv[1], sys.argv[2]
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(5)
s.bind((src, 0))
try:
    s.connect((dst, 9100))
    print("connected")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error: %s" % e)
PY
)
	[ "$res" = refused ] || e2e_fail "connect from $1 to the metrics listener: $res, expected a RST"
	e2e_log "connect from $1 (outside allow): refused by a RST"
done
sleep 0.5
after=$(e2e_counter "$E2E_STATS" SynqTcpNotAllowed)
[ $((after - before)) -ge 2 ] || e2e_fail "SynqTcpNotAllowed $before -> $after, expected +2"
e2e_log "SynqTcpNotAllowed $before -> $after"
# the allowed client still gets its answer
scrape after "http://$SYNQ_IPV4:9100/metrics"

# --- synqctl metrics, once synqctl has it (issue 15, H1) ------------------------------
SYNQCTL=${SYNQCTL:-$(dirname "$SYNQ_BIN")/../synqctl/synqctl}
if [ -x "$SYNQCTL" ] && "$SYNQCTL" --help 2>&1 | grep -qw metrics; then
	"$SYNQCTL" --file-prefix "$E2E_PREFIX" metrics >"$E2E_DIR/ctl.txt" ||
		e2e_fail "synqctl metrics failed"
	"$PROMTOOL" check metrics <"$E2E_DIR/ctl.txt" >"$E2E_DIR/ctl.check" 2>&1 ||
		e2e_fail "promtool check metrics on synqctl metrics: $(head -20 "$E2E_DIR/ctl.check")"
	e2e_log "synqctl metrics: $(grep -c '^# TYPE' "$E2E_DIR/ctl.txt") families, promtool passes"
else
	e2e_log "synqctl metrics not built here: its check skipped"
fi

e2e_synq_stop
echo "PASS: metrics"
