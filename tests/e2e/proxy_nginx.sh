#!/usr/bin/env bash
# The proxy app in front of Debian's nginx (issue 13, item 5's end-to-end test).
# Namespaces: the clients (lib.sh's), synq's, the backends (two nginx instances, one
# process each, started here with their own config and stopped by PID: never the
# system's nginx service) and a bridge for the one-arm shape. Each nginx listens with
# `proxy_protocol` and logs `$proxy_protocol_addr`, `$remote_addr` (set by
# `real_ip_header proxy_protocol` from synq's addresses) and `$realip_remote_addr`
# (synq's own), its connection number and status. Backend A has weight 3, B weight 1.
#
# Health checks on every listener (interval 1500 ms, timeout 1200, fall 2, rise 2):
# both nginx stay up through every shape but (a)'s kill, and synq logs no state change
# but B's there. Each shape's split is read twice: nginx's logs and synq's per-backend
# statistics (the stats file's listeners[].backends), which must agree exactly.
#
# (b) one arm first: synq's one port on a bridge with the clients (198.18.2.2) and the
#     backends (198.18.2.3, .4); a worker lcore (1) and an application lcore (0);
#     PROXY v2. curl gets nginx's page; ab with a connection per request, ab -k and
#     wrk (keep-alive) end with zero errors and no non-2xx answer; every log line
#     names the client's address (PROXY header and real_ip) and synq's as the peer;
#     the connections split 3:1 (below), and each backend's `connections` and
#     `connected` grew by the connections its nginx logged.
# (c) two workers: clients on synq's port 0, backends on port 1 (the addresses of
#     (a)); lcore 0 a worker polling port 0 only, lcore 1 of role "both" polling
#     port 1: the worker choice (lib/app/proxy_worker.c) puts every backend connection
#     and health check on lcore 1 (its TcpActiveOpens, none on lcore 0, whose
#     TcpPassiveOpens are the clients'); the same checks as (b), PROXY v1.
# (a) two arms: clients on synq's port 0 (198.18.0.1), backends on port 1 (198.18.1.1),
#     one lcore of role "both" polling the two; PROXY v1. The same checks, an IPv6
#     client (2001:2::2, a listener on 2001:2::1 too) whose address nginx logs, then:
#     - a SYN flood (hping3, spoofed sources, bounded in count and time) at synq's
#       front while wrk runs: zero wrk errors, synq answered with cookies, and the
#       backends' namespace saw exactly the connections synq opened: its kernel's
#       PassiveOpens grew by SynqProxyConnects (all of which connected) plus the
#       health checks that connected (the backends' checks_ok), the SYNs an nftables
#       counter saw there by synq's TcpActiveOpens + SynqTcpConnectSynRetrans +
#       SynqTcpConnectSynQuick (the SYN sent again at once after our RST to the ACK of a
#       TIME-WAIT the backend's kernel holds), and
#       the connections in nginx's logs (less wrk's probe and the connections it
#       opened at its end with no request yet, one each at most): no flood SYN
#       reached a backend;
#     - B's nginx killed (SIGKILL, by PID) while ab runs: at most the requests in
#       flight at that moment fail (one a connection); synq logs B down once for each
#       listener (A never), the stats file and /synq/backends (dpdk-telemetry.py)
#       say "down"; after it, ab, ab -k and wrk run with zero errors, every request in
#       A's log, none in B's, B's `connections` unchanged: no try to B, no failover
#       (SynqProxyFailovers), no client reset (SynqProxyNoBackend);
#     - B's nginx started again: B is logged up once for each listener, "up" in the
#       stats and telemetry, and ab's connections split 3:1 again (logs and stats).
# Weights: the round robin is smooth and weighted, deterministic on one application
# lcore: with weights 3 and 1 it picks A A B A, again and again (a backend down takes
# no turn and keeps its place: back up, the sequence goes on where it stopped). Any N
# consecutive connections then give A between 3N/4 - 1 and 3N/4 + 1; nothing else
# opens client connections here (the health checks are not in nginx's access logs nor
# in `connections`), so the split of ab's N (one connection a request) must be exact
# within 2 (1 of rounding, 1 of slack); a broken weight (1:1, 2:1) misses by N/12 at
# least.
# Bounded: about 2 minutes on the test machine; synq runs --duration, each client and
# nginx under timeout(1); the EXIT trap stops what was started here by PID and removes
# the namespaces (with their links). PROXY_SECONDS (default 5) is wrk's run time.
. "$(dirname "$0")/lib.sh"

for t in nginx curl wrk ab hping3 nft; do
	command -v "$t" >/dev/null || { echo "SKIP: needs $t"; exit 77; }
done
SECS=${PROXY_SECONDS:-5}
CONNS=8
N_AB=4000
N_AFTER=800

BK_NS="synq-e2e-bk-$E2E_ID"  # the backends
BR_NS="synq-e2e-br-$E2E_ID"  # the one-arm link's bridge
BK_HOST="sqbh$E2E_ID"        # (a) synq's end towards the backends
BK_PEER="sqbp$E2E_ID"        # (a) the backends' end
ONE_HOST="sqoh$E2E_ID"       # (b) synq's end of the shared link
# (a) two arms
SYNQ_BK_IPV4=198.18.1.1
BK_A=198.18.1.2
BK_B=198.18.1.3
# (b) one arm
SYNQ_ONE_IPV4=198.18.2.1
CLI_ONE=198.18.2.2
BK_A1=198.18.2.3
BK_B1=198.18.2.4

