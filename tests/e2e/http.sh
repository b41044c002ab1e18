#!/usr/bin/env bash
# The http app with Linux clients: curl, wrk and ab against one lcore of role "both"
# (worker and applications) and a listener on port 80 with `"app": "http"`.
# curl: status 200 and the exact body over IPv4 and IPv6, one connection reused for
# two URLs (HTTP/1.1, and HTTP/1.0 only when it asks for keep-alive), a second
# listener's own http_body. Then four load runs of HTTP_SECONDS (default 30) each:
# wrk keep-alive, wrk with `Connection: close`, ab -k, ab without keep-alive. Each
# must report no error, and what it reports must agree with synq's counters, read
# from the stats file before and after the run: SynqAppHttpRequests grew by the
# requests the tool completed (plus at most one in flight per connection when the
# tool stopped), TcpPassiveOpens by about one per connection (keep-alive) or one per
# request (close), SynqConnClosed likewise. SynqAppHttpErrors stays 0 and
# TcpCurrEstab (a gauge) is back to 0 shortly after each run.
. "$(dirname "$0")/lib.sh"

for t in curl wrk ab; do
	command -v "$t" >/dev/null || { echo "SKIP: needs $t"; exit 77; }
done
SECS=${HTTP_SECONDS:-30}
CONNS=16

e2e_setup
BODY2='synq second body, with "quotes" and a newline
'
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC",
		"ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ { "port": 80, "app": "http" },
		{ "port": 8080, "app": "http", "http_body": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$BODY2") } ]
}
JSON
# bounded: the four runs, their checks and some slack
e2e_synq_start --duration $((4 * SECS + 120)) --config "$E2E_DIR/synq.json"

nsc() { ip netns exec "$E2E_NS" "$@"; }
nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null || nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null ||
	e2e_fail "client cannot ping $SYNQ_IPV4"

