#!/usr/bin/env bash
# The proxy app beside HAProxy 2.6 (Debian's, `mode tcp`, the kernel's stack), in front
# of the same two nginx backends, same machine, same run (issue 13, item 6). A
# benchmark, not a test: it asserts no speed; it exits non-zero only when a run could
# not be made.
#
#   clients (198.18.0.2) --veth-- proxy (198.18.0.1 | 198.18.1.1) --veth-- backends
#                                                                 (198.18.1.2, .3)
#   synq     both veth ends through net_af_packet, one lcore of role "both" (lcore 1)
#            polling the two ports, a proxy listener on port 80, round_robin, PROXY v1.
#   haproxy  the same veth ends with kernel addresses, one thread pinned to CPU 1
#            (cpu-map), `mode tcp`, `balance roundrobin`, `send-proxy` to each server.
#   nginx    two processes (no master), pinned to CPU 0 with the clients: listen
#            proxy_protocol, a 20-byte page, access log off, keep-alive unbounded.
#
# wrk (one thread, --latency) for SECONDS a mode: keep-alive, then `Connection: close`
# (a connection a request, closed by nginx). Per target and mode: requests/s, latency
# p50 and p99, wrk's errors, and the proxy's CPU: synq's SynqBusyCycles / tsc_hz (its
# lcore busy-polls: the whole run counts as busy unless it idles), HAProxy's user+system
# time from /proc (the softirq work the kernel does for it on the senders' CPUs is not
# in it). Then synq / haproxy for requests/s. The machine is shared and noisy.
# --flood: each wrk run beside an hping3 SYN flood at the proxy's front from the
# clients' namespace (spoofed sources, a SYN each 20 us at most, bounded by the run's
# time): synq answers with cookies; so does the kernel for HAProxy (tcp_syncookies 1,
# a default route back to the clients' namespace so that its SYN-ACKs leave).
#
#   sudo tests/bench/vs-haproxy.sh [--seconds 10] [--connections 32] [--flood] [--json FILE]
#
# Safety: synq runs --no-pci --no-huge with its own --file-prefix on lcores 0 and 1;
# HAProxy and nginx run with their own configs in namespaces made here, under
# timeout(1), stopped by PID (never the system's services); traffic only between
# these namespaces (198.18.0.0/15); the EXIT trap removes what was made.

set -u
here=$(cd "$(dirname "$0")" && pwd)
SECONDS_RUN=10
CONNS=32
JSON_OUT=""
FLOOD=0
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECONDS_RUN=$2; shift 2 ;;
	--connections) CONNS=$2; shift 2 ;;
	--json) JSON_OUT=$2; shift 2 ;;
	--flood) FLOOD=1; shift ;;
	-h|--help) sed -n '2,34p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
if ! command -v haproxy >/dev/null; then
	[ "$(id -u)" = 0 ] || { echo "needs haproxy (apt-get install haproxy)" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null ||
		{ echo "cannot install haproxy" >&2; exit 1; }
	# the package's own service, when systemd started it: not ours to run
	[ -d /run/systemd/system ] && systemctl disable --now haproxy.service >/dev/null 2>&1
fi
for t in wrk nginx haproxy taskset hping3; do
	command -v "$t" >/dev/null || { echo "needs $t (apt-get install wrk nginx haproxy)" >&2; exit 1; }
done

. "$here/../e2e/lib.sh"
BK_NS="synq-e2e-bk-$E2E_ID"
BK_HOST="sqbh$E2E_ID"
BK_PEER="sqbp$E2E_ID"
SYNQ_BK_IPV4=198.18.1.1
BK_A=198.18.1.2
BK_B=198.18.1.3
PIDS=()
bench_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	e2e_netns_del "$BK_NS"
	e2e_cleanup
}
e2e_setup
trap bench_cleanup EXIT
nsc() { ip netns exec "$E2E_NS" "$@"; }
ip netns add "$BK_NS" || e2e_fail "ip netns add"
ip link add "$BK_HOST" netns "$E2E_SNS" type veth peer name "$BK_PEER" netns "$BK_NS" ||
	e2e_fail "ip link add veth"