NGINX_A="" NGINX_B="" FLOOD_PID=""
px_cleanup() {
	local p
	[ -n "$FLOOD_PID" ] && kill -KILL "$FLOOD_PID" 2>/dev/null
	for p in a b; do
		[ -f "$E2E_DIR/nginx-$p/nginx.pid" ] && kill -KILL "$(cat "$E2E_DIR/nginx-$p/nginx.pid")" 2>/dev/null
	done
	for p in $NGINX_A $NGINX_B; do kill -KILL "$p" 2>/dev/null; done
	# PROXY_KEEP=DIR keeps the run's files (stats snapshots, logs, tools' output)
	[ -n "${PROXY_KEEP:-}" ] && [ -n "$E2E_DIR" ] && cp -r "$E2E_DIR" "$PROXY_KEEP"
	e2e_netns_del "$BK_NS"
	e2e_netns_del "$BR_NS"
	e2e_cleanup
}

nsc() { ip netns exec "$E2E_NS" "$@"; }
nsb() { ip netns exec "$BK_NS" "$@"; }

# --- the namespaces and links ---------------------------------------------------------
e2e_setup
trap px_cleanup EXIT
ip netns add "$BK_NS" || e2e_fail "ip netns add"
ip netns add "$BR_NS" || e2e_fail "ip netns add"
# kernel_end NS DEV ADDR...: a Linux end of a link, its addresses (/24), full checksums
kernel_end() {
	local ns=$1 dev=$2 a
	shift 2
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	for a in "$@"; do ip netns exec "$ns" ip addr add "$a/24" dev "$dev"; done
	ip netns exec "$ns" ip link set "$dev" up
	# Kernel frames with partial checksums look corrupt to a userspace stack.
	ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null 2>&1 || true
}
# synq_end DEV: synq's end of a link: no kernel address, no IPv6
synq_end() {
	ip netns exec "$E2E_SNS" sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1"
	ip netns exec "$E2E_SNS" ip link set "$1" up
}
# (a): the backends' arm
ip link add "$BK_HOST" netns "$E2E_SNS" type veth peer name "$BK_PEER" netns "$BK_NS" ||
	e2e_fail "ip link add veth (backends)"
synq_end "$BK_HOST"
ip netns exec "$BK_NS" ip link set lo up
kernel_end "$BK_NS" "$BK_PEER" "$BK_A" "$BK_B"
# (b): a bridge joining synq's one port, the clients and the backends
ip netns exec "$BR_NS" ip link add br0 type bridge || e2e_fail "ip link add bridge"
ip netns exec "$BR_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.ip_forward=0
ip link add "$ONE_HOST" netns "$E2E_SNS" type veth peer name br-s netns "$BR_NS" &&
	ip link add sqoc netns "$E2E_NS" type veth peer name br-c netns "$BR_NS" &&
	ip link add sqob netns "$BK_NS" type veth peer name br-b netns "$BR_NS" ||
	e2e_fail "ip link add veth (bridge)"
for p in br-s br-c br-b; do
	ip netns exec "$BR_NS" ip link set "$p" master br0 up
done
ip netns exec "$BR_NS" ip link set br0 up
synq_end "$ONE_HOST"
kernel_end "$E2E_NS" sqoc "$CLI_ONE"
kernel_end "$BK_NS" sqob "$BK_A1" "$BK_B1"

# --- nginx ------------------------------------------------------------------------------
# nginx_start NAME ADDR...: one nginx process (no master, no user switch: it runs as
# the test's user) listening on ADDR:80 with the PROXY protocol, its page "backend
# NAME", its logs and pid file in its own directory. Bounded by timeout(1); its own
# PID (the pid file) is what the test kills.
nginx_start() {
	local name=$1 d=$E2E_DIR/nginx-$1 a listen=""
	shift
	mkdir -p "$d/html"
	printf 'synq e2e: backend %s\n' "$name" >"$d/html/index.html"
	for a in "$@"; do listen="$listen		listen $a:80 proxy_protocol backlog=4096;
"; done
	cat >"$d/nginx.conf" <<CONF
daemon off;
master_process off;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 4096; }
http {
	log_format px '\$proxy_protocol_addr \$remote_addr \$realip_remote_addr \$connection \$status';
	access_log $d/access.log px;
	client_body_temp_path $d;
	proxy_temp_path $d;
	fastcgi_temp_path $d;
	uwsgi_temp_path $d;
	scgi_temp_path $d;
	server {
$listen
		# what docs/proxy.md tells: the client's address from synq's PROXY header
		set_real_ip_from $SYNQ_BK_IPV4;
		set_real_ip_from $SYNQ_ONE_IPV4;
		real_ip_header proxy_protocol;
		root $d/html;
	}
}
CONF
	: >"$d/access.log"
	rm -f "$d/nginx.pid"
	ip netns exec "$BK_NS" timeout 600 nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" &
	eval "NGINX_${name^^}=\$!"
	disown $! # no job notice when it is killed
	for _ in $(seq 50); do [ -s "$d/nginx.pid" ] && return 0; sleep 0.1; done
	cat "$d/error.log" >&2
	e2e_fail "nginx $name did not start"
}
nginx_start a "$BK_A" "$BK_A1"
nginx_start b "$BK_B" "$BK_B1"
PAGE_A=$(cat "$E2E_DIR/nginx-a/html/index.html")
PAGE_B=$(cat "$E2E_DIR/nginx-b/html/index.html")
log_lines() { wc -l <"$E2E_DIR/nginx-$1/access.log"; }