# --- curl ---------------------------------------------------------------------------
CURL=(timeout 20 curl -sS -g --max-time 5)
# curl_get NAME URL [curl args...]: one GET; checks status 200 and the exact body.
curl_get() {
	local name=$1 url=$2 code want
	shift 2
	code=$(nsc "${CURL[@]}" -o "$E2E_DIR/$name.body" -w '%{http_code}' "$@" "$url") ||
		e2e_fail "curl $url failed: $code"
	[ "$code" = 200 ] || e2e_fail "curl $url: status $code"
	want="$E2E_DIR/want.body"
	case $url in *:8080/*) printf '%s' "$BODY2" >"$want" ;; *) printf 'Hello from synq\n' >"$want" ;; esac
	cmp -s "$want" "$E2E_DIR/$name.body" ||
		e2e_fail "curl $url: body $(od -c "$E2E_DIR/$name.body" | head -5)"
	e2e_log "curl $url $*: 200, $(wc -c <"$E2E_DIR/$name.body") bytes as configured"
}
# curl_conns URL [curl args...]: the URL twice in one curl; prints the num_connects of each.
curl_conns() {
	local url=$1 out
	shift
	out=$(nsc "${CURL[@]}" -o "$E2E_DIR/c1.body" -o "$E2E_DIR/c2.body" \
		-w '%{http_code}:%{num_connects} ' "$@" "$url" "$url") || e2e_fail "curl $url $url failed: $out"
	cmp -s "$E2E_DIR/c1.body" "$E2E_DIR/c2.body" && [ -s "$E2E_DIR/c1.body" ] ||
		e2e_fail "curl $url $url: bodies differ"
	echo "$out"
}
expect_conns() { # WANT URL [curl args...]
	local want=$1 got
	shift
	got=$(curl_conns "$@")
	e2e_log "curl twice $*: (status:connects) $got"
	[ "$got" = "$want" ] || e2e_fail "curl twice $*: expected '$want', got '$got'"
}
cp "$E2E_STATS" "$E2E_DIR/curl0.json"
curl_get v4 "http://$SYNQ_IPV4/"
curl_get v6 "http://[$SYNQ_IPV6]/"
curl_get v4b "http://$SYNQ_IPV4:8080/"
curl_get v6b "http://[$SYNQ_IPV6]:8080/"
curl_get v10 "http://$SYNQ_IPV4/" --http1.0
curl_get post "http://$SYNQ_IPV4/" --data-binary 'a request body'
expect_conns "200:1 200:0 " "http://$SYNQ_IPV4/"
expect_conns "200:1 200:0 " "http://[$SYNQ_IPV6]/"
expect_conns "200:1 200:1 " "http://$SYNQ_IPV4/" -H 'Connection: close'
expect_conns "200:1 200:1 " "http://$SYNQ_IPV4/" --http1.0
expect_conns "200:1 200:0 " "http://$SYNQ_IPV4/" --http1.0 -H 'Connection: keep-alive'
# 6 single requests and 5 pairs: 16 requests on 6 + 7 connections
sleep 0.5
cp "$E2E_STATS" "$E2E_DIR/curl1.json"

# --- counters -----------------------------------------------------------------------
# check_delta NAME BEFORE AFTER KIND REQUESTS CONNS [PROBES]: synq's counters against the
# tool's figures; KIND keepalive, close, or exact (REQUESTS and CONNS are synq's exact
# deltas). PROBES: connections the tool makes without a request (wrk connects once to
# each address it resolved, to test it, before the run).
check_delta() {
	python3 - "$@" <<'PY' || e2e_fail "$1: synq's counters disagree with the client's figures"
import json, sys
name, before, after, kind, reqs, conns = sys.argv[1:7]
reqs, conns = int(reqs), int(conns)
probes = int(sys.argv[7]) if len(sys.argv) > 7 else 0
b, a = (json.load(open(f)) for f in (before, after))
d = {k: a["counters"][k] - b["counters"][k] for k in a["counters"] if k in b["counters"]}
print("# %s: client %d requests on %s; synq SynqAppHttpRequests +%d, TcpPassiveOpens +%d, "
      "SynqConnClosed +%d, TcpEstabResets +%d, SynqAppHttpErrors +%d" % (
      name, reqs, "one connection each" if kind == "close" else "%d connections" % conns,
      d["SynqAppHttpRequests"], d["TcpPassiveOpens"], d["SynqConnClosed"],
      d["TcpEstabResets"], d["SynqAppHttpErrors"]))
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("# %s: MISMATCH: %s" % (name, what))
        ok = False
if kind == "exact":
    check(d["SynqAppHttpRequests"] == reqs, "SynqAppHttpRequests +%d" % d["SynqAppHttpRequests"])
    check(d["TcpPassiveOpens"] == conns, "TcpPassiveOpens +%d" % d["TcpPassiveOpens"])
    check(d["SynqConnClosed"] == conns, "SynqConnClosed +%d" % d["SynqConnClosed"])
    reqs = d["SynqAppHttpRequests"]  # for the checks below
# The tool counts completed responses; a request in flight when it stopped (at most
# one per connection) may have been answered by synq but not counted.
check(reqs <= d["SynqAppHttpRequests"] <= reqs + conns,
      "SynqAppHttpRequests +%d, expected %d..%d" % (d["SynqAppHttpRequests"], reqs, reqs + conns))
check(d["SynqAppHttpErrors"] == 0, "SynqAppHttpErrors +%d" % d["SynqAppHttpErrors"])
if kind == "exact":
    pass
elif kind == "keepalive":
    check(conns <= d["TcpPassiveOpens"] <= conns + probes,
          "TcpPassiveOpens +%d for %d connections" % (d["TcpPassiveOpens"], conns))
else:
    # one connection a request, and one unfinished per connection at the end at most
    check(reqs <= d["TcpPassiveOpens"] <= reqs + conns + probes,
          "TcpPassiveOpens +%d, expected %d..%d" % (d["TcpPassiveOpens"], reqs,
                                                   reqs + conns + probes))
    check(reqs <= d["SynqConnClosed"] <= d["TcpPassiveOpens"],
          "SynqConnClosed +%d, expected %d..%d" % (d["SynqConnClosed"], reqs, d["TcpPassiveOpens"]))
app = [l for l in a["lcores"] if l["role"] == "both"][0]["counters"]
check(app["SynqAppHttpErrors"] == 0, "the lcore's SynqAppHttpErrors is %d" % app["SynqAppHttpErrors"])
sys.exit(0 if ok else 1)
PY
}
# wait_estab_zero NAME: TcpCurrEstab (refreshed by the timers) back to 0 within 3 s.
wait_estab_zero() {
	local v
	for _ in $(seq 30); do
		v=$(e2e_counter "$E2E_STATS" TcpCurrEstab)
		[ "$v" = 0 ] && return 0
		sleep 0.1
	done
	e2e_fail "$1: TcpCurrEstab still $v 3 s after the clients finished"
}
check_delta curl "$E2E_DIR/curl0.json" "$E2E_DIR/curl1.json" exact 16 13
wait_estab_zero curl

# --- wrk and ab ---------------------------------------------------------------------
# run_tool NAME KIND CMD...: the tool in the client namespace, bounded, with stats
# snapshots around it; its output in $E2E_DIR/NAME.out.
run_tool() {
	local name=$1 rc
	shift 2
	cp "$E2E_STATS" "$E2E_DIR/$name.before.json"
	nsc timeout $((SECS + 30)) "$@" >"$E2E_DIR/$name.out" 2>&1
	rc=$?
	sleep 0.5
	cp "$E2E_STATS" "$E2E_DIR/$name.after.json"
	sed 's/^/#   /' "$E2E_DIR/$name.out"
	[ "$rc" = 0 ] || e2e_fail "$name: exited with $rc"
}
# wrk_run NAME KIND [wrk args...]
wrk_run() {
	local name=$1 kind=$2 reqs rps
	shift 2
	run_tool "$name" "$kind" wrk -t1 -c$CONNS -d${SECS}s "$@" "http://$SYNQ_IPV4/"
	! grep -q 'Socket errors' "$E2E_DIR/$name.out" || e2e_fail "$name: $(grep 'Socket errors' "$E2E_DIR/$name.out")"
	! grep -q 'Non-2xx' "$E2E_DIR/$name.out" || e2e_fail "$name: $(grep 'Non-2xx' "$E2E_DIR/$name.out")"
	reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$E2E_DIR/$name.out")
	rps=$(sed -n 's/^Requests\/sec: *//p' "$E2E_DIR/$name.out")
	[ -n "$reqs" ] && [ "$reqs" -gt 0 ] || e2e_fail "$name: no request count in wrk's output"
	e2e_log "$name: $reqs requests in ${SECS} s, $rps requests/s"
	check_delta "$name" "$E2E_DIR/$name.before.json" "$E2E_DIR/$name.after.json" "$kind" "$reqs" "$CONNS" 1
	wait_estab_zero "$name"
}
# ab_run NAME KIND [ab args...]
ab_run() {
	local name=$1 kind=$2 reqs failed rps ka
	shift 2
	run_tool "$name" "$kind" ab -c $CONNS -t "$SECS" -n 10000000 "$@" "http://$SYNQ_IPV4/"
	reqs=$(sed -n 's/^Complete requests: *//p' "$E2E_DIR/$name.out")
	failed=$(sed -n 's/^Failed requests: *//p' "$E2E_DIR/$name.out")
	rps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$E2E_DIR/$name.out")
	[ -n "$reqs" ] && [ "$reqs" -gt 0 ] || e2e_fail "$name: no request count in ab's output"
	[ "$failed" = 0 ] || e2e_fail "$name: Failed requests: $failed"
	! grep -q 'Non-2xx' "$E2E_DIR/$name.out" || e2e_fail "$name: $(grep 'Non-2xx' "$E2E_DIR/$name.out")"
	if [ "$kind" = keepalive ]; then
		ka=$(sed -n 's/^Keep-Alive requests: *//p' "$E2E_DIR/$name.out")
		[ "$ka" = "$reqs" ] || e2e_fail "$name: Keep-Alive requests ${ka:-?} of $reqs"
	fi
	e2e_log "$name: $reqs requests in ${SECS} s, $rps requests/s"
	check_delta "$name" "$E2E_DIR/$name.before.json" "$E2E_DIR/$name.after.json" "$kind" "$reqs" "$CONNS"
	wait_estab_zero "$name"
}
wrk_run wrk-keepalive keepalive
wrk_run wrk-close close -H 'Connection: close'
ab_run ab-keepalive keepalive -k
ab_run ab-close close

# --- after all of it ----------------------------------------------------------------
curl_get last "http://$SYNQ_IPV4/"
sleep 1
python3 - "$E2E_STATS" <<'PY' || e2e_fail "final counters"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
app = [l for l in d["lcores"] if l["role"] == "both"][0]["counters"]
print("# in all: SynqAppHttpRequests %d, SynqAppHttpErrors %d (lcore %d), TcpPassiveOpens %d, "
      "SynqConnClosed %d, TcpEstabResets %d, TcpCurrEstab %d" % (
      c["SynqAppHttpRequests"], c["SynqAppHttpErrors"], app["SynqAppHttpErrors"],
      c["TcpPassiveOpens"], c["SynqConnClosed"], c["TcpEstabResets"], c["TcpCurrEstab"]))
assert c["SynqAppHttpErrors"] == 0 and app["SynqAppHttpErrors"] == 0, c["SynqAppHttpErrors"]
assert c["TcpCurrEstab"] == 0, c["TcpCurrEstab"]
PY
e2e_synq_stop
echo PASS
