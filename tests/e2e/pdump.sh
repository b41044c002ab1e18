#!/usr/bin/env bash
# dpdk-pdump captures synq's port (issue 15, 4): synq calls rte_pdump_init(), so
# dpdk-pdump, a secondary process of synq's --file-prefix, copies port 0's rx and tx
# (named by its device, net_af_packet0, as docs/deploy.md advises) into a pcap while
# a Linux client makes 5 connections; tshark reads it back and the test finds in it
# a whole handshake: the client's SYN, synq's SYN-ACK, the client's ACK, of one
# connection, in that order.
# A secondary process maps the primary's memory: a --no-huge primary cannot host one
# in DPDK 22.11 ("Could not open .../hugepage_data"). So this test reserves 2 MiB
# hugepages (256 more, a hugetlbfs of its own limited to 512 MB) and gives both back
# at exit, however it ends (a watchdog sees to it when the test is killed); it fails,
# saying so, when the kernel will not reserve them.
. "$(dirname "$0")/lib.sh"
for tool in dpdk-pdump tshark python3; do
	command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
done
e2e_setup
here=$(dirname "$0")
PAGES=256
HUGE_DIR=""
HUGE_WAS=""
PDUMP_PID=""

# pdump_stop: SIGINT to timeout(1), which passes it on to dpdk-pdump; a dpdk-pdump
# that is still there 3 s later is killed (by its PID, timeout's child)
pdump_stop() {
	kill -INT "$PDUMP_PID" 2>/dev/null
	for _ in $(seq 30); do kill -0 "$PDUMP_PID" 2>/dev/null || return 0; sleep 0.1; done
	pkill -KILL -P "$PDUMP_PID"
	kill -KILL "$PDUMP_PID" 2>/dev/null
}

# The 2 MiB pages' own knob: /proc/sys/vm/nr_hugepages counts pages of the default
# size, 1 GiB on a host booted with default_hugepagesz=1G (256 of them, 256 GiB).
HP=/sys/kernel/mm/hugepages/hugepages-2048kB
[ -w "$HP/nr_hugepages" ] || e2e_fail "no 2 MiB hugepages to reserve ($HP)"

# huge_release: what this test took back, once: the processes that map the pages
# killed (they exit by themselves on the way that works), the mount detached (lazily:
# the pages go with the last process that maps them), nr_hugepages as it was.
# "$HUGE_DIR.held" is there while something is to give back, with the PIDs to kill.
huge_release() {
	[ -e "$HUGE_DIR.held" ] || return 0
	for pid in $(cat "$HUGE_DIR.held"); do
		pkill -KILL -P "$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	done
	umount "$HUGE_DIR" 2>/dev/null || umount -l "$HUGE_DIR" 2>/dev/null
	rmdir "$HUGE_DIR" 2>/dev/null
	echo "$HUGE_WAS" >"$HP/nr_hugepages"
	rm -f "$HUGE_DIR.held"
}

pdump_cleanup() {
	[ -n "$PDUMP_PID" ] && pdump_stop
	e2e_cleanup # synq stops: its hugepage files are closed
	# both gone their way: no PID of theirs is killed again (it may be reused)
	[ -n "$HUGE_DIR" ] && : >"$HUGE_DIR.held" && huge_release
}

# the processes that map the pages, for huge_release
huge_pids() {
	echo "$E2E_SYNQ_PID $PDUMP_PID" >"$HUGE_DIR.held"
}
trap pdump_cleanup EXIT

HUGE_WAS=$(cat "$HP/nr_hugepages")
free_before=$(cat "$HP/free_hugepages")
HUGE_DIR=$(mktemp -d /tmp/synq-huge.XXXXXX)
: >"$HUGE_DIR.held"
# the watchdog: in a session of its own, so that no signal to the test's process
# group reaches it (meson kills a test past its timeout so: SIGTERM, then SIGKILL
# 0.5 s later), it gives back what the test took, once the test is gone however it
# ended (a SIGKILL runs no trap); nothing when the trap gave it back already
# shellcheck disable=SC2016 # expanded by the watchdog's shell
setsid bash -c "$(declare -f huge_release)"'
	HP=$1 HUGE_DIR=$2 HUGE_WAS=$3
	while kill -0 "$4" 2>/dev/null; do sleep 0.2; done
	huge_release' _ "$HP" "$HUGE_DIR" "$HUGE_WAS" "$$" </dev/null >/dev/null 2>&1 &