# --- synq ---------------------------------------------------------------------------------
# px_synq_start CONFIG IFACE...: synq on one af_packet port per interface (in order:
# net_af_packet0, 1, ...), lcores 0 and 1, bounded; waits for its first stats file.
px_synq_start() {
	local conf=$1 i=0 vdevs=() ifc
	shift
	for ifc in "$@"; do
		vdevs+=(--vdev "net_af_packet$i,iface=$ifc")
		i=$((i + 1))
	done
	E2E_STATS="$E2E_DIR/stats.json"
	rm -f "$E2E_STATS"
	ip netns exec "$E2E_SNS" "$SYNQ_BIN" --no-pci --no-huge -m 256 --file-prefix "$E2E_PREFIX" \
		-l 0,1 "${vdevs[@]}" -- --stats-file "$E2E_STATS" --stats-interval-ms 200 \
		--duration 150 --config "$conf" >"$E2E_DIR/synq.out" 2>"$E2E_DIR/synq.err" &
	E2E_SYNQ_PID=$!
	for _ in $(seq 100); do
		[ -s "$E2E_STATS" ] && return 0
		kill -0 "$E2E_SYNQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$E2E_DIR/synq.err" >&2
	e2e_fail "synq did not start"
}
# The health checks of every listener: B's nginx killed is down within fall x
# interval_ms (+ a timeout_ms), back within rise x interval_ms. timeout_ms is above
# 1 s so that a check survives one SYN sent again (synq's first retransmission is at
# 1 s): with 300 ms, under the connection-a-request load after the kill a fifth of A's
# checks timed out and A went down (3 in a row) in one run of two, for this: synq's
# connects to A now and then take, tens of microseconds after, the 4-tuple of a
# connection that just ended with A's kernel in TIME-WAIT (A closed first), with an ISN
# behind that connection's last sequence number and the same TSval (the same
# millisecond); A's kernel answers with an ACK, synq resets and sends its SYN again
# 1 s later (SynqTcpConnectBadSynAck, SynqTcpConnectSynRetrans: +132, +112 while
# after-ab's 800 requests took 14 s): the local port walk's start grows by one a
# connect, not past the ports it probed (docs/proxy.md, "Limits").
HC_INTERVAL=1500
HEALTH_CHECK=', "health_check": { "interval_ms": '$HC_INTERVAL', "timeout_ms": 1200, "rise": 2, "fall": 2 }'
# listener ADDR PP BACKEND_A BACKEND_B [ADDR2]: the proxy listener on ADDR:80, PROXY
# vPP, A weight 3, B weight 1; the same on ADDR2:80 too when given
listener() {
	local a sep="" addrs=("$1")
	[ $# -gt 4 ] && addrs+=("$5")
	printf '\t"listeners": [ '
	for a in "${addrs[@]}"; do
		printf '%s' "$sep"
		cat <<JSON
{ "address": "$a", "port": 80, "app": "proxy", "backlog": 4096,
		"proxy_protocol": $2, "balance": "round_robin", "connect_timeout_ms": 2000,
		"backends": [ { "address": "$3", "port": 80, "weight": 3 },
			{ "address": "$4", "port": 80, "weight": 1 } ]$HEALTH_CHECK }
JSON
		sep=", "
	done
	printf '\t]\n'
}

# --- the clients ------------------------------------------------------------------------
# curl_page URL: one GET through synq, status 200 and one of nginx's pages.
curl_page() {
	local code body
	code=$(nsc timeout 20 curl -sS -g --max-time 5 -o "$E2E_DIR/curl.body" -w '%{http_code}' "$1") ||
		e2e_fail "curl $1 failed: $code"
	body=$(cat "$E2E_DIR/curl.body")
	[ "$code" = 200 ] || e2e_fail "curl $1: status $code"
	[ "$body" = "$PAGE_A" ] || [ "$body" = "$PAGE_B" ] || e2e_fail "curl $1: body '$body'"
	e2e_log "curl $1: 200, '$body'"
}
# ab_run NAME MAXFAIL URL [ab args...]: ab in the client namespace; fails past MAXFAIL
# failed requests or on any non-2xx. Sets AB_REQS (completed), AB_FAILED.
ab_run() {
	local name=$1 maxfail=$2 url=$3 rps
	shift 3
	nsc timeout 120 ab -c $CONNS "$@" "$url" >"$E2E_DIR/$name.out" 2>&1
	AB_REQS=$(sed -n 's/^Complete requests: *//p' "$E2E_DIR/$name.out")
	AB_FAILED=$(sed -n 's/^Failed requests: *//p' "$E2E_DIR/$name.out")
	rps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$E2E_DIR/$name.out")
	[ -n "$AB_REQS" ] && [ "$AB_REQS" -gt 0 ] || {
		sed 's/^/#   /' "$E2E_DIR/$name.out"
		e2e_fail "$name: no request count in ab's output"
	}
	e2e_log "$name: $AB_REQS requests, $AB_FAILED failed, $rps requests/s"
	[ "$AB_FAILED" -le "$maxfail" ] || {
		sed 's/^/#   /' "$E2E_DIR/$name.out"
		e2e_fail "$name: Failed requests: $AB_FAILED (at most $maxfail expected)"
	}
	! grep -q 'Non-2xx' "$E2E_DIR/$name.out" || e2e_fail "$name: $(grep 'Non-2xx' "$E2E_DIR/$name.out")"
}
# wrk_run NAME URL: wrk keep-alive for SECS; zero socket errors, zero non-2xx.
# Sets WRK_REQS.
wrk_run() {
	local name=$1 url=$2
	nsc timeout $((SECS + 30)) wrk -t1 -c$CONNS -d${SECS}s "$url" >"$E2E_DIR/$name.out" 2>&1 ||
		e2e_fail "$name: wrk exited with $?"
	WRK_REQS=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$E2E_DIR/$name.out")
	[ -n "$WRK_REQS" ] && [ "$WRK_REQS" -gt 0 ] || e2e_fail "$name: no request count in wrk's output"
	! grep -q -E 'Socket errors|Non-2xx' "$E2E_DIR/$name.out" || {
		sed 's/^/#   /' "$E2E_DIR/$name.out"
		e2e_fail "$name: $(grep -E 'Socket errors|Non-2xx' "$E2E_DIR/$name.out" | tr '\n' ' ')"
	}
	e2e_log "$name: $WRK_REQS requests in $SECS s, $(sed -n 's/^Requests\/sec: *//p' "$E2E_DIR/$name.out") requests/s, no error"
}
# logs_check NAME FROM_A FROM_B CLIENT SYNQ: nginx's log lines after line FROM_A of A's
# and FROM_B of B's: each a 200 whose PROXY header and $remote_addr name CLIENT and
# whose peer ($realip_remote_addr) is SYNQ. Prints "LINES_A LINES_B CONNS_A CONNS_B"
# (the connections: distinct $connection numbers).
logs_check() {
	python3 - "$E2E_DIR" "$@" <<'PY' || e2e_fail "$2: nginx's logs"
import sys
d, name, fa, fb, client, synq = sys.argv[1:7]
out = []
for b, start in (("a", int(fa)), ("b", int(fb))):
    lines = open("%s/nginx-%s/access.log" % (d, b)).read().splitlines()[start:]
    conns = set()
    for l in lines:
        f = l.split()
        if len(f) != 5 or f[0] != client or f[1] != client or f[2] != synq or f[4] != "200":
            print("# %s: backend %s logged '%s', expected '%s %s %s <n> 200'" % (
                name, b.upper(), l, client, client, synq))
            sys.exit(1)
        conns.add(f[3])
    out += [len(lines), len(conns)]
print(out[0], out[2], out[1], out[3])
PY
}
# split_check NAME N LINES_A LINES_B: A took 3/4 of N connections within 2, B the rest.
split_check() {
	local name=$1 n=$2 a=$3 b=$4
	[ $((a + b)) = "$n" ] || e2e_fail "$name: nginx logged $a + $b requests, expected $n"
	[ $((4 * a - 3 * n)) -le 8 ] && [ $((3 * n - 4 * a)) -le 8 ] ||
		e2e_fail "$name: A took $a and B $b of $n, expected 3:1 ($((3 * n / 4)) +- 2 to A)"
	e2e_log "$name: A $a, B $b of $n connections (weights 3:1)"
}
# counter_delta BEFORE AFTER NAME
counter_delta() {
	python3 -c 'import json,sys
a, b = (json.load(open(f))["counters"] for f in sys.argv[1:3])
print(b[sys.argv[3]] - a[sys.argv[3]])' "$@"
}
snap() { sleep 0.6; cp "$E2E_STATS" "$E2E_DIR/$1.json"; }
# be_check NAME SNAP0 SNAP1 ADDR_A ADDR_B LINES_A LINES_B CONNS_A CONNS_B SLACK: listener
# 0's per-backend statistics between two snapshots agree with nginx's logs: each
# backend's `connections` grew by the connections its nginx logged, up to SLACK more
# in all (a client's connection that sent nothing: ab opens up to -c of them at its
# end, wrk its probe), all of them `connected`, none failed, their sum the clients
# synq accepted (TcpPassiveOpens); and, with SLACK 0 for the requests (each tool's
# requests all of a size), each backend's `bytes_to` that size times the requests its
# nginx logged, exactly (wrk: within the requests in flight at its end)
be_check() {
	python3 - "$E2E_DIR/$2.json" "$E2E_DIR/$3.json" "$@" <<'PY' || e2e_fail "$1: per-backend statistics"
import json, sys
f0, f1, name, _, _, ba, bb = sys.argv[1:8]
la, lb, ca, cb, slack = (int(x) for x in sys.argv[8:13])
docs = [json.load(open(f)) for f in (f0, f1)]
b0, b1 = ({b["address"]: b for b in d["listeners"][0]["backends"]} for d in docs)
clients = docs[1]["counters"]["TcpPassiveOpens"] - docs[0]["counters"]["TcpPassiveOpens"]
d = {a: {k: b1[a][k] - b0[a][k] for k in ("connections", "connected", "connect_failed",
                                          "bytes_to")} for a in (ba, bb)}
size = (d[ba]["bytes_to"] + d[bb]["bytes_to"]) // max(la + lb, 1)
print("# %s: per-backend connections %s %d, %s %d (nginx %d, %d); bytes_to %d, %d "
      "(%d a request); %d clients accepted" % (name, ba, d[ba]["connections"], bb,
      d[bb]["connections"], ca, cb, d[ba]["bytes_to"], d[bb]["bytes_to"], size, clients))
ok = d[ba]["connections"] + d[bb]["connections"] == clients
ok &= ca + cb <= clients <= ca + cb + slack
for a, lines, conns in ((ba, la, ca), (bb, lb, cb)):
    ok &= conns <= d[a]["connections"] <= conns + slack
    ok &= d[a]["connected"] == d[a]["connections"] and d[a]["connect_failed"] == 0
    ok &= b1[a]["state"] == "up"
    if name.endswith("-wrk"):
        ok &= 0 <= d[a]["bytes_to"] - size * lines <= size * slack
    else:
        ok &= d[a]["bytes_to"] == size * lines
sys.exit(0 if ok else 1)
PY
}
# be_value FILE LISTENER ADDR KEY: a backend's KEY in a stats document
be_value() {
	python3 -c 'import json,sys
l = json.load(open(sys.argv[1]))["listeners"][int(sys.argv[2])]
print([b for b in l["backends"] if b["address"] == sys.argv[3]][0][sys.argv[4]])' "$@"
}
# be_wait STATE ADDR LISTENER...: wait (10 s at most) until backend ADDR is STATE in
# each LISTENER's backends of the stats file, then in /synq/backends (dpdk-telemetry.py)
be_wait() {
	local state=$1 addr=$2 li ok
	shift 2
	for _ in $(seq 100); do
		ok=1
		for li in "$@"; do
			[ "$(be_value "$E2E_STATS" "$li" "$addr" state 2>/dev/null)" = "$state" ] || ok=0
		done
		[ $ok = 1 ] && break
		sleep 0.1
	done
	[ $ok = 1 ] || e2e_fail "backend $addr not $state in the stats file after 10 s"
	echo /synq/backends | dpdk-telemetry.py -f "$E2E_PREFIX" >"$E2E_DIR/tel-$state" 2>&1
	python3 - "$E2E_DIR/tel-$state" "$state" "${addr//./_}_80" "$#" <<'PY' ||
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines() if l.startswith("{")]
bs = [d["/synq/backends"] for d in docs if "/synq/backends" in d][0]
mine = [v["state"] for k, v in bs.items() if k.endswith("/" + sys.argv[3])]
sys.exit(0 if len(mine) == int(sys.argv[4]) and all(s == sys.argv[2] for s in mine) else 1)
PY
		e2e_fail "telemetry /synq/backends: $addr not $state: $(cat "$E2E_DIR/tel-$state")"
	e2e_log "backend $addr $state in the stats file and /synq/backends"
}
# state_changes: synq's log lines of backends going down or up, one a line
state_changes() {
	cat "$E2E_DIR/synq.out" "$E2E_DIR/synq.err" | grep -E 'proxy: backend .* is (down|up)'
}
# no_state_change NAME: synq has logged no backend going down or up
no_state_change() {
	! state_changes >/dev/null || e2e_fail "$1: $(state_changes | tr '\n' ' ')"
}
# resets_check NAME SNAP0 SNAP1 MAX: no client reset for want of a backend, no connect
# failed, at most MAX RSTs carried across between the two snapshots
resets_check() {
	local c v
	for c in SynqProxyNoBackend SynqProxyConnectFailed SynqProxyResetsCarried; do
		v=$(counter_delta "$E2E_DIR/$2.json" "$E2E_DIR/$3.json" $c)
		[ "$c" = SynqProxyResetsCarried ] && [ "$v" -le "$4" ] && continue
		[ "$v" = 0 ] || e2e_fail "$1: $c +$v"
	done
}

