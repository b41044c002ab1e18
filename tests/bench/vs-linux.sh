#!/usr/bin/env bash
# synq beside the Linux kernel, same machine, same run: one generator (synq-gen over
# net_af_packet into a veth, lcore 0), the same offered rates, two targets on the other
# end of a veth at 198.18.0.1:80:
#
#   linux   a network namespace, the kernel's listener (python3 accept + close, backlog
#           1024), tcp_syncookies 1 and then 2, somaxconn / tcp_max_syn_backlog left at
#           their defaults; its softirq steered to core 1 with RPS. CPU: core 1's
#           system + irq + softirq time from /proc/stat over the step.
#   synq    a network namespace, synq on its end of the veth through net_af_packet
#           (--link af_xdp: net_af_xdp, an AF_XDP socket on the veth, native XDP, copy
#           mode; the generator stays on net_af_packet, so the offered load and the
#           latency clock are the same as for the other targets and links),
#           lcore 1, listener port 80 backlog 1024 app reset, syncookies 1,
#           max_syn_backlog 1024. CPU: the delta of SynqBusyCycles / tsc_hz (the work;
#           its core busy-polls, so /proc/stat shows 100 %). Also an estimate of how
#           much of it is the kernel's af_packet I/O inside synq's polls (core 1's
#           system + softirq time while synq is alone there) and synq's own part.
#
# Per target and step: offered pps, SYN-ACKs a second (counted by the generator, and
# by the server's own counters: nstat deltas for Linux, the stats file for synq), CPU
# seconds per million SYNs offered, SYN-ACKs per CPU-second, legitimate connect success
# (handshake clients that got their SYN-ACK and sent the final ACK / clients offered;
# and the stricter server's view: its TcpPassiveOpens / clients offered), SYN ->
# SYN-ACK latency p50/p99/p99.9 of those clients; then synq / Linux per step, and where SYNs
# went unanswered (Linux's accept-queue overflows, frames lost before synq).
#
# A benchmark: it prints figures and writes them (JSON, CSV, a gnuplot .dat, PNGs when
# gnuplot is there). It asserts nothing about speed; it exits non-zero only when a run
# could not be made (no root, a process that did not start, a generator that failed).
#
#   sudo tests/bench/vs-linux.sh [options]      (--help lists them)
#
# Safety: every DPDK process runs --no-pci --no-huge -m 256 with its own --file-prefix;
# one busy-polling DPDK process per core (synq-gen on lcore 0, synq on lcore 1, never
# two at once on a core); every process is bounded in time (--duration, timeout);
# traffic only between namespaces made here, addresses in 198.18.0.0/15; the EXIT trap
# stops the processes started here (by PID) and removes the namespaces (and with them
# the veths), the work directory and /var/run/dpdk/<prefix>.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# ---- options ------------------------------------------------------------------------
ORIG_ARGS=("$@")
STEPS="25000,50000,100000,200000,400000,max"
DURATION=5
TARGETS="linux,synq"
LINUX_COOKIES="1,2"
MIN_CONNECTS=500
OUT_DIR="$root/build/bench/vs-linux"
JSON_OUT=""
CSV_OUT=""
DAT_OUT=""
PLOT_DIR=""
PLOTS=1
INSTALL=1
KEEP=0
STATS_MS=1000
LINK=af_packet
RX_DESC=""
SYNQ_BIN=${SYNQ_BIN:-$root/build/app/synq/synq}
GEN_BIN=${SYNQ_GEN_BIN:-$(dirname "$SYNQ_BIN")/../synq-gen/synq-gen}

usage() {
	cat <<EOF
usage: $0 [options]           (root: makes network namespaces)
  --steps LIST         offered rates in packets a second, comma-separated; "max" =
                       as fast as the link takes (default $STEPS)
  --duration S         seconds of traffic per step (default $DURATION)
  --targets LIST       linux, synq or both (default $TARGETS)
  --linux-syncookies L tcp_syncookies values for the Linux passes (default $LINUX_COOKIES)
  --min-connects N     raise the handshake share of slow steps so that about N
                       legitimate connects are offered per step (default $MIN_CONNECTS;
                       the share is 1 % at least, 50 % at most)
  --out-dir DIR        where results go by default (default build/bench/vs-linux)
  --json PATH          the figures as JSON (default OUT_DIR/vs-linux.json)
  --csv PATH           one line per target and step (default OUT_DIR/vs-linux.csv)
  --dat PATH           one line per step, a column group per target, for gnuplot
                       (default OUT_DIR/vs-linux.dat)
  --plot-dir DIR       where the PNGs go (default OUT_DIR; the gnuplot script
                       vs-linux.gp goes beside the .dat)
  --no-plots           no PNGs
  --no-install         do not apt-get install gnuplot-nox when it is missing
  --keep-work          keep the work directory (raw generator, nstat and stats files)
  --link L            synq's port: af_packet (net_af_packet) or af_xdp (net_af_xdp on
                       the same veth); the generator and the Linux target are the same
                       for both (default $LINK)
  --synq-rx-desc N     synq's ports[].rx_desc (default: synq's own; on af_xdp the depth
                       of the XDP socket's rx ring, ignored by net_af_packet)
  --synq-stats-ms N    synq's stats interval (default $STATS_MS, synq's own default: with
                       one lcore for everything, each dump stalls its polling)
  --help
Environment: SYNQ_BIN, SYNQ_GEN_BIN (default: the build directory's).
EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--steps|--duration|--targets|--linux-syncookies|--min-connects|--out-dir|--json|--csv|--dat|--plot-dir|--synq-stats-ms|--link|--synq-rx-desc)
		[ $# -ge 2 ] || { echo "vs-linux: $1 needs a value" >&2; exit 2; } ;;
	esac
	case "$1" in
	--steps) STEPS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--targets) TARGETS=$2; shift 2 ;;
	--linux-syncookies) LINUX_COOKIES=$2; shift 2 ;;
	--min-connects) MIN_CONNECTS=$2; shift 2 ;;
	--out-dir) OUT_DIR=$2; shift 2 ;;
	--json) JSON_OUT=$2; shift 2 ;;
	--csv) CSV_OUT=$2; shift 2 ;;
	--dat) DAT_OUT=$2; shift 2 ;;
	--plot-dir) PLOT_DIR=$2; shift 2 ;;
	--no-plots) PLOTS=0; shift ;;
	--no-install) INSTALL=0; shift ;;
	--keep-work) KEEP=1; shift ;;
	--synq-stats-ms) STATS_MS=$2; shift 2 ;;
	--link) LINK=$2; shift 2 ;;
	--synq-rx-desc) RX_DESC=$2; shift 2 ;;
	--help|-h) usage; exit 0 ;;
	*) echo "vs-linux: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done

