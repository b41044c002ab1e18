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
# Four runs a target, each wrk (one thread, --latency, pinned to CPU 0) for SECONDS:
# keep-alive (requests/s) and `Connection: close` (a connection a request, closed by
# nginx: connections/s), each plain and beside an hping3 SYN flood at the proxy's front
# from the clients' namespace (spoofed sources, a SYN each 20 us at most, pinned to
# CPU 0, bounded by the run's time; synq answers with cookies, so does the kernel under
# HAProxy: tcp_syncookies 1, a default route back to the clients' namespace).
#
# CPU, each over the wrk run's own window (docs/benchmarks.md says why each):
#   proxy_s     synq: its lcore's SynqBusyCycles / tsc_hz (polls that received frames,
#               the kernel's af_packet send and receive inside them included), scaled
#               by the share of the window its lcore thread was on CPU (a poll counts
#               its TSC also while another process holds the CPU); HAProxy: its
#               process's user + system time.
#   rx_softirq_s  CPU 0's softirq time (/proc/stat): the receive of what wrk, nginx and
#               hping3 sent, run in their send calls: for HAProxy its kernel TCP input
#               and SYN cookies, for synq af_packet's copy into its ring. What the
#               proxy sends is received (wrk's and nginx's TCP input) inside the
#               proxy's own send call on CPU 1: in proxy_s on both sides, inseparable.
#   proxy_only_s  proxy_s + rx_softirq_s.
#   ours_s      the run's own work on the machine: the proxy's, nginx's, wrk's,
#               hping3's and ksoftirqd's user + system time (tick accounting puts a
#               softirq run in a process's call in its system time and in /proc/stat's
#               softirq both: the sum with softirq_s would count it twice); ours_work_s
#               less synq's idle polls (its process time minus proxy_s).
#   machine_s   /proc/stat's busy time of both CPUs (all but idle and iowait), with its
#               system and softirq shares; other_s = machine_s - ours_s: other
#               sessions' work on a shared machine (noise).
# Then the ratios synq / HAProxy of the rate and of the work a CPU-second (requests, or
# connections with close) counted each way.
#
#   sudo tests/bench/proxy-vs-haproxy.sh [--seconds 10] [--connections 32]
#        [--plain | --flood] [--modes keepalive,close] [--hping-interval u20]
#        [--json FILE] [--plot PNG] [--perf DIR]
#
# --plain / --flood narrow to the runs without / with the flood; --modes to one mode.
# --plot PNG draws tests/bench/proxy-vs-haproxy-plot.py from this run's figures (that
# script takes several --json files too). --perf DIR: perf record -a (cpu-clock) during
# each target's plain close run, its reports (by CPU, command and object; the top
# symbols) kept in DIR; it costs CPU, so its run's figures are not for comparison.
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
PLOT_OUT=""
PERF_DIR=""
RUNS="plain flood"
MODES="keepalive close"
HPING_IV=u20
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECONDS_RUN=$2; shift 2 ;;
	--connections) CONNS=$2; shift 2 ;;
	--json) JSON_OUT=$2; shift 2 ;;
	--plot) PLOT_OUT=$2; shift 2 ;;
	--perf) PERF_DIR=$2; shift 2 ;;
	--flood) RUNS=flood; shift ;;
	--plain) RUNS=plain; shift ;;
	--modes) MODES=${2//,/ }; shift 2 ;;
	--hping-interval) HPING_IV=$2; shift 2 ;;
	-h|--help) sed -n '2,59p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
for m in $MODES; do
	case "$m" in keepalive|close) ;; *) echo "unknown mode $m" >&2; exit 2 ;; esac