# shape_common NAME URL CLIENT SYNQ ADDR_A ADDR_B: curl, then ab (a connection a
# request) with the 3:1 split and the logged addresses, ab -k, wrk keep-alive; none may
# fail; listener 0's per-backend statistics agree with nginx's logs each time.
shape_common() {
	local name=$1 url=$2 client=$3 synq=$4 ba=$5 bb=$6 fa fb r
	snap "$name-0"
	curl_page "$url"
	curl_page "$url"
	snap "$name-ab0"
	fa=$(log_lines a) fb=$(log_lines b)
	ab_run "$name-ab" 0 "$url" -n $N_AB
	[ "$AB_REQS" = $N_AB ] || e2e_fail "$name-ab: $AB_REQS of $N_AB requests"
	r=$(logs_check "$name-ab" "$fa" "$fb" "$client" "$synq")
	set -- $r
	split_check "$name-ab" $N_AB "$1" "$2"
	snap "$name-ab1"
	# ab connects up to -c more at its end than it has requests left to send
	be_check "$name-ab" "$name-ab0" "$name-ab1" "$ba" "$bb" "$@" $CONNS
	fa=$(log_lines a) fb=$(log_lines b)
	ab_run "$name-ab-k" 0 "$url" -k -n $N_AB
	grep -q "^Keep-Alive requests: *$N_AB\$" "$E2E_DIR/$name-ab-k.out" ||
		e2e_fail "$name-ab-k: $(grep '^Keep-Alive' "$E2E_DIR/$name-ab-k.out")"
	r=$(logs_check "$name-ab-k" "$fa" "$fb" "$client" "$synq")
	set -- $r
	[ $(($1 + $2)) = $N_AB ] || e2e_fail "$name-ab-k: nginx logged $1 + $2 requests"
	e2e_log "$name-ab-k: nginx logged $1 + $2 requests on $3 + $4 connections"
	snap "$name-wrk0"
	be_check "$name-ab-k" "$name-ab1" "$name-wrk0" "$ba" "$bb" "$@" $CONNS
	resets_check "$name-ab" "$name-0" "$name-wrk0" 0
	fa=$(log_lines a) fb=$(log_lines b)
	wrk_run "$name-wrk" "$url"
	snap "$name-wrk1"
	# wrk closes its connections at its end with a response on the way: their RSTs
	resets_check "$name-wrk" "$name-wrk0" "$name-wrk1" $CONNS
	r=$(logs_check "$name-wrk" "$fa" "$fb" "$client" "$synq")
	set -- $r
	# wrk counts the responses it read; at most one a connection was in flight at its end
	[ $(($1 + $2)) -ge "$WRK_REQS" ] && [ $(($1 + $2)) -le $((WRK_REQS + CONNS)) ] ||
		e2e_fail "$name-wrk: nginx logged $1 + $2 requests, wrk $WRK_REQS"
	# wrk's probe and the connections it opened at its end with no request yet: one
	# each at most, on either backend
	be_check "$name-wrk" "$name-wrk0" "$name-wrk1" "$ba" "$bb" "$@" $((CONNS + 1))
	no_state_change "$name"
}