die() { echo "vs-linux: $*" >&2; exit 1; }
log() { printf '# %s\n' "$*"; }

[[ "$DURATION" =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "${DURATION%%.*}" -ge 1 ] && [ "${DURATION%%.*}" -le 60 ] ||
	die "--duration: 1..60 seconds"
[[ "$MIN_CONNECTS" =~ ^[0-9]+$ ]] || die "--min-connects: a number"
[[ "$STATS_MS" =~ ^[0-9]+$ ]] && [ "$STATS_MS" -ge 50 ] && [ "$STATS_MS" -le 2000 ] || die "--synq-stats-ms: 50..2000"
case "$LINK" in af_packet|af_xdp) ;; *) die "--link: af_packet or af_xdp" ;; esac
[ -z "$RX_DESC" ] || { [[ "$RX_DESC" =~ ^[0-9]+$ ]] && [ "$RX_DESC" -ge 64 ] && [ "$RX_DESC" -le 16384 ]; } ||
	die "--synq-rx-desc: 64..16384"
IFS=, read -r -a STEP_LIST <<<"$STEPS"
[ "${#STEP_LIST[@]}" -ge 1 ] || die "--steps: empty"
for s in "${STEP_LIST[@]}"; do
	[ "$s" = max ] || { [[ "$s" =~ ^[0-9]+$ ]] && [ "$s" -ge 1 ]; } || die "--steps: \"$s\" is not a rate or max"
done
DO_LINUX=0 DO_SYNQ=0
IFS=, read -r -a tl <<<"$TARGETS"
for t in "${tl[@]}"; do
	case "$t" in linux) DO_LINUX=1 ;; synq) DO_SYNQ=1 ;; *) die "--targets: linux, synq" ;; esac
done
IFS=, read -r -a COOKIE_LIST <<<"$LINUX_COOKIES"
for v in "${COOKIE_LIST[@]}"; do [[ "$v" =~ ^[012]$ ]] || die "--linux-syncookies: 0, 1, 2"; done
[ "$DO_LINUX" = 1 ] || COOKIE_LIST=()

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "SKIP: needs root and iproute2"
	exit 77
fi
[ -x "$SYNQ_BIN" ] || die "no synq at $SYNQ_BIN (build first: ninja -C build)"
[ -x "$GEN_BIN" ] || die "no synq-gen at $GEN_BIN"
for c in python3 nstat ethtool taskset timeout; do
	command -v "$c" >/dev/null || die "needs $c"
done
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (generator on 0, target on 1)"
PY=$(python3 -c 'import sys; print(sys.executable)')

JSON_OUT=${JSON_OUT:-$OUT_DIR/vs-linux.json}
CSV_OUT=${CSV_OUT:-$OUT_DIR/vs-linux.csv}
DAT_OUT=${DAT_OUT:-$OUT_DIR/vs-linux.dat}
PLOT_DIR=${PLOT_DIR:-$OUT_DIR}

# ---- names (all carry this run's id) -----------------------------------------------
ID=$$
NS_GEN="vsl-gen-$ID"      # the generator
NS_SRV="vsl-srv-$ID"      # the Linux listener
NS_SYNQ="vsl-synq-$ID"    # synq
IF_GL="vgl$ID"            # generator's end of the veth to Linux
IF_SL="vsl$ID"            # Linux's end
IF_GS="vgs$ID"            # generator's end of the veth to synq
IF_SS="vss$ID"            # synq's end
GEN_PREFIX="vsl-gen-$ID"
SYNQ_PREFIX="vsl-synq-$ID"
GEN_MAC_L=02:53:47:00:00:01
GEN_MAC_S=02:53:47:00:00:02
SRV_MAC=02:53:4c:00:00:01
SYNQ_MAC=02:53:51:00:00:01
SRV_IP=198.18.0.1
GW_IP=198.18.0.2          # the generator side, for routes back (it has no address)
PORT=80
BACKLOG=1024

WORK=""
GEN_PID="" SYNQ_PID="" LISTEN_PID=""

# stop_pid PID: SIGTERM (a timeout(1) passes it on), wait up to 5 s, then SIGKILL the
# process and its direct children, by PID.
stop_pid() {
	local pid=$1 kids
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kids=$(pgrep -P "$pid" 2>/dev/null)
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		[ -n "$kids" ] && kill -KILL $kids 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	stop_pid "$GEN_PID"
	stop_pid "$SYNQ_PID"
	stop_pid "$LISTEN_PID"
	GEN_PID="" SYNQ_PID="" LISTEN_PID=""
	ip netns del "$NS_GEN" 2>/dev/null
	ip netns del "$NS_SRV" 2>/dev/null
	ip netns del "$NS_SYNQ" 2>/dev/null
	if [ -n "$WORK" ]; then
		if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
	fi
	rm -rf "/var/run/dpdk/$GEN_PREFIX" "/var/run/dpdk/$SYNQ_PREFIX"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

WORK=$(mktemp -d /tmp/synq-vs-linux.XXXXXX)
log "vs-linux: id $ID, namespaces $NS_GEN $NS_SRV $NS_SYNQ, work dir $WORK"

# ---- plots need gnuplot --------------------------------------------------------------
if [ "$PLOTS" = 1 ] && ! command -v gnuplot >/dev/null; then
	if [ "$INSTALL" = 1 ] && command -v apt-get >/dev/null; then
		log "installing gnuplot-nox for the plots"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null 2>&1; }
	fi
	command -v gnuplot >/dev/null || { log "no gnuplot: no PNGs (the .dat is written)"; PLOTS=0; }
fi

# ---- topology ------------------------------------------------------------------------
nsg() { ip netns exec "$NS_GEN" "$@"; }
nss() { ip netns exec "$NS_SRV" "$@"; }
nsq() { ip netns exec "$NS_SYNQ" "$@"; }

ip netns add "$NS_GEN" || die "ip netns add $NS_GEN"
nsg sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
nsg ip link set lo up

if [ "$DO_LINUX" = 1 ]; then
	ip netns add "$NS_SRV" || die "ip netns add $NS_SRV"
	# disable_ipv6 before the veth arrives: no router solicitations, no MLD on the link
	nss sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
	ip link add "$IF_GL" netns "$NS_GEN" address "$GEN_MAC_L" type veth \
		peer name "$IF_SL" netns "$NS_SRV" address "$SRV_MAC" || die "ip link add veth (linux)"
	nsg ip link set "$IF_GL" up
	nss ip link set lo up
	# a /24: the flood's sources (198.18.128.0/17) and the clients (198.19.0.0/16) are
	# then off-link, reached through the generator side without one ARP each
	nss ip addr add "$SRV_IP/24" dev "$IF_SL"
	nss ip link set "$IF_SL" up
	nss ip neigh replace "$GW_IP" lladdr "$GEN_MAC_L" nud permanent dev "$IF_SL"
	nss ip route add default via "$GW_IP" dev "$IF_SL"
	# the kernel's partial checksums would look corrupt to the generator
	nss ethtool -K "$IF_SL" tx off >/dev/null 2>&1 || true
	# the listener's softirq on core 1 (the generator busy-polls core 0)
	nss sh -c "echo 2 > /sys/class/net/$IF_SL/queues/rx-0/rps_cpus" || die "RPS"