ip netns exec "$E2E_SNS" sysctl -qw "net.ipv6.conf.$BK_HOST.disable_ipv6=1"
ip netns exec "$E2E_SNS" ip link set "$BK_HOST" up
ip netns exec "$BK_NS" sysctl -qw "net.ipv6.conf.$BK_PEER.disable_ipv6=1"
ip netns exec "$BK_NS" ip link set lo up
ip netns exec "$BK_NS" ip addr add "$BK_A/24" dev "$BK_PEER"
ip netns exec "$BK_NS" ip addr add "$BK_B/24" dev "$BK_PEER"
ip netns exec "$BK_NS" ip link set "$BK_PEER" up
ip netns exec "$BK_NS" ethtool -K "$BK_PEER" tx off >/dev/null 2>&1 || true

# --- nginx, two backends on CPU 0
for b in a b; do
	d=$E2E_DIR/nginx-$b
	mkdir -p "$d/html"
	printf 'synq bench backend\n' >"$d/html/index.html"
	[ $b = a ] && addr=$BK_A || addr=$BK_B
	cat >"$d/nginx.conf" <<CONF
daemon off;
master_process off;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 16384; }
http {
	access_log off;
	keepalive_requests 100000000;
	client_body_temp_path $d;
	proxy_temp_path $d;
	fastcgi_temp_path $d;
	uwsgi_temp_path $d;
	scgi_temp_path $d;
	server { listen $addr:80 proxy_protocol backlog=4096; root $d/html; }
}
CONF
	ip netns exec "$BK_NS" timeout $((4 * SECONDS_RUN + 120)) taskset -c 0 \
		nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" &
	PIDS+=($!)
	disown $! # no job notice when the cleanup ends it
done

# run_wrk MODE OUT: wrk through the proxy at 198.18.0.1:80, pinned to CPU 0; with
# --flood, hping3 beside it (its own timeout(1), stopped by PID after wrk)
run_wrk() {
	local hdr=() fl=""
	[ "$1" = close ] && hdr=(-H 'Connection: close')
	if [ "$FLOOD" = 1 ]; then
		ip netns exec "$E2E_NS" timeout -s INT $((SECONDS_RUN + 10)) hping3 -S -p 80 --rand-source \
			-i u20 "$SYNQ_IPV4" >"$2.hping" 2>&1 &
		fl=$!
		disown $fl
		sleep 1
	fi
	nsc timeout $((SECONDS_RUN + 20)) taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECONDS_RUN}s" \
		--latency "${hdr[@]}" "http://$SYNQ_IPV4/" >"$2" 2>&1
	if [ -n "$fl" ]; then
		kill -INT "$fl" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$fl" 2>/dev/null || break; sleep 0.1; done
		sleep 1
	fi
}
# wrk_fig FILE: "requests/s p50_ms p99_ms errors"
wrk_fig() {
	python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
p50 = re.search(r"^\s+50%\s+(\S+)", t, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", t, re.M)
err = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
err += sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", t))
print(rps.group(1) if rps else 0, "%.3f" % ms(p50.group(1)) if p50 else 0,
      "%.3f" % ms(p99.group(1)) if p99 else 0, err)
PY
}
declare -A FIG CPU

# --- synq
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_IPV4/24"] },
		{ "name": "net_af_packet1", "mac": "02:53:51:00:00:02", "ipv4": ["$SYNQ_BK_IPV4/24"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" },
		{ "port": "net_af_packet1" } ] } ],
	"listeners": [ { "address": "$SYNQ_IPV4", "port": 80, "app": "proxy", "backlog": 4096,
		"proxy_protocol": 1, "balance": "round_robin",
		"backends": [ { "address": "$BK_A", "port": 80 }, { "address": "$BK_B", "port": 80 } ] } ]
}
JSON
E2E_EAL_EXTRA=(--vdev "net_af_packet1,iface=$BK_HOST")
e2e_synq_start --config "$E2E_DIR/synq.json" --stats-interval-ms 100 --duration $((2 * SECONDS_RUN + 60))
for mode in keepalive close; do
	sleep 0.5
	b0=$(e2e_counter "$E2E_STATS" SynqBusyCycles)
	run_wrk "$mode" "$E2E_DIR/synq-$mode.txt"
	sleep 0.3
	b1=$(e2e_counter "$E2E_STATS" SynqBusyCycles)
	hz=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tsc_hz"])' "$E2E_STATS")
	FIG[synq-$mode]=$(wrk_fig "$E2E_DIR/synq-$mode.txt")
	CPU[synq-$mode]=$(python3 -c "print(round(($b1 - $b0) / $hz, 2))")