# --- (b) one arm ---------------------------------------------------------------------------
cat >"$E2E_DIR/one.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_ONE_IPV4/24"] } ],
	"lcores": [ { "lcore": 0, "role": "app" },
		{ "lcore": 1, "role": "worker", "rx": [ { "port": "net_af_packet0" } ] } ],
$(listener "$SYNQ_ONE_IPV4" 2 "$BK_A1" "$BK_B1")
}
JSON
e2e_log "(b) one arm: clients and backends on one link, PROXY v2"
px_synq_start "$E2E_DIR/one.json" "$ONE_HOST"
nsc ping -c 1 -W 2 "$SYNQ_ONE_IPV4" >/dev/null || e2e_fail "client cannot ping $SYNQ_ONE_IPV4"
shape_common one "http://$SYNQ_ONE_IPV4/" "$CLI_ONE" "$SYNQ_ONE_IPV4" "$BK_A1" "$BK_B1"
e2e_synq_stop

# --- (c) two workers ------------------------------------------------------------------------
cat >"$E2E_DIR/workers.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_IPV4/24"] },
		{ "name": "net_af_packet1", "mac": "02:53:51:00:00:02", "ipv4": ["$SYNQ_BK_IPV4/24"] } ],
	"lcores": [ { "lcore": 0, "role": "worker", "rx": [ { "port": "net_af_packet0" } ] },
		{ "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet1" } ] } ],
