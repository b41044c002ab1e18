#!/usr/bin/env bash
# HTTP connections per second: synq's http app beside nginx (Debian's) on the Linux
# kernel, same topology, same run. wrk (one thread, -c connections) in a client
# namespace sends `GET /` with `Connection: close` (a new connection a request) and
# then with keep-alive, across a veth to a server namespace at 198.18.0.1:80:
#
#   synq    synq on its end of the veth through net_af_packet, one lcore of role
#           "both" (lcore 1), listener port 80 app http, body "Hello from synq\n".
#   nginx   the kernel's stack on the same veth end, nginx with one worker process
#           pinned to CPU 1, `return 200 "Hello from synq\n"`, access log off,
#           keepalive_requests unbounded.
#
# Per target and mode: requests/s and transfer as wrk reports them, its socket errors,
# and the server's CPU: synq's SynqBusyCycles / tsc_hz (its core busy-polls), nginx's
# worker and the kernel's softirq on CPU 1 from /proc/stat. Then synq / nginx.
# A benchmark: it asserts nothing about speed; it exits non-zero only when a run could
# not be made. Figures go to stdout and, with --json FILE, to a JSON document.
#
#   sudo tests/bench/http-vs-nginx.sh [--seconds 10] [--connections 32] [--json FILE]
#
# Safety: synq runs --no-pci --no-huge with its own --file-prefix, on at most lcores
# 0 and 1; every process is bounded in time; traffic only between the namespaces made
# here (198.18.0.0/15); the EXIT trap stops what was started here (by PID) and removes
# the namespaces.

set -u
here=$(cd "$(dirname "$0")" && pwd)
SECONDS_RUN=10
CONNS=32
JSON_OUT=""
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECONDS_RUN=$2; shift 2 ;;
	--connections) CONNS=$2; shift 2 ;;
	--json) JSON_OUT=$2; shift 2 ;;
	-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
for t in wrk nginx; do
	command -v "$t" >/dev/null || { echo "needs $t (apt-get install wrk nginx-light)" >&2; exit 1; }
done