fi
if [ "$DO_SYNQ" = 1 ]; then
	ip netns add "$NS_SYNQ" || die "ip netns add $NS_SYNQ"
	nsq sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
	# net_af_xdp cannot set a MAC: its veth end carries synq's from the start
	smac=(); [ "$LINK" = af_xdp ] && smac=(address "$SYNQ_MAC")
	ip link add "$IF_GS" netns "$NS_GEN" address "$GEN_MAC_S" type veth \
		peer name "$IF_SS" netns "$NS_SYNQ" "${smac[@]}" || die "ip link add veth (synq)"
	nsg ip link set "$IF_GS" up
	nsq ip link set "$IF_SS" up
fi

# ---- measurement helpers -------------------------------------------------------------
# cpu_snap FILE: /proc/stat's cpu0 and cpu1 lines (USER_HZ ticks)
cpu_snap() { grep -E '^cpu[01] ' /proc/stat >"$1"; }
# softnet_snap FILE: /proc/net/softnet_stat (per CPU: processed, dropped, squeezed, ...)
softnet_snap() { cat /proc/net/softnet_stat >"$1"; }
# sched_snap FILE: ksoftirqd/1's CPU ticks (softirq work deferred from core 1), and
# how often synq's lcore thread (its main thread, on lcore 1) lost its core
sched_snap() {
	local ks
	ks=$(pgrep -x ksoftirqd/1 | head -1)
	{
		echo "ksoftirqd1_ticks $( [ -n "$ks" ] && awk '{print $14 + $15}' "/proc/$ks/stat" 2>/dev/null || echo 0)"
		if [ -n "$SYNQ_PID" ]; then
			echo "synq_nonvoluntary $(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "/proc/$SYNQ_PID/status" 2>/dev/null || echo 0)"
		fi
	} >"$1"
}
# link_snap NS IF FILE: the interface's statistics as JSON
link_snap() { ip -n "$1" -s -j link show dev "$2" >"$3" 2>/dev/null || echo '[]' >"$3"; }

# synq_fresh FILE: a copy of synq's stats file written after now (waits for the next
# dump, one interval at most)
synq_fresh() {
	local t0
	t0=$(date +%s.%N)
	for _ in $(seq $(( STATS_MS / 50 + 20 ))); do
		sleep 0.05
		if "$PY" - "$WORK/stats.json" "$t0" <<'PY' 2>/dev/null
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["time_unix"] > float(sys.argv[2]) else 1)
PY
		then
			cp "$WORK/stats.json" "$1"
			return 0
		fi
	done
	cp "$WORK/stats.json" "$1"
	return 1
}

# mix_for RATE: the handshake share (percent) giving about MIN_CONNECTS clients a step
mix_for() {
	local rate=$1 hs
	if [ "$rate" = max ]; then
		hs=1
	else
		hs=$("$PY" -c "import math,sys; r,d,n=float(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(max(1, min(50, math.ceil(100.0*n/(r*d)))))" "$rate" "$DURATION" "$MIN_CONNECTS")
	fi
	echo "syn=$((100 - hs)),handshake=$hs"
}

# run_step TARGET_KEY IFACE DST_MAC INDEX RATE: one generator run with snapshots around
run_step() {
	local key=$1 iface=$2 dmac=$3 i=$4 rate=$5 mix r d rc
	d="$WORK/$key-$i"
	mkdir -p "$d"
	mix=$(mix_for "$rate")
	r=$rate; [ "$r" = max ] && r=0
	echo "$rate" >"$d/step"; echo "$mix" >"$d/mix"
	if [ "$key" = synq ]; then
		synq_fresh "$d/synq-pre.json" || log "note: synq's stats file is not fresh"
		link_snap "$NS_SYNQ" "$IF_SS" "$d/link-pre.json"
	else
		nss nstat -asz -j >"$d/nstat-pre.json"
		link_snap "$NS_SRV" "$IF_SL" "$d/link-pre.json"
	fi
	link_snap "$NS_GEN" "$iface" "$d/genlink-pre.json"
	softnet_snap "$d/softnet-pre"
	sched_snap "$d/sched-pre"
	cpu_snap "$d/cpu-pre"
	date +%s.%N >"$d/t-pre"
	# bounded by --duration, and by timeout if it hangs; SIGINT makes it report
	# (ip netns exec execs its command: $! is timeout's PID; taskset keeps EAL's start-up
	# and control threads on core 0 too, out of the target's CPU figures)
	ip netns exec "$NS_GEN" timeout -s INT -k 5 "$(( ${DURATION%%.*} + 30 ))" \
		taskset -c 0 "$GEN_BIN" --no-pci --no-huge -m 256 \
		--file-prefix "$GEN_PREFIX" -l 0 --vdev "net_af_packet0,iface=$iface" -- \
		--dst "$SRV_IP" --dport "$PORT" --dst-mac "$dmac" --mix "$mix" --rate "$r" \
		--duration "$DURATION" --close rst --quiet --json "$d/gen.json" \
		>"$d/gen.out" 2>"$d/gen.err" &
	GEN_PID=$!
	wait "$GEN_PID"
	rc=$?
	GEN_PID=""
	rm -rf "/var/run/dpdk/$GEN_PREFIX"
	# the last SYN-ACKs and the listener's last accepts (the generator drained 200 ms)
	sleep 0.2
	date +%s.%N >"$d/t-post"
	cpu_snap "$d/cpu-post"
	sched_snap "$d/sched-post"
	softnet_snap "$d/softnet-post"
	link_snap "$NS_GEN" "$iface" "$d/genlink-post.json"
	if [ "$key" = synq ]; then
		link_snap "$NS_SYNQ" "$IF_SS" "$d/link-post.json"
		synq_fresh "$d/synq-post.json" || log "note: synq's stats file is not fresh"
	else
		nss nstat -asz -j >"$d/nstat-post.json"
		link_snap "$NS_SRV" "$IF_SL" "$d/link-post.json"
	fi
	echo "$rc" >"$d/rc"
	if [ "$rc" != 0 ] || [ ! -s "$d/gen.json" ]; then
		log "$key step $rate: synq-gen exited with $rc"
		sed 's/^/#   /' "$d/gen.err" | tail -5
		return 1
	fi
	"$PY" - "$d/gen.json" "$key" "$rate" "$mix" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
o = g["offered"]
hs = o["handshake"]["packets"]
print("# %-8s step %-7s mix %-19s offered %8.0f pps, SYN-ACKs %8.0f/s, connects %d/%d, p50 %.0f us p99 %.0f us p99.9 %.0f us"
      % (sys.argv[2], sys.argv[3], sys.argv[4], o["total"]["pps"], g["received"]["synacks_per_s"],
         g["handshakes"]["completed"], hs, g["latency_us"]["p50"], g["latency_us"]["p99"],
         g["latency_us"]["p999"]))
PY
	return 0
}