$(listener "$SYNQ_IPV4" 1 "$BK_A" "$BK_B")
}
JSON
e2e_log "(c) two workers: lcore 0 polls the clients' port, lcore 1 (both) the backends'"
px_synq_start "$E2E_DIR/workers.json" "$E2E_HOST" "$BK_HOST"
nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null || e2e_fail "client cannot ping $SYNQ_IPV4"
shape_common workers "http://$SYNQ_IPV4/" "$PEER_IPV4" "$SYNQ_BK_IPV4" "$BK_A" "$BK_B"
# the worker choice: lcore 0 may not connect from port 1, which lcore 1 polls (its
# queue 0): every connection to a backend and every check is lcore 1's
python3 - "$E2E_STATS" <<'PY' || e2e_fail "workers: a backend connection on the clients' worker"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
lc = {l["lcore"]: l["counters"] for l in d["lcores"]}
print("# workers: TcpActiveOpens lcore 0 %d, lcore 1 %d; TcpPassiveOpens lcore 0 %d, "
      "lcore 1 %d; SynqProxyConnects %d, SynqProxyChecks %d" % (
      lc[0]["TcpActiveOpens"], lc[1]["TcpActiveOpens"], lc[0]["TcpPassiveOpens"],
      lc[1]["TcpPassiveOpens"], c["SynqProxyConnects"], c["SynqProxyChecks"]))
ok = lc[0]["TcpActiveOpens"] == 0 and lc[1]["TcpPassiveOpens"] == 0
ok &= lc[0]["TcpPassiveOpens"] == c["TcpPassiveOpens"] > 4000
ok &= lc[1]["TcpActiveOpens"] >= c["SynqProxyConnects"] + c["SynqProxyChecks"] - 2
ok &= c["SynqProxyChecks"] > 0 and c["SynqTcpConnectBadAddr"] == 0
sys.exit(0 if ok else 1)
PY
e2e_synq_stop

# --- (a) two arms --------------------------------------------------------------------------
cat >"$E2E_DIR/two.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_IPV4/24"],
		"ipv6": ["$SYNQ_IPV6/64"] },
		{ "name": "net_af_packet1", "mac": "02:53:51:00:00:02", "ipv4": ["$SYNQ_BK_IPV4/24"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" },
		{ "port": "net_af_packet1" } ] } ],
	"tcp": { "syncookies": 1, "max_syn_backlog": 256 },
$(listener "$SYNQ_IPV4" 1 "$BK_A" "$BK_B" "$SYNQ_IPV6")
}
JSON
e2e_log "(a) two arms: clients on port 0, backends on port 1, PROXY v1"
px_synq_start "$E2E_DIR/two.json" "$E2E_HOST" "$BK_HOST"
URL="http://$SYNQ_IPV4/"
nsc ping -c 1 -W 2 "$SYNQ_IPV4" >/dev/null || e2e_fail "client cannot ping $SYNQ_IPV4"
shape_common two "$URL" "$PEER_IPV4" "$SYNQ_BK_IPV4" "$BK_A" "$BK_B"
# an IPv6 client to IPv4 backends: the PROXY v1 header says TCP6 and nginx logs the
# client's IPv6 address
e2e_synq_wait_dad
fa=$(log_lines a) fb=$(log_lines b)
curl_page "http://[$SYNQ_IPV6]/"
r=$(logs_check two-v6 "$fa" "$fb" "$PEER_IPV6" "$SYNQ_BK_IPV4")
set -- $r
[ $(($1 + $2)) = 1 ] || e2e_fail "two-v6: nginx logged $1 + $2 requests, expected 1"
e2e_log "two-v6: nginx logged the client's $PEER_IPV6"