. "$here/../e2e/lib.sh"
NGINX_PID=""
bench_cleanup() {
	[ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null && sleep 0.5
	e2e_cleanup
}
e2e_setup
trap bench_cleanup EXIT
nsc() { ip netns exec "$E2E_NS" "$@"; }

# cpu1_busy: CPU 1's non-idle jiffies (user nice system irq softirq steal)
cpu1_busy() { awk '$1 == "cpu1" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# run_wrk MODE OUT: wrk against 198.18.0.1:80 for SECONDS_RUN, its output to OUT
run_wrk() {
	local hdr=()
	[ "$1" = close ] && hdr=(-H 'Connection: close')
	nsc timeout $((SECONDS_RUN + 20)) wrk -t1 -c"$CONNS" -d"${SECONDS_RUN}s" "${hdr[@]}" \
		"http://$SYNQ_IPV4/" >"$2" 2>&1
}
rps_of() { awk '/^Requests\/sec/ { print $2 }' "$1"; }
errs_of() { grep -E 'Socket errors|Non-2xx' "$1" | tr '\n' ' '; }

declare -A RPS ERR CPU
# --- synq
cat >"$E2E_DIR/synq.json" <<JSON
{
	"ports": [ { "name": "net_af_packet0", "mac": "$SYNQ_MAC", "ipv4": ["$SYNQ_IPV4"] } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"listeners": [ { "port": 80, "app": "http", "backlog": 4096 } ]
}
JSON
e2e_synq_start --config "$E2E_DIR/synq.json" --stats-interval-ms 100
for mode in close keepalive; do
	sleep 0.3
	b0=$(e2e_counter "$E2E_STATS" SynqBusyCycles)
	run_wrk "$mode" "$E2E_DIR/synq-$mode.txt"
	sleep 0.3
	b1=$(e2e_counter "$E2E_STATS" SynqBusyCycles)
	hz=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tsc_hz"])' "$E2E_STATS")
	RPS[synq-$mode]=$(rps_of "$E2E_DIR/synq-$mode.txt")
	ERR[synq-$mode]=$(errs_of "$E2E_DIR/synq-$mode.txt")
	CPU[synq-$mode]=$(python3 -c "print(round(($b1 - $b0) / $hz, 2))")
done
e2e_synq_stop

# --- nginx on the kernel, same veth end
ip netns exec "$E2E_SNS" ip addr add "$SYNQ_IPV4/24" dev "$E2E_HOST"
ip netns exec "$E2E_SNS" ip link set lo up
mkdir -p "$E2E_DIR/nginx"
cat >"$E2E_DIR/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 10;
daemon off;
pid $E2E_DIR/nginx/nginx.pid;
error_log $E2E_DIR/nginx/error.log;
events { worker_connections 8192; }
http {
	access_log off;
	keepalive_requests 100000000;
	client_body_temp_path $E2E_DIR/nginx;
	proxy_temp_path $E2E_DIR/nginx;
	fastcgi_temp_path $E2E_DIR/nginx;
	uwsgi_temp_path $E2E_DIR/nginx;
	scgi_temp_path $E2E_DIR/nginx;
	server {
		listen $SYNQ_IPV4:80 backlog=4096;
		location / { default_type text/plain; return 200 "Hello from synq\n"; }
	}
}
CONF
ip netns exec "$E2E_SNS" timeout $((4 * SECONDS_RUN + 60)) nginx -c "$E2E_DIR/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 50); do
	nsc curl -s -m 1 "http://$SYNQ_IPV4/" >/dev/null && break
	sleep 0.1
done
for mode in close keepalive; do
	c0=$(cpu1_busy)
	run_wrk "$mode" "$E2E_DIR/nginx-$mode.txt"
	c1=$(cpu1_busy)
	RPS[nginx-$mode]=$(rps_of "$E2E_DIR/nginx-$mode.txt")
	ERR[nginx-$mode]=$(errs_of "$E2E_DIR/nginx-$mode.txt")
	CPU[nginx-$mode]=$(python3 -c "print(round(($c1 - $c0) / $(getconf CLK_TCK), 2))")
done

printf '%-8s %-10s %12s %9s  %s\n' target mode requests/s cpu-s errors
for t in synq nginx; do
	for mode in close keepalive; do
		printf '%-8s %-10s %12s %9s  %s\n' "$t" "$mode" "${RPS[$t-$mode]}" "${CPU[$t-$mode]}" \
			"${ERR[$t-$mode]:-none}"
	done
done
python3 - "$SECONDS_RUN" "$CONNS" "${JSON_OUT:-}" "${RPS[synq-close]}" "${RPS[nginx-close]}" \
	"${RPS[synq-keepalive]}" "${RPS[nginx-keepalive]}" "${CPU[synq-close]}" \
	"${CPU[nginx-close]}" "${CPU[synq-keepalive]}" "${CPU[nginx-keepalive]}" <<'PY'
import json, sys
secs, conns, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
v = [float(x or 0) for x in sys.argv[4:]]
d = {"seconds": secs, "connections": conns,
     "close": {"synq_rps": v[0], "nginx_rps": v[1], "ratio": v[0] / v[1] if v[1] else None,
               "synq_cpu_s": v[4], "nginx_cpu1_s": v[5]},
     "keepalive": {"synq_rps": v[2], "nginx_rps": v[3], "ratio": v[2] / v[3] if v[3] else None,
                   "synq_cpu_s": v[6], "nginx_cpu1_s": v[7]}}
for m in ("close", "keepalive"):
    r = d[m]["ratio"]
    print("synq / nginx, %s: %s" % (m, "%.2fx" % r if r else "n/a"))
if out:
    json.dump(d, open(out, "w"), indent=1)
PY