done
case "$HPING_IV" in u[0-9]*) ;; *) echo "--hping-interval takes uN (microseconds)" >&2; exit 2 ;; esac
NRUNS=$(( $(echo $RUNS | wc -w) * $(echo $MODES | wc -w) ))
if ! command -v haproxy >/dev/null; then
	[ "$(id -u)" = 0 ] || { echo "needs haproxy (apt-get install haproxy)" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null ||
		{ echo "cannot install haproxy" >&2; exit 1; }
	# the package's own service, when systemd started it: not ours to run
	[ -d /run/systemd/system ] && systemctl disable --now haproxy.service >/dev/null 2>&1
fi
for t in wrk nginx haproxy taskset hping3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "needs $t (apt-get install wrk nginx haproxy hping3 time)" >&2; exit 1; }
done
[ -z "$PERF_DIR" ] || command -v perf >/dev/null || { echo "--perf needs perf (linux-perf)" >&2; exit 1; }
[ -z "$PERF_DIR" ] || mkdir -p "$PERF_DIR" || exit 1

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
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
TCK=$(getconf CLK_TCK)
# the longest either target's runs can take: SECONDS + 4 s a run, the flood's 1 + 1 s
RUN_SPAN=$((NRUNS * (SECONDS_RUN + 6) + 60))
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
NGINX_PIDS=()
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
	ip netns exec "$BK_NS" timeout $((2 * RUN_SPAN + 120)) taskset -c 0 \
		nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf" &
	PIDS+=($!)
	disown $! # no job notice when the cleanup ends it
done
for b in a b; do
	for _ in $(seq 50); do [ -s "$E2E_DIR/nginx-$b/nginx.pid" ] && break; sleep 0.1; done
	NGINX_PIDS+=("$(cat "$E2E_DIR/nginx-$b/nginx.pid")") || e2e_fail "nginx $b did not start"
done