# --- the flood ------------------------------------------------------------------------------
# bk_passive: the backends' kernel's TCP PassiveOpens (its own namespace's /proc/net/snmp)
bk_passive() {
	nsb awk '$1 == "Tcp:" && !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
		$1 == "Tcp:" { print $c["PassiveOpens"] }' /proc/net/snmp
}
bk_syns() { nsb nft list chain inet pxt in | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }
nsb nft add table inet pxt
nsb nft add chain inet pxt in '{ type filter hook input priority 0; }'
nsb nft add rule inet pxt in tcp dport 80 'tcp flags & (syn | ack) == syn' counter
# snap_bk NAME: a stats snapshot and the backends' kernel's counts (BK_PASSIVE,
# BK_SYNS) at one moment: the health checks never stop, so the kernel's counts are read
# before and after a stats file written after the first read, until they agree (a check
# round every interval_ms here, a stats file each 200 ms)
snap_bk() {
	local p s t
	for _ in $(seq 30); do
		p=$(bk_passive) s=$(bk_syns) t=$(date +%s.%N)
		for _ in $(seq 40); do
			python3 -c 'import json,sys
sys.exit(0 if json.load(open(sys.argv[1]))["time_unix"] > float(sys.argv[2]) else 1)' \
				"$E2E_STATS" "$t" 2>/dev/null && break
			sleep 0.05
		done
		cp "$E2E_STATS" "$E2E_DIR/$1.json"
		BK_PASSIVE=$(bk_passive) BK_SYNS=$(bk_syns)
		[ "$p" = "$BK_PASSIVE" ] && [ "$s" = "$BK_SYNS" ] && return 0
	done
	e2e_fail "$1: the backends' counts never held still over a stats file"
}
snap_bk flood0
p0=$BK_PASSIVE s0=$BK_SYNS fa=$(log_lines a) fb=$(log_lines b)
# spoofed sources: synq's SYN-ACKs come back to the client namespace, whose kernel
# drops them (not its addresses, no forwarding). A SYN each 20 us at most (8,000 to 25,000
# a second reached synq in the runs here), 1,000,000 SYNs and 20 s at most; stopped
# after wrk.
ip netns exec "$E2E_NS" timeout -s INT 20 hping3 -S -p 80 --rand-source -i u20 -c 1000000 "$SYNQ_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
sleep 1
kill -0 "$FLOOD_PID" 2>/dev/null || { cat "$E2E_DIR/hping.out"; e2e_fail "hping3 ended early"; }
wrk_run flood-wrk "$URL"
kill -0 "$FLOOD_PID" 2>/dev/null || e2e_fail "hping3 ended before wrk did: no flood at the end"
kill -INT "$FLOOD_PID" 2>/dev/null
wait "$FLOOD_PID"
FLOOD_PID=""
sleep 1
snap_bk flood1
p1=$BK_PASSIVE s1=$BK_SYNS
r=$(logs_check flood-wrk "$fa" "$fb" "$PEER_IPV4" "$SYNQ_BK_IPV4")
set -- $r
python3 - "$E2E_DIR/flood0.json" "$E2E_DIR/flood1.json" $((p1 - p0)) $((s1 - s0)) $(($3 + $4)) $CONNS <<'PY' ||
import json, sys
docs = [json.load(open(f)) for f in sys.argv[1:3]]
a, b = (doc["counters"] for doc in docs)
passive, syns, logged, conns = (int(x) for x in sys.argv[3:7])
d = lambda k: b[k] - a[k]
# the health checks that connected, every listener's, every backend's: the kernel
# counts them as it counts the clients' connections
checks = [sum(be[k] for l in doc["listeners"] for be in l.get("backends", []))
          for doc in docs for k in ("checks_ok", "checks_failed")]
checks_ok, checks_failed = checks[2] - checks[0], checks[3] - checks[1]
print("# flood: synq sent %d cookies; the backends' kernel: %d PassiveOpens, %d SYNs; "
      "synq: SynqProxyConnects %d, SynqProxyConnected %d, checks connected %d (failed %d), "
      "TcpActiveOpens %d, SynqTcpConnectSynRetrans %d, SynqTcpConnectSynQuick %d; "
      "nginx logged %d connections" % (
      d("TcpExtSyncookiesSent"), passive, syns, d("SynqProxyConnects"),
      d("SynqProxyConnected"), checks_ok, checks_failed, d("TcpActiveOpens"),
      d("SynqTcpConnectSynRetrans"), d("SynqTcpConnectSynQuick"), logged))
ok = d("TcpExtSyncookiesSent") > 1000                       # the flood reached synq
ok &= checks_ok > 0 and d("SynqProxyChecks") > 0
ok &= d("SynqProxyConnects") == d("SynqProxyConnected") == passive - checks_ok
ok &= syns == d("TcpActiveOpens") + d("SynqTcpConnectSynRetrans") + d("SynqTcpConnectSynQuick")
# wrk's probe connection, and one a wrk connection opened at its very end (after
# nginx's keepalive_requests closed the last) whose request never went
ok &= logged <= passive - checks_ok <= logged + 1 + conns
# wrk's end may reset a connection each (see resets_check)
ok &= d("SynqProxyNoBackend") == 0 and d("SynqProxyResetsCarried") <= conns
sys.exit(0 if ok else 1)
PY
	e2e_fail "flood: the backends saw other connections than synq proxied"