echo $((HUGE_WAS + PAGES)) >"$HP/nr_hugepages" 2>/dev/null
free_now=$(cat "$HP/free_hugepages")
[ "$free_now" -ge $((free_before + PAGES)) ] ||
	e2e_fail "cannot reserve $PAGES hugepages of 2 MiB (free $free_before, now $free_now): the capture needs them"
mount -t hugetlbfs -o pagesize=2M,size=$((PAGES * 2))M nodev "$HUGE_DIR" ||
	e2e_fail "cannot mount hugetlbfs on $HUGE_DIR"

E2E_MEM=(--huge-dir "$HUGE_DIR" -m 256)
e2e_synq_start # the built-in config: port 80 accepts and closes
huge_pids
grep -q 'dpdk-pdump cannot capture' "$E2E_DIR/synq.err" && e2e_fail "$(cat "$E2E_DIR/synq.err")"

# dpdk-pdump: one pcap for rx and tx, a small pool of its own (2048 mbufs, 4.5 MB); bounded
# by timeout(1), stopped by SIGINT (it then detaches from synq and closes the file);
# its stdout line-buffered, to see when it captures
pcap="$E2E_DIR/synq.pcap"
timeout -s INT 30 stdbuf -oL dpdk-pdump --no-pci --huge-dir "$HUGE_DIR" --file-prefix "$E2E_PREFIX" \
	-l 0 -- --pdump "device_id=net_af_packet0,queue=*,rx-dev=$pcap,tx-dev=$pcap,total-num-mbufs=2048" \
	>"$E2E_DIR/pdump.out" 2>&1 &
PDUMP_PID=$!
huge_pids
for _ in $(seq 100); do
	grep -q 'capture for' "$E2E_DIR/pdump.out" && break
	kill -0 "$PDUMP_PID" 2>/dev/null || e2e_fail "dpdk-pdump: $(cat "$E2E_DIR/pdump.out")"
	sleep 0.1
done
grep -q 'capture for' "$E2E_DIR/pdump.out" || e2e_fail "dpdk-pdump did not start capturing"
sleep 0.5 # its request to synq is served in synq's multi-process thread

got=$(ip netns exec "$E2E_NS" python3 "$here/tcpclient.py" seq 5 "$SYNQ_IPV4" 80)
[ "$got" = 5 ] || e2e_fail "$got of 5 connects while capturing"
sleep 0.5
kill -INT "$PDUMP_PID"
wait "$PDUMP_PID" # timeout(1) waits for dpdk-pdump and exits with its status
rc=$?
PDUMP_PID=""
huge_pids
[ "$rc" = 0 ] || e2e_fail "dpdk-pdump exited with $rc: $(cat "$E2E_DIR/pdump.out")"
e2e_log "dpdk-pdump: $(grep -E 'packets (dequeued|transmitted)' "$E2E_DIR/pdump.out" | tr -s '\t ' ' ' | tr '\n' ';')"

tshark -r "$pcap" -Y "tcp.port == 80" -T fields -e tcp.stream -e ip.src -e tcp.flags \
	>"$E2E_DIR/tcp.txt" 2>"$E2E_DIR/tshark.err" || e2e_fail "tshark: $(cat "$E2E_DIR/tshark.err")"
python3 - "$E2E_DIR/tcp.txt" "$SYNQ_IPV4" "$PEER_IPV4" <<'PY' || e2e_fail "no whole handshake in the capture"
import sys
seen = {}  # tcp.stream -> the handshake's steps seen in order
for line in open(sys.argv[1]):
    stream, src, flags = line.split()
    flags = int(flags, 16) & 0x17  # FIN, SYN, RST, ACK
    step = {(sys.argv[3], 0x02): 0, (sys.argv[2], 0x12): 1, (sys.argv[3], 0x10): 2}.get((src, flags))
    if step is not None and seen.get(stream, 0) == step:
        seen[stream] = step + 1
whole = sum(1 for s in seen.values() if s == 3)
print("# %d frames on port 80 captured, %d whole handshakes (SYN, SYN-ACK, ACK)"
      % (sum(1 for _ in open(sys.argv[1])), whole))
sys.exit(0 if whole >= 1 else 1)
PY
e2e_synq_stop