machine_json() {
	"$PY" - <<'PY'
import json, os, platform, subprocess
model = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        model = line.split(":", 1)[1].strip()
        break
def rd(p):
    try:
        return open(p).read().strip()
    except OSError:
        return None
print(json.dumps({"nproc": os.cpu_count(), "cpu_model": model,
                  "kernel": platform.release(), "kernel_version": platform.version(),
                  "hypervisor": next((l.split(":", 1)[1].strip() for l in subprocess.run(
                      ["lscpu"], capture_output=True, text=True).stdout.splitlines()
                      if l.startswith("Hypervisor vendor")), None),
                  "netdev_max_backlog": rd("/proc/sys/net/core/netdev_max_backlog")}))
PY
}

# ---- the runs --------------------------------------------------------------------------
n_steps=${#STEP_LIST[@]}
n_passes=$(( ${#COOKIE_LIST[@]} + DO_SYNQ ))
est=$(( n_passes * n_steps * (${DURATION%%.*} + 2) + DO_SYNQ * n_steps * STATS_MS / 1000 + 5 ))
log "steps: ${STEPS} pps, ${DURATION} s each; passes: $( [ "$DO_LINUX" = 1 ] && echo "linux (tcp_syncookies ${LINUX_COOKIES})") $( [ "$DO_SYNQ" = 1 ] && echo synq); about ${est} s"
failed=0
: >"$WORK/passes"

if [ "$DO_LINUX" = 1 ]; then
	# the listener: accept and close (RST: linger 0, like synq's app reset), pinned to
	# core 1 with the softirq, so its system time is counted with it
	cat >"$WORK/listen.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(int(sys.argv[3]))
print("listening", flush=True)
linger = struct.pack("ii", 1, 0)
while True:
    c, _ = s.accept()
    try:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    except OSError:
        pass
    c.close()
PY
	bound=$(( ${#COOKIE_LIST[@]} * n_steps * (${DURATION%%.*} + 40) + 30 ))
	ip netns exec "$NS_SRV" timeout -s TERM -k 3 "$bound" \
		taskset -c 1 "$PY" "$WORK/listen.py" "$SRV_IP" "$PORT" "$BACKLOG" \
		>"$WORK/listen.out" 2>"$WORK/listen.err" &
	LISTEN_PID=$!
	for _ in $(seq 50); do
		nss ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q LISTEN && break
		kill -0 "$LISTEN_PID" 2>/dev/null || break
		sleep 0.1
	done
	nss ss -Hltn "sport = :$PORT" | grep -q LISTEN || { cat "$WORK/listen.err" >&2; die "the Linux listener did not start"; }
	nss sysctl -n net.core.somaxconn net.ipv4.tcp_max_syn_backlog >"$WORK/linux-sysctl"
	log "linux: $NS_SRV $SRV_IP:$PORT backlog $BACKLOG, somaxconn $(sed -n 1p "$WORK/linux-sysctl"), tcp_max_syn_backlog $(sed -n 2p "$WORK/linux-sysctl"), RPS to core 1"
	for sc in "${COOKIE_LIST[@]}"; do
		nss sysctl -qw "net.ipv4.tcp_syncookies=$sc"
		key="linux-sc$sc"
		echo "$key" >>"$WORK/passes"
		for i in "${!STEP_LIST[@]}"; do
			run_step "$key" "$IF_GL" "$SRV_MAC" "$i" "${STEP_LIST[$i]}" || failed=1
		done
	done
	stop_pid "$LISTEN_PID"
	LISTEN_PID=""
fi

if [ "$DO_SYNQ" = 1 ]; then
	if [ "$LINK" = af_xdp ]; then
		SYNQ_DEV=net_af_xdp0 port_mac=""
		# libxdp wants a bpffs for its dispatcher; ip netns exec gives synq a /sys of its
		# own (a mount namespace that ends with it), where this mounts one if missing
		# shellcheck disable=SC2016
		wrap=(sh -c 'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null; exec "$@"' sh)
	else
		SYNQ_DEV=net_af_packet0 port_mac="\"mac\": \"$SYNQ_MAC\"," wrap=()
	fi
	rxd=""; [ -n "$RX_DESC" ] && rxd=", \"rx_desc\": $RX_DESC"
	cat >"$WORK/synq.json" <<JSON
{
	"ports": [ { "name": "$SYNQ_DEV", $port_mac "ipv4": ["$SRV_IP"]$rxd } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "$SYNQ_DEV", "queue": 0 } ] } ],
	"tcp": { "syncookies": 1, "max_syn_backlog": $BACKLOG },
	"listeners": [ { "port": $PORT, "backlog": $BACKLOG, "app": "reset" } ],
	"stats": { "interval_ms": $STATS_MS }
}
JSON
	bound=$(( n_steps * (${DURATION%%.*} + 40) + 30 ))
	# lcore 1 only: it polls, runs the app and the control duties
	ip netns exec "$NS_SYNQ" "${wrap[@]}" "$SYNQ_BIN" --no-pci --no-huge -m 256 --file-prefix "$SYNQ_PREFIX" -l 1 \
		--vdev "$SYNQ_DEV,iface=$IF_SS" -- \
		--config "$WORK/synq.json" --stats-file "$WORK/stats.json" --duration "$bound" \
		>"$WORK/synq.out" 2>"$WORK/synq.err" &
	SYNQ_PID=$!
	for _ in $(seq 100); do
		[ -s "$WORK/stats.json" ] && grep -q '"tsc_hz"' "$WORK/stats.json" && break
		kill -0 "$SYNQ_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SYNQ_PID" 2>/dev/null && [ -s "$WORK/stats.json" ] ||
		{ tail -5 "$WORK/synq.err" >&2; die "synq did not start"; }
	sleep 0.5  # its gratuitous ARPs
	log "synq: $NS_SYNQ $SRV_IP:$PORT backlog $BACKLOG app reset, syncookies 1, max_syn_backlog $BACKLOG, lcore 1, $SYNQ_DEV${RX_DESC:+, rx_desc $RX_DESC}"
	echo synq >>"$WORK/passes"
	for i in "${!STEP_LIST[@]}"; do
		run_step synq "$IF_GS" "$SYNQ_MAC" "$i" "${STEP_LIST[$i]}" || failed=1
	done
	kill -TERM "$SYNQ_PID" 2>/dev/null
	wait "$SYNQ_PID"
	rc=$?
	SYNQ_PID=""
	rm -rf "/var/run/dpdk/$SYNQ_PREFIX"
	[ "$rc" = 0 ] || { log "synq exited with $rc"; tail -5 "$WORK/synq.err" | sed 's/^/#   /'; failed=1; }
fi

# ---- figures ---------------------------------------------------------------------------
mkdir -p "$(dirname "$JSON_OUT")" "$(dirname "$CSV_OUT")" "$(dirname "$DAT_OUT")"
[ "$PLOTS" = 1 ] && mkdir -p "$PLOT_DIR"
machine_json >"$WORK/machine.json"
VSL_STATS_MS=$STATS_MS VSL_LINK=$LINK VSL_RX_DESC=$RX_DESC "$PY" - "$WORK" "$STEPS" "$DURATION" "$JSON_OUT" "$CSV_OUT" "$DAT_OUT" "$BACKLOG" \
	"$(printf '%q ' "$0" "${ORIG_ARGS[@]}")" <<'PY' || failed=1
import csv, json, math, os, sys

work, steps, duration, json_out, csv_out, dat_out, backlog, cmd = sys.argv[1:9]
steps = steps.split(",")
passes = [l.strip() for l in open(os.path.join(work, "passes")) if l.strip()]
machine = json.load(open(os.path.join(work, "machine.json")))

def load(p):
    try:
        return json.load(open(p))
    except (OSError, ValueError):
        return None

def cpu(path):
    out = {}
    for line in open(path):
        f = line.split()
        v = [int(x) for x in f[1:]]
        v += [0] * (10 - len(v))
        out[f[0]] = dict(zip(["user", "nice", "system", "idle", "iowait", "irq", "softirq",
                              "steal", "guest", "guest_nice"], v))
    return out

def softnet(path):
    rows = [l.split() for l in open(path) if l.strip()]
    return [{"processed": int(r[0], 16), "dropped": int(r[1], 16)} for r in rows]

def link(path):
    j = load(path) or []
    if not j:
        return {}
    s = j[0].get("stats64", j[0].get("stats", {}))
    return {"rx_packets": s["rx"]["packets"], "rx_dropped": s["rx"]["dropped"],
            "tx_packets": s["tx"]["packets"], "tx_dropped": s["tx"]["dropped"]}

def delta(a, b):
    return {k: b[k] - a[k] for k in b if k in a and isinstance(b[k], (int, float))}

HZ = os.sysconf("SC_CLK_TCK")
LINK = os.environ.get("VSL_LINK", "af_packet")

rows = []
for key in passes:
    for i, step in enumerate(steps):
        d = os.path.join(work, "%s-%d" % (key, i))
        g = load(os.path.join(d, "gen.json"))
        r = {"target": "synq" if key == "synq" else "linux", "key": key, "step": step,
             "rate": 0 if step == "max" else int(step),
             "mix": open(os.path.join(d, "mix")).read().strip() if os.path.exists(os.path.join(d, "mix")) else None,
             "ok": g is not None}
        if key.startswith("linux-sc"):
            r["syncookies"] = int(key[len("linux-sc"):])
        else:
            r["syncookies"] = 1
        if g is None:
            rows.append(r)
            continue
        t = float(open(os.path.join(d, "t-post")).read()) - float(open(os.path.join(d, "t-pre")).read())
        send_s = g["send_s"]
        o = g["offered"]
        syns = o["syn"]["packets"] + o["handshake"]["packets"]
        c0, c1 = cpu(os.path.join(d, "cpu-pre")), cpu(os.path.join(d, "cpu-post"))
        cpud = {c: {k: (c1[c][k] - c0[c][k]) / HZ for k in c1[c]} for c in c1}
        sn0, sn1 = softnet(os.path.join(d, "softnet-pre")), softnet(os.path.join(d, "softnet-post"))
        sn = [{k: b[k] - a[k] for k in b} for a, b in zip(sn0, sn1)]
        lk = delta(link(os.path.join(d, "link-pre.json")), link(os.path.join(d, "link-post.json")))
        def kv(p):
            try:
                return {l.split()[0]: int(l.split()[1]) for l in open(p) if len(l.split()) == 2}
            except (OSError, ValueError):
                return {}
        sch = delta(kv(os.path.join(d, "sched-pre")), kv(os.path.join(d, "sched-post")))
        glk = delta(link(os.path.join(d, "genlink-pre.json")), link(os.path.join(d, "genlink-post.json")))
        r.update({
            "send_s": send_s, "window_s": t,
            "offered_pps": o["total"]["pps"], "offered_syns": syns,
            "offered_flood_pps": o["syn"]["pps"],
            "clients_offered": o["handshake"]["packets"],
            "gen_tx_full": g["sent"]["tx_full"],
            "synacks_gen": g["received"]["synacks"],
            "synacks_gen_per_s": g["received"]["synacks_per_s"],
            "connects_completed": g["handshakes"]["completed"],
            "connect_success": (g["handshakes"]["completed"] / o["handshake"]["packets"]
                                if o["handshake"]["packets"] else None),
            "latency_us": g["latency_us"],
            "gen_failures": g["failures"],
            "gen_stalls": g["generator"],
            "gen_rx_other": g["received"]["other"],
            "cpu_s_proc_stat": {c: cpud[c] for c in cpud},
            "softnet_delta": sn[:2],
            "server_link_delta": lk, "gen_link_delta": glk,
            "ksoftirqd1_cpu_s": sch.get("ksoftirqd1_ticks", 0) / HZ,
            "synq_preemptions": sch.get("synq_nonvoluntary"),
        })
        if r["target"] == "linux":
            n0 = load(os.path.join(d, "nstat-pre.json"))["kernel"]
            n1 = load(os.path.join(d, "nstat-post.json"))["kernel"]
            nd = delta(n0, n1)
            keep = ["TcpInSegs", "TcpOutSegs", "TcpOutRsts", "TcpRetransSegs", "TcpPassiveOpens",
                    "TcpExtSyncookiesSent", "TcpExtSyncookiesRecv", "TcpExtSyncookiesFailed",
                    "TcpExtTCPReqQFullDoCookies", "TcpExtTCPReqQFullDrop", "TcpExtListenOverflows",
                    "TcpExtListenDrops", "TcpExtTCPSynRetrans", "IpInReceives", "TcpInCsumErrors"]
            r["server_counters"] = {k: nd.get(k, 0) for k in keep}
            c = cpud["cpu1"]
            r["cpu_s"] = c["system"] + c["irq"] + c["softirq"]
            r["cpu_what"] = "core 1 system+irq+softirq (/proc/stat)"
        else:
            s0 = load(os.path.join(d, "synq-pre.json"))
            s1 = load(os.path.join(d, "synq-post.json"))
            sd = delta(s0["counters"], s1["counters"])
            keep = ["SynqRxFrames", "SynqTxFrames", "SynqBusyCycles", "SynqDropTxFull",
                    "TcpInSegs", "TcpOutSegs", "TcpOutRsts", "TcpPassiveOpens",
                    "TcpExtSyncookiesSent", "TcpExtSyncookiesRecv", "TcpExtSyncookiesFailed",
                    "TcpExtTCPReqQFullDoCookies", "TcpExtListenOverflows", "TcpExtListenDrops",
                    "TcpExtTCPSynRetrans", "TcpEstabResets", "SynqAppAccepted", "IpInReceives",
                    "TcpInCsumErrors", "SynqSynDuplicates", "SynqTcpDropNoConnection",
                    "SynqEstabTableFull", "SynqTcpDropRst"]
            r["server_counters"] = {k: sd.get(k, 0) for k in keep}
            p0, p1 = s0["ports"][0], s1["ports"][0]
            r["server_port_delta"] = {k: p1[k] - p0[k] for k in ("ipackets", "opackets", "imissed", "ierrors", "oerrors", "rx_nombuf")}
            r["tsc_hz"] = s1["tsc_hz"]
            r["cpu_s"] = sd["SynqBusyCycles"] / s1["tsc_hz"]
            r["cpu_what"] = "SynqBusyCycles / tsc_hz"
            # synq is alone on core 1: its system + softirq time there is the kernel's
            # part of its busy polls (af_packet sendto, the veth, the delivery of its
            # SYN-ACKs to the generator's socket); the rest is synq's own user-space work
            c = cpud["cpu1"]
            r["cpu_s_kernel_in_busy"] = min(r["cpu_s"], c["system"] + c["irq"] + c["softirq"])
            r["cpu_s_userspace"] = r["cpu_s"] - r["cpu_s_kernel_in_busy"]
        sc = r["server_counters"]
        r["synacks_server"] = sc["TcpOutSegs"] - sc["TcpOutRsts"]
        r["synacks_server_per_s"] = r["synacks_server"] / send_s
        r["cookies_per_s"] = sc["TcpExtSyncookiesSent"] / send_s
        r["passive_opens"] = sc["TcpPassiveOpens"]
        # stricter than the generator's view: handshakes the server completed (its
        # TcpPassiveOpens; only the clients send final ACKs) over clients offered
        r["accepted_ratio"] = (sc["TcpPassiveOpens"] / o["handshake"]["packets"]
                               if o["handshake"]["packets"] else None)
        cs = r["cpu_s"]
        r["cpu_s_per_m_syns"] = cs / syns * 1e6 if syns and cs > 0 else None
        r["synacks_per_cpu_s"] = r["synacks_gen"] / cs if cs > 0 else None
        r["cpu_us_per_synack"] = cs / r["synacks_gen"] * 1e6 if r["synacks_gen"] else None
        if "cpu_s_userspace" in r:
            u = r["cpu_s_userspace"]
            r["synacks_per_cpu_s_userspace"] = r["synacks_gen"] / u if u > 0 else None
        rows.append(r)

def get(key, step):
    for r in rows:
        if r["key"] == key and r["step"] == step:
            return r
    return None

def ratio(a, b):
    if a is None or b is None or not b:
        return None
    v = a / b
    return v if math.isfinite(v) else None

ratios = []
linux_keys = [k for k in passes if k != "synq"]
if "synq" in passes:
    for lk in linux_keys:
        for step in steps:
            s, l = get("synq", step), get(lk, step)
            if not (s and l and s["ok"] and l["ok"]):
                continue
            ratios.append({
                "step": step, "vs": lk,
                "offered_pps": ratio(s["offered_pps"], l["offered_pps"]),
                "synacks_per_s": ratio(s["synacks_gen_per_s"], l["synacks_gen_per_s"]),
                "synacks_per_cpu_s": ratio(s["synacks_per_cpu_s"], l["synacks_per_cpu_s"]),
                "synacks_per_cpu_s_userspace": ratio(s.get("synacks_per_cpu_s_userspace"), l["synacks_per_cpu_s"]),
                "cpu_s_per_m_syns_linux_over_synq": ratio(l["cpu_s_per_m_syns"], s["cpu_s_per_m_syns"]),
                "connect_success_synq": s["connect_success"],
                "connect_success_linux": l["connect_success"],
                "accepted_synq": s["accepted_ratio"],
                "accepted_linux": l["accepted_ratio"],
                "latency_p50": ratio(s["latency_us"]["p50"], l["latency_us"]["p50"]),
                "latency_p99": ratio(s["latency_us"]["p99"], l["latency_us"]["p99"]),
                "latency_p999": ratio(s["latency_us"]["p999"], l["latency_us"]["p999"]),
            })

def fmt(v, f="%.0f"):
    return "-" if v is None else f % v

def si(v):
    if v is None:
        return "-"
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return "%.3g%s" % (v / div, suf)
    return "%.3g" % v

print()
print("synq beside Linux: %d s a step, generator synq-gen (net_af_packet, lcore 0), target on core 1, "
      "synq on net_%s" % (float(duration), LINK))
hdr = ("target", "step", "offered", "SYN-ACK/s", "srv SA/s", "cookies/s", "CPU s",
       "CPU s/M SYN", "SYN-ACK/CPU-s", "connects ok", "accepted", "p50 us", "p99 us", "p99.9 us")
w = (11, 7, 8, 9, 8, 9, 6, 11, 13, 17, 8, 8, 8, 8)
line = lambda vals: "  ".join(str(v).rjust(n) for v, n in zip(vals, w))
print(line(hdr))
for r in rows:
    if not r["ok"]:
        print(line((r["key"], r["step"], "failed") + ("",) * 11))
        continue
    print(line((r["key"], r["step"], si(r["offered_pps"]), si(r["synacks_gen_per_s"]),
                si(r["synacks_server_per_s"]), si(r["cookies_per_s"]), fmt(r["cpu_s"], "%.3f"),
                fmt(r["cpu_s_per_m_syns"], "%.3f"), si(r["synacks_per_cpu_s"]),
                "%d/%d %5.1f%%" % (r["connects_completed"], r["clients_offered"],
                                    100 * (r["connect_success"] or 0)),
                "%.1f%%" % (100 * (r["accepted_ratio"] or 0)),
                fmt(r["latency_us"]["p50"], "%.1f"), fmt(r["latency_us"]["p99"], "%.1f"),
                fmt(r["latency_us"]["p999"], "%.1f"))))
notes = []
for r in rows:
    if not r["ok"]:
        continue
    sc = r["server_counters"]
    if r["target"] == "linux" and sc.get("TcpExtListenOverflows"):
        notes.append("%s %s: %d SYNs dropped with the accept queue full (TcpExtListenOverflows): "
                     "the accept loop shares core 1 with the softirq" % (r["key"], r["step"], sc["TcpExtListenOverflows"]))
    if r["target"] == "synq":
        lost = r["server_link_delta"].get("rx_packets", 0) - r["server_port_delta"]["ipackets"]
        r["lost_before_synq"] = lost
        if lost > 0:
            notes.append("synq %s: %d frames the veth delivered never reached synq (%s ring full; "
                         "imissed +%d)" % (r["step"], lost, "AF_XDP rx or fill" if LINK == "af_xdp" else "af_packet",
                                           r["server_port_delta"]["imissed"]))
    if sc.get("SynqEstabTableFull"):
        notes.append("synq %s: %d of %d connections accepted from a cookie found the accepted-flow table "
                     "full (SynqEstabTableFull: not remembered against a replayed final ACK)"
                     % (r["step"], sc["SynqEstabTableFull"], sc["TcpExtSyncookiesRecv"]))
    if r["gen_failures"]["total"]:
        notes.append("%s %s: generator failures %s" % (r["key"], r["step"], r["gen_failures"]))
if notes:
    print()
    print("where SYNs went unanswered:")
    for n in notes:
        print("  " + n)
split = [r for r in rows if r["ok"] and "cpu_s_userspace" in r]
if split:
    print()
    print("synq's busy CPU split, an estimate (core 1 system+softirq while synq is alone there = the kernel's")
    print("%s I/O inside its polls; /proc/stat is sampled at the tick, so small figures are noisy):" % LINK)
    for r in split:
        print("  step %-7s busy %.3f s = kernel %.3f s + synq user space %.3f s; SYN-ACKs per user-space CPU-s %s;"
              " synq's thread switched out involuntarily %s times (ksoftirqd/1 ran %.2f s)"
              % (r["step"], r["cpu_s"], r["cpu_s_kernel_in_busy"], r["cpu_s_userspace"],
                 si(r.get("synacks_per_cpu_s_userspace")), r.get("synq_preemptions"), r["ksoftirqd1_cpu_s"]))
if ratios:
    print()
    print("synq / Linux per step (SYN-ACKs per CPU-second: the target is >= 20x; reported, not asserted)")
    hdr2 = ("vs", "step", "offered", "SYN-ACK/s", "SYN-ACK/CPU-s", "(user only)", "ok synq", "ok linux", "p50", "p99", "p99.9")
    w2 = (11, 7, 8, 9, 13, 11, 8, 8, 7, 7, 7)
    line2 = lambda vals: "  ".join(str(v).rjust(n) for v, n in zip(vals, w2))
    print(line2(hdr2))
    for q in ratios:
        print(line2((q["vs"], q["step"], fmt(q["offered_pps"], "%.2fx"), fmt(q["synacks_per_s"], "%.2fx"),
                     fmt(q["synacks_per_cpu_s"], "%.1fx"), fmt(q["synacks_per_cpu_s_userspace"], "%.1fx"),
                     fmt(100 * q["connect_success_synq"] if q["connect_success_synq"] is not None else None, "%.1f%%"),
                     fmt(100 * q["connect_success_linux"] if q["connect_success_linux"] is not None else None, "%.1f%%"),
                     fmt(q["latency_p50"], "%.2fx"), fmt(q["latency_p99"], "%.2fx"),
                     fmt(q["latency_p999"], "%.2fx"))))

summary = {}
for lk in linux_keys:
    v = [q["synacks_per_cpu_s"] for q in ratios if q["vs"] == lk and q["synacks_per_cpu_s"]]
    if v:
        summary[lk] = {"synacks_per_cpu_s_ratio_min": min(v), "synacks_per_cpu_s_ratio_max": max(v),
                       "synacks_per_cpu_s_ratio_median": sorted(v)[len(v) // 2],
                       "steps_at_or_above_20x": sum(1 for x in v if x >= 20), "steps": len(v)}
        print("synq / %s, SYN-ACKs per CPU-second: %.1fx .. %.1fx (median %.1fx); >= 20x at %d of %d steps"
              % (lk, min(v), max(v), sorted(v)[len(v) // 2], summary[lk]["steps_at_or_above_20x"], len(v)))
        u = [q["synacks_per_cpu_s_userspace"] for q in ratios if q["vs"] == lk and q["synacks_per_cpu_s_userspace"]]
        if u:
            summary[lk].update({"userspace_ratio_min": min(u), "userspace_ratio_max": max(u),
                                "userspace_ratio_median": sorted(u)[len(u) // 2],
                                "userspace_steps_at_or_above_20x": sum(1 for x in u if x >= 20)})
            print("    counting synq's user-space CPU only: %.1fx .. %.1fx (median %.1fx); >= 20x at %d of %d steps"
                  % (min(u), max(u), sorted(u)[len(u) // 2], summary[lk]["userspace_steps_at_or_above_20x"], len(u)))

doc = {
    "benchmark": "synq beside Linux", "command": cmd.strip(), "machine": machine,
    "config": {"steps": steps, "duration_s": float(duration), "generator": "synq-gen, net_af_packet over a veth, lcore 0, --close rst",
               "linux": {"listener": "python3 accept + close (SO_LINGER 0), backlog %s, pinned to core 1" % backlog,
                         "rps_cpus": "2 (core 1)", "cpu": "core 1 system+irq+softirq from /proc/stat",
                         "sysctl": open(os.path.join(work, "linux-sysctl")).read().split() if os.path.exists(os.path.join(work, "linux-sysctl")) else None},
               "link": LINK,
               "synq": {"lcore": 1, "listener": "port 80 backlog %s app reset" % backlog,
                        "port": "net_%s over the veth" % LINK,
                        "rx_desc": int(os.environ["VSL_RX_DESC"]) if os.environ.get("VSL_RX_DESC") else None,
                        "stats_interval_ms": int(os.environ.get("VSL_STATS_MS", "0")) or None,
                        "syncookies": 1, "max_syn_backlog": int(backlog), "cpu": "SynqBusyCycles / tsc_hz"}},
    "results": rows, "ratios": ratios, "summary": summary,
}
json.dump(doc, open(json_out, "w"), indent=2)

cols = ["key", "target", "syncookies", "step", "rate", "mix", "offered_pps", "synacks_gen_per_s",
        "synacks_server_per_s", "cookies_per_s", "cpu_s", "cpu_s_per_m_syns", "synacks_per_cpu_s",
        "clients_offered", "connects_completed", "connect_success", "passive_opens", "accepted_ratio",
        "latency_p50_us", "latency_p99_us", "latency_p999_us"]
with open(csv_out, "w", newline="") as f:
    wr = csv.writer(f)
    wr.writerow(cols)
    for r in rows:
        if not r["ok"]:
            continue
        rr = dict(r, latency_p50_us=r["latency_us"]["p50"], latency_p99_us=r["latency_us"]["p99"],
                  latency_p999_us=r["latency_us"]["p999"])
        wr.writerow([rr.get(c) for c in cols])

# gnuplot: one line per step, a group of columns per pass (order in the header)
grp = ["offered_pps", "synacks_gen_per_s", "connect_pct", "p50_us", "p99_us", "cpu_s_per_m_syns",
       "synacks_per_cpu_s", "synacks_per_cpu_s_userspace", "accepted_pct"]
with open(dat_out, "w") as f:
    f.write("# synq beside Linux (tests/bench/vs-linux.sh); '?' = missing\n")
    f.write("# columns: 1 index, 2 step, then for each of %s: %s\n" % (", ".join(passes), ", ".join(grp)))
    f.write("# " + " ".join(["index", "step"] + ["%s:%s" % (p, g) for p in passes for g in grp]) + "\n")
    for i, step in enumerate(steps):
        vals = [str(i), step]
        for p in passes:
            r = get(p, step)
            if not r or not r["ok"]:
                vals += ["?"] * len(grp)
                continue
            vals += ["%.1f" % r["offered_pps"], "%.1f" % r["synacks_gen_per_s"],
                     "%.2f" % (100 * (r["connect_success"] or 0)), "%.1f" % r["latency_us"]["p50"],
                     "%.1f" % r["latency_us"]["p99"], fmt(r["cpu_s_per_m_syns"], "%.4f").replace("-", "?"),
                     fmt(r["synacks_per_cpu_s"], "%.1f").replace("-", "?"),
                     fmt(r.get("synacks_per_cpu_s_userspace"), "%.1f").replace("-", "?"),
                     "%.2f" % (100 * (r["accepted_ratio"] or 0))]
        f.write(" ".join(vals) + "\n")
with open(os.path.join(work, "passes.gp"), "w") as f:
    f.write(" ".join(passes))
PY
[ -s "$JSON_OUT" ] && log "wrote $JSON_OUT, $CSV_OUT, $DAT_OUT"

# ---- plots -------------------------------------------------------------------------------
if [ "$PLOTS" = 1 ] && [ -s "$DAT_OUT" ]; then
	gp="$(dirname "$DAT_OUT")/vs-linux.gp"
	passes=$(cat "$WORK/passes.gp")
	{
		echo "# gnuplot -e \"dat='vs-linux.dat'; outdir='.'\" vs-linux.gp   (written by tests/bench/vs-linux.sh)"
		echo "if (!exists('dat')) dat = 'vs-linux.dat'"
		echo "if (!exists('outdir')) outdir = '.'"
		echo "set terminal pngcairo size 900,560 font 'sans,11' noenhanced"
		echo "set datafile missing '?'"
		echo "set grid"
		echo "set xlabel 'offered load (packets/s, 99 % spoofed SYNs)'"
		echo "set format x '%.0s%c'"
		# the same colour for a target in every plot
		echo "set linetype 1 lc rgb '#1f77b4' lw 2 pt 7"
		echo "set linetype 2 lc rgb '#2ca02c' lw 2 pt 5"
		echo "set linetype 3 lc rgb '#d62728' lw 2 pt 9"
		n=0; plot1=""; plot2=""; plot3=""
		for p in $passes; do
			base=$((3 + n * 9))
			case "$p" in
			synq) title="synq (syncookies 1, net_$LINK)"; lt=3 ;;
			linux-sc2) title="Linux (tcp_syncookies 2)"; lt=2 ;;
			*) title="Linux (tcp_syncookies ${p#linux-sc})"; lt=1 ;;
			esac
			plot1+="${plot1:+, }dat u $base:$((base + 2)) w lp lt $lt t '$title: SYN-ACK received'"
			plot1+=", dat u $base:$((base + 8)) w lp lt $lt dt 2 pt 6 t '$title: accepted by the server'"
			plot2+="${plot2:+, }dat u $base:$((base + 1)) w lp lt $lt t '$title'"
			plot3+="${plot3:+, }dat u $base:$((base + 6)) w lp lt $lt t '$title'"
			[ "$p" = synq ] && plot3+=", dat u $base:$((base + 7)) w lp lt $lt dt 2 pt 4 t 'synq, user space only (busy less $LINK kernel time)'"
			n=$((n + 1))
		done
		echo "set output outdir.'/vs-linux-connects.png'"
		echo "set title 'Legitimate connects completed during the flood (same generator, same rates)'"
		echo "set key bottom left box opaque"
		echo "set ylabel 'legitimate connects / attempted (%)'; set yrange [0:105]"
		echo "plot $plot1"
		echo "set output outdir.'/vs-linux-synacks.png'"
		echo "set title 'SYN-ACKs answered vs offered load (one core for the target)'"
		echo "set key top left box opaque"
		echo "set ylabel 'SYN-ACKs/s received by the generator'; set format y '%.0s%c'; set autoscale y"
		echo "plot x w l dt 3 lc rgb 'gray' t 'every SYN answered', $plot2"
		echo "set output outdir.'/vs-linux-efficiency.png'"
		echo "set title 'SYN-ACKs per CPU-second (Linux: core 1 system+softirq; synq: SynqBusyCycles)'"
		echo "set ylabel 'SYN-ACKs per CPU-second'; set logscale y; set key bottom right box opaque"
		echo "plot $plot3"
	} >"$gp"
	if gnuplot -e "dat='$DAT_OUT'; outdir='$PLOT_DIR'" "$gp" 2>"$WORK/gnuplot.err"; then
		log "plots: $PLOT_DIR/vs-linux-connects.png, vs-linux-synacks.png, vs-linux-efficiency.png ($gp)"
	else
		log "gnuplot failed: $(head -3 "$WORK/gnuplot.err")"
	fi
fi

exit "$failed"