# --- a backend stopped ---------------------------------------------------------------------
# changes_check NAME STATE: synq's log holds, of backends' state changes, one to STATE
# for B on each listener (the last lines) and nothing about A
changes_check() {
	local l n
	state_changes >"$E2E_DIR/changes"
	sed 's/^/#   synq: /' "$E2E_DIR/changes"
	for l in 0 1; do
		n=$(grep -c "backend $BK_B:80 of listeners\[$l\] (port 80) is $2:" "$E2E_DIR/changes")
		[ "$n" = 1 ] || e2e_fail "$1: synq logged B $2 on listeners[$l] $n times, expected once"
	done
	! grep -q "backend $BK_A:" "$E2E_DIR/changes" || e2e_fail "$1: synq logged a change of A's"
	[ "$(tail -n 2 "$E2E_DIR/changes" | grep -c " is $2:")" = 2 ] ||
		e2e_fail "$1: the last changes logged are not B's going $2"
}
no_state_change kill
snap kill0
fa=$(log_lines a) fb=$(log_lines b)
ip netns exec "$E2E_NS" timeout 60 ab -r -c $CONNS -t 7 -n 10000000 "$URL" >"$E2E_DIR/kill-ab.out" 2>&1 &
ab_pid=$!
sleep 2
kill -KILL "$(cat "$E2E_DIR/nginx-b/nginx.pid")"
for _ in $(seq 50); do kill -0 "$NGINX_B" 2>/dev/null || break; sleep 0.1; done
NGINX_B=""
rm -f "$E2E_DIR/nginx-b/nginx.pid"
e2e_log "backend B's nginx killed"
# fall (2) checks refused: within 2 x interval_ms, while ab runs
be_wait down "$BK_B" 0 1
wait $ab_pid || e2e_fail "kill-ab: ab exited with $?"
k_reqs=$(sed -n 's/^Complete requests: *//p' "$E2E_DIR/kill-ab.out")
k_failed=$(sed -n 's/^Failed requests: *//p' "$E2E_DIR/kill-ab.out")
k_why=$(sed -n 's/^ *(Connect: \(.*\))$/\1/p' "$E2E_DIR/kill-ab.out")
e2e_log "kill-ab: $k_reqs requests, $k_failed failed across the kill ${k_why:+($k_why)}"
# Only the requests in flight on B at the kill may fail: one a connection at most. ab
# counts one broken request under up to three headings (Receive, Length, Exceptions),
# so each heading is bounded, not their sum.
python3 - "$k_failed" "$CONNS" "${k_why:-0}" <<'PY' || {
import re, sys
failed, conns = int(sys.argv[1] or -1), int(sys.argv[2])
counts = [int(x) for x in re.findall(r"\d+", sys.argv[3])]
sys.exit(0 if 0 <= failed and all(c <= conns for c in counts) else 1)
PY
	sed 's/^/#   /' "$E2E_DIR/kill-ab.out"
	e2e_fail "kill-ab: more requests failed than were in flight at the kill ($CONNS)"
}
changes_check kill down
# the tries to B made before it went down (a SYN to one of B's kernel's TIME-WAITs
# waits out a second, then fails over) end before the count starts
sleep 1.5
snap kill1
fa=$(log_lines a) fb=$(log_lines b)
ab_run after-ab 0 "$URL" -n $N_AFTER
ab_run after-ab-k 0 "$URL" -k -n $N_AFTER
wrk_run after-wrk "$URL"
snap kill2
r=$(logs_check after "$fa" "$fb" "$PEER_IPV4" "$SYNQ_BK_IPV4")
set -- $r
[ "$2" = 0 ] || e2e_fail "after the kill: B logged $2 requests"
[ "$1" -ge $((2 * N_AFTER + WRK_REQS)) ] && [ "$1" -le $((2 * N_AFTER + WRK_REQS + CONNS)) ] ||
	e2e_fail "after the kill: A logged $1 requests, the clients made $((2 * N_AFTER + WRK_REQS))"
fo=$(counter_delta "$E2E_DIR/kill1.json" "$E2E_DIR/kill2.json" SynqProxyFailovers)
nb=$(counter_delta "$E2E_DIR/kill1.json" "$E2E_DIR/kill2.json" SynqProxyNoBackend)
bt=$(($(be_value "$E2E_DIR/kill2.json" 0 "$BK_B" connections) - $(be_value "$E2E_DIR/kill1.json" 0 "$BK_B" connections)))
at=$(($(be_value "$E2E_DIR/kill2.json" 0 "$BK_A" connections) - $(be_value "$E2E_DIR/kill1.json" 0 "$BK_A" connections)))
e2e_log "after the kill: A served all $1 requests on $at connections, B's connections +$bt; SynqProxyFailovers +$fo, SynqProxyNoBackend +$nb"
[ "$nb" = 0 ] || e2e_fail "after the kill: SynqProxyNoBackend +$nb"
[ "$fo" = 0 ] || e2e_fail "after the kill: B is down, yet SynqProxyFailovers +$fo"
[ "$bt" = 0 ] || e2e_fail "after the kill: B is down, yet $bt tries to it"
[ "$at" -ge $((N_AFTER + 1)) ] || e2e_fail "after the kill: A's connections +$at"

# --- the backend back ----------------------------------------------------------------------
nginx_start b "$BK_B" "$BK_B1"
e2e_log "backend B's nginx started again"
# rise (2) checks connected: within 2 x interval_ms
be_wait up "$BK_B" 0 1
changes_check back up
snap back0
fa=$(log_lines a) fb=$(log_lines b)
ab_run back-ab 0 "$URL" -n $N_AFTER
snap back1
r=$(logs_check back-ab "$fa" "$fb" "$PEER_IPV4" "$SYNQ_BK_IPV4")
set -- $r
split_check back-ab $N_AFTER "$1" "$2"
be_check back-ab back0 back1 "$BK_A" "$BK_B" "$@" $CONNS
resets_check back-ab back0 back1 0
e2e_synq_stop
echo PASS