# ticks PID...: the user + system clock ticks of these processes (or threads), summed
ticks() {
	local p s=0
	for p in "$@"; do s=$((s + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
	echo $s
}
mapfile -t KSOFTIRQD < <(pgrep -x 'ksoftirqd/[0-9]+')
LCORE_TID="" # synq's lcore 1 thread (the worker), found once synq runs
synq_busy() { e2e_counter "$E2E_STATS" SynqBusyCycles; }

# run_one TARGET RUN MODE PROXY_PID: one wrk run through the proxy at 198.18.0.1:80
# (with the flood when RUN is flood), its figures in $E2E_DIR/TARGET-RUN-MODE.json
run_one() {
	local t=$1 run=$2 mode=$3 ppid=$4 f="$E2E_DIR/$1-$2-$3" hdr=() fl="" wp pf="" b0=0 b1=0
	[ "$mode" = close ] && hdr=(-H 'Connection: close')
	echo 0 0 >"$f.hping-time"
	if [ "$run" = flood ]; then
		ip netns exec "$E2E_NS" timeout -s INT $((SECONDS_RUN + 10)) taskset -c 0 \
			/usr/bin/time -f '%U %S' -o "$f.hping-time" \
			hping3 -S -p 80 --rand-source -i "$HPING_IV" "$SYNQ_IPV4" >"$f.hping" 2>&1 &
		fl=$!
		disown $fl
		sleep 1
	fi
	cp /proc/stat "$f.stat0"
	ticks "$ppid" >"$f.proc0"
	ticks "${NGINX_PIDS[@]}" >"$f.nginx0"
	ticks $LCORE_TID >"$f.lcore0"
	ticks "${KSOFTIRQD[@]}" >"$f.ksirq0"
	date +%s.%N >"$f.wall0"
	nsc timeout $((SECONDS_RUN + 20)) taskset -c 0 /usr/bin/time -f '%U %S' -o "$f.wrk-time" \
		wrk -t1 -c"$CONNS" -d"${SECONDS_RUN}s" --latency "${hdr[@]}" "http://$SYNQ_IPV4/" \
		>"$f.wrk" 2>&1 &
	wp=$!
	if [ -n "$PERF_DIR" ] && [ "$run" = plain ] && [ "$mode" = close ]; then
		perf record -a -e cpu-clock -F 999 -g -o "$PERF_DIR/$t-close.data" -- \
			sleep "$SECONDS_RUN" >"$PERF_DIR/$t-close.record.txt" 2>&1 &
		pf=$!
	fi
	# synq's stats file is written every 100 ms: its busy cycles are read 0.15 s
	# into the window and 0.15 s past its end (a window as long, shifted)
	[ "$t" = synq ] && { sleep 0.15; b0=$(synq_busy); }
	wait $wp
	cp /proc/stat "$f.stat1"
	ticks "$ppid" >"$f.proc1"
	ticks "${NGINX_PIDS[@]}" >"$f.nginx1"
	ticks $LCORE_TID >"$f.lcore1"
	ticks "${KSOFTIRQD[@]}" >"$f.ksirq1"
	date +%s.%N >"$f.wall1"
	[ "$t" = synq ] && { sleep 0.15; b1=$(synq_busy); }
	[ -n "$pf" ] && wait $pf
	if [ -n "$fl" ]; then
		kill -INT "$fl" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$fl" 2>/dev/null || break; sleep 0.1; done
		sleep 1
	fi
	python3 - "$f" "$t" "$run" "$mode" "$b0" "$b1" "${HZ:-1}" "$TCK" <<'PY'
import json, re, sys
f, t, run, mode = sys.argv[1:5]
b0, b1, hz, tck = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
def stat(p):
    rows = {}
    for line in open(p):
        if line.startswith("cpu"):
            k, *v = line.split()
            rows[k] = [int(x) for x in v[:8]]
    return rows
s0, s1 = stat(f + ".stat0"), stat(f + ".stat1")
# /proc/stat: user nice system idle iowait irq softirq steal
def d(cpu, i):
    return (s1[cpu][i] - s0[cpu][i]) / tck
def busy(cpu):
    return sum(d(cpu, i) for i in (0, 1, 2, 5, 6, 7))
def num(p):
    return int(open(p).read().split()[0])
def utime(p):  # /usr/bin/time's "user sys" (the last line; a status line may come first)
    lines = [l for l in open(p).read().splitlines() if l.strip()]
    try:
        u, s = lines[-1].split()[:2]
        return float(u) + float(s)
    except (IndexError, ValueError):
        return 0.0
w = open(f + ".wrk").read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", w)
reqs = int(m.group(1)) if m else 0
dur = float(m.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[m.group(3)] if m else 0
p50 = re.search(r"^\s+50%\s+(\S+)", w, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", w, re.M)
errs = {k: 0 for k in ("connect", "read", "write", "timeout", "non2xx")}
se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", w)
if se:
    for k, v in zip(("connect", "read", "write", "timeout"), se.groups()):
        errs[k] = int(v)
n2 = re.search(r"Non-2xx or 3xx responses: (\d+)", w)
if n2:
    errs["non2xx"] = int(n2.group(1))
proc_s = (num(f + ".proc1") - num(f + ".proc0")) / tck
wall = float(open(f + ".wall1").read()) - float(open(f + ".wall0").read())
lcore_s = (num(f + ".lcore1") - num(f + ".lcore0")) / tck
ksirq_s = (num(f + ".ksirq1") - num(f + ".ksirq0")) / tck
busy_raw = (b1 - b0) / hz
# SynqBusyCycles count the TSC across a poll, also while another process holds the
# lcore's CPU: scaled by the share of the window the lcore thread was on its CPU
oncpu = min(1.0, lcore_s / wall) if wall > 0 else 1.0
proxy_s = busy_raw * oncpu if t == "synq" else proc_s
nginx_s = (num(f + ".nginx1") - num(f + ".nginx0")) / tck
wrk_s, hping_s = utime(f + ".wrk-time"), utime(f + ".hping-time")
hp = 0
try:
    hm = re.search(r"(\d+) packets transmitted", open(f + ".hping").read())
    hp = int(hm.group(1)) if hm else 0
except OSError:
    pass
machine = busy("cpu")
softirq, irq, system = d("cpu", 6), d("cpu", 5), d("cpu", 2)
rx_sirq = d("cpu0", 6)
r = {"target": t, "run": run, "mode": mode, "requests": reqs, "wrk_seconds": dur,
     "rate": reqs / dur if dur else 0.0, "p50_ms": ms(p50.group(1)) if p50 else None,
     "p99_ms": ms(p99.group(1)) if p99 else None, "errors": sum(errs.values()),
     "error_kinds": errs, "proxy_s": proxy_s, "proxy_process_s": proc_s,
     "rx_softirq_s": rx_sirq, "proxy_only_s": proxy_s + rx_sirq,
     "machine_s": machine, "machine_system_s": system, "machine_softirq_s": softirq,
     "machine_irq_s": irq, "cpu0_busy_s": busy("cpu0"), "cpu1_busy_s": busy("cpu1"),
     "cpu1_softirq_s": d("cpu1", 6), "nginx_s": nginx_s, "wrk_s": wrk_s,
     "hping_s": hping_s, "flood_sent": hp, "wall_s": wall, "ksoftirqd_s": ksirq_s,
     "synq_busy_raw_s": busy_raw if t == "synq" else None,
     "synq_lcore_oncpu": oncpu if t == "synq" else None}
idle = proc_s - proxy_s if t == "synq" else 0.0
# a softirq that runs in a process's context (a veth's receive runs in the sender's
# send call) is in that process's system time and also in /proc/stat's softirq: the
# run's own work is its processes' time and ksoftirqd's, not those plus softirq_s
r["ours_s"] = proc_s + nginx_s + wrk_s + hping_s + ksirq_s
r["other_s"] = machine - r["ours_s"]
r["ours_work_s"] = r["ours_s"] - idle
json.dump(r, open(f + ".json", "w"), indent=1)
PY
}

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
e2e_synq_start --config "$E2E_DIR/synq.json" --stats-interval-ms 100 --duration "$RUN_SPAN"
for t in /proc/"$E2E_SYNQ_PID"/task/*; do
	case "$(cat "$t/comm")" in *worker-1) LCORE_TID=${t##*/} ;; esac
done
[ -n "$LCORE_TID" ] || e2e_fail "no lcore 1 thread in synq ($(cat /proc/"$E2E_SYNQ_PID"/task/*/comm | tr '\n' ' '))"
HZ=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tsc_hz"])' "$E2E_STATS")
for run in $RUNS; do
	for mode in $MODES; do
		sleep 0.5
		run_one synq "$run" "$mode" "$E2E_SYNQ_PID"
	done
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
ip netns exec "$E2E_SNS" timeout "$RUN_SPAN" taskset -c 1 haproxy -db -f "$E2E_DIR/haproxy.cfg" \
	>"$E2E_DIR/haproxy.out" 2>&1 &
PIDS+=($!)
disown $!
for _ in $(seq 50); do
	nsc curl -s -m 1 -o /dev/null "http://$SYNQ_IPV4/" && break
	sleep 0.1
done
# haproxy -db writes no pid file: it is the child of our timeout(1)
hpid=$(pgrep -P "${PIDS[-1]}" haproxy) || { cat "$E2E_DIR/haproxy.out"; e2e_fail "haproxy did not start"; }
for run in $RUNS; do
	for mode in $MODES; do
		sleep 0.5
		LCORE_TID=""
		run_one haproxy "$run" "$mode" "$hpid"
	done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

if [ -n "$PERF_DIR" ]; then
	for t in synq haproxy; do
		[ -f "$PERF_DIR/$t-close.data" ] || continue
		perf report -i "$PERF_DIR/$t-close.data" --no-children --sort cpu,comm,dso --stdio \
			2>/dev/null | grep -v '^$' | grep -v '^#' | grep '%' | head -40 >"$PERF_DIR/$t-close.dso.txt"
		perf report -i "$PERF_DIR/$t-close.data" --no-children --sort sym --stdio -g none \
			2>/dev/null | grep '%' | grep -v '^#' | head -50 >"$PERF_DIR/$t-close.sym.txt"
		echo "# perf $t, plain close, by CPU, command, object (top 15; $PERF_DIR/$t-close.*.txt):"
		head -15 "$PERF_DIR/$t-close.dso.txt"
	done
fi

python3 - "$E2E_DIR" "$SECONDS_RUN" "$CONNS" "$HPING_IV" "$LOAD_START" "$LOAD_END" \
	"$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)" "${JSON_OUT:-}" \
	"$RUNS" "$MODES" <<'PY'
import json, os, sys
dirn, secs, conns, hiv, l0, l1, commit, out, runs, modes = sys.argv[1:11]
d = {"seconds": int(secs), "connections": int(conns), "hping_interval": hiv,
     "load_start": l0, "load_end": l1, "commit": commit, "runs": {}}
print("%-7s %-5s %-9s %8s %5s %5s %4s %5s %5s %5s %5s %5s %5s %5s %5s %7s %7s" % (
    "target", "run", "mode", "rate/s", "p50ms", "p99ms", "err", "proxy", "rxsi",
    "p-onl", "ours", "mach", "sirq", "sys", "other", "/p-only", "/ours"))
ways = ("proxy_s", "proxy_only_s", "ours_s", "ours_work_s", "machine_s")
for run in runs.split():
    d["runs"][run] = {}
    for mode in modes.split():
        e = {}
        for t in ("synq", "haproxy"):
            e[t] = json.load(open(os.path.join(dirn, "%s-%s-%s.json" % (t, run, mode))))
            x = e[t]
            for k in ways:
                x["per_" + k] = x["requests"] / x[k] if x[k] > 0 else None
            print("%-7s %-5s %-9s %8.0f %5.2f %5.1f %4d %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %7.0f %7.0f" % (
                t, run, mode, x["rate"], x["p50_ms"] or 0, x["p99_ms"] or 0, x["errors"],
                x["proxy_s"], x["rx_softirq_s"], x["proxy_only_s"], x["ours_s"], x["machine_s"],
                x["machine_softirq_s"], x["machine_system_s"], x["other_s"],
                x["per_proxy_only_s"] or 0, x["per_ours_s"] or 0))
        s, h = e["synq"], e["haproxy"]
        def rat(k):
            return s[k] / h[k] if s.get(k) and h.get(k) else None
        e["ratio"] = {"rate": rat("rate")}
        for k in ways:
            e["ratio"]["per_" + k] = rat("per_" + k)
        d["runs"][run][mode] = e
print("synq / HAProxy: the rate; the work (requests; with close, connections) a CPU-second of:"
      " the proxy; the proxy + CPU 0's softirq; the run's own processes and kernel work"
      " (ours); ours less synq's idle polls; the whole machine (with others' work)")
for run in runs.split():
    for mode in modes.split():
        r = d["runs"][run][mode]["ratio"]
        f = lambda v: "%.2fx" % v if v else "n/a"
        print("  %-5s %-9s rate %s; a CPU-second: proxy %s, proxy+rx %s, ours %s, ours-idle %s,"
              " machine %s; client errors synq %d, HAProxy %d" % (
                  run, mode, f(r["rate"]), f(r["per_proxy_s"]), f(r["per_proxy_only_s"]),
                  f(r["per_ours_s"]), f(r["per_ours_work_s"]), f(r["per_machine_s"]),
                  d["runs"][run][mode]["synq"]["errors"], d["runs"][run][mode]["haproxy"]["errors"]))
print("load average (1, 5, 15 min): %s at the start, %s at the end" % (l0, l1))
if out:
    json.dump(d, open(out, "w"), indent=1)
PY
if [ -n "$PLOT_OUT" ] && [ -n "$JSON_OUT" ]; then
	plotpy=""
	for p in python3 /usr/bin/python3; do
		"$p" -c 'import matplotlib' 2>/dev/null && { plotpy=$p; break; }
	done
	if [ -n "$plotpy" ]; then
		"$plotpy" "$here/proxy-vs-haproxy-plot.py" -o "$PLOT_OUT" "$JSON_OUT"
	else
		e2e_log "no python3 with matplotlib: no plot (apt-get install python3-matplotlib)"
	fi
elif [ -n "$PLOT_OUT" ]; then
	e2e_log "--plot needs --json FILE"
fi