done
e2e_synq_stop

# --- HAProxy on the kernel, the same veth ends
ip netns exec "$E2E_SNS" ip addr add "$SYNQ_IPV4/24" dev "$E2E_HOST"
ip netns exec "$E2E_SNS" ip addr add "$SYNQ_BK_IPV4/24" dev "$BK_HOST"
ip netns exec "$E2E_SNS" ip link set lo up
ip netns exec "$E2E_SNS" sysctl -qw net.ipv4.tcp_syncookies=1
ip netns exec "$E2E_SNS" ip route add default via "$PEER_IPV4"
cat >"$E2E_DIR/haproxy.cfg" <<CONF
global
	nbthread 1
	cpu-map 1/1 1
	maxconn 8000
defaults
	mode tcp
	timeout connect 3s
	timeout client 30s
	timeout server 30s
frontend fe
	bind $SYNQ_IPV4:80 backlog 4096
	default_backend be
backend be
	balance roundrobin
	server a $BK_A:80 send-proxy
	server b $BK_B:80 send-proxy
CONF
ip netns exec "$E2E_SNS" timeout $((2 * SECONDS_RUN + 60)) haproxy -db -f "$E2E_DIR/haproxy.cfg" \
	>"$E2E_DIR/haproxy.out" 2>&1 &
PIDS+=($!)
disown $!
for _ in $(seq 50); do
	nsc curl -s -m 1 -o /dev/null "http://$SYNQ_IPV4/" && break
	sleep 0.1
done
# haproxy -db writes no pid file: it is the child of our timeout(1)
hpid=$(pgrep -P "${PIDS[-1]}" haproxy) || { cat "$E2E_DIR/haproxy.out"; e2e_fail "haproxy did not start"; }
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for mode in keepalive close; do
	c0=$(cpu_of "$hpid")
	run_wrk "$mode" "$E2E_DIR/haproxy-$mode.txt"
	c1=$(cpu_of "$hpid")
	FIG[haproxy-$mode]=$(wrk_fig "$E2E_DIR/haproxy-$mode.txt")
	CPU[haproxy-$mode]=$(python3 -c "print(round(($c1 - $c0) / $(getconf CLK_TCK), 2))")
done

printf '%-8s %-10s %12s %9s %9s %9s  %s\n' target mode requests/s p50-ms p99-ms cpu-s errors
for t in synq haproxy; do
	for mode in keepalive close; do
		set -- ${FIG[$t-$mode]}
		printf '%-8s %-10s %12s %9s %9s %9s  %s\n' "$t" "$mode" "$1" "$2" "$3" "${CPU[$t-$mode]}" "$4"
	done
done
python3 - "$SECONDS_RUN" "$CONNS" "${JSON_OUT:-}" "${FIG[synq-keepalive]}" "${FIG[haproxy-keepalive]}" \
	"${FIG[synq-close]}" "${FIG[haproxy-close]}" "${CPU[synq-keepalive]}" "${CPU[haproxy-keepalive]}" \
	"${CPU[synq-close]}" "${CPU[haproxy-close]}" "$FLOOD" <<'PY'
import json, sys
secs, conns, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
figs = [[float(x) for x in a.split()] for a in sys.argv[4:8]]
cpus = [float(x) for x in sys.argv[8:12]]
d = {"seconds": secs, "connections": conns, "flood": sys.argv[12] == "1"}
for i, m in enumerate(("keepalive", "close")):
    s, h = figs[2 * i], figs[2 * i + 1]
    d[m] = {"synq": {"rps": s[0], "p50_ms": s[1], "p99_ms": s[2], "errors": int(s[3]),
                     "cpu_s": cpus[2 * i]},
            "haproxy": {"rps": h[0], "p50_ms": h[1], "p99_ms": h[2], "errors": int(h[3]),
                        "cpu_s": cpus[2 * i + 1]},
            "ratio": s[0] / h[0] if h[0] else None}
    r = d[m]["ratio"]
    print("synq / haproxy, %s: %s requests/s" % (m, "%.2fx" % r if r else "n/a"))
if out:
    json.dump(d, open(out, "w"), indent=1)
PY
