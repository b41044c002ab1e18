#!/usr/bin/env bash
# synq on net_af_xdp (AF_XDP sockets on its ends of two veths) instead of
# net_af_packet, with --no-huge: the client namespace's handshakes (curl against the
# http app over IPv4 and IPv6, 100 sequential connects), then a bounded hping3 flood of
# spoofed SYNs from the flooder namespace (second veth, second AF_XDP port) while 100
# more connects must complete. The ports have no "mac": synq answers with each veth's
# own address (the neighbour entry the client learns must be it); the flood port's
# rx_desc 1000 must be rounded up to the power of two the kernel wants. Checks: the cookie
# counters grew, the ports' counters in the stats file, a "mac" the PMD cannot set is
# a clear config error, synq exits 0 on SIGTERM and its XDP programs leave the veths.
#
# libxdp wants a BPF filesystem at /sys/fs/bpf for its dispatcher; "ip netns exec"
# gives synq a fresh /sys in a mount namespace of its own, so synq is started under a
# shell that mounts one there when it is missing: the mount lives and dies with that
# namespace (nothing to unmount in the test's). Without the dispatcher (a kernel that
# refuses its program, or no bpffs) libxdp loads its single program: the same for synq.
# Skips (77) only where AF_XDP cannot work: no AF_XDP sockets in the kernel, or a DPDK
# without net_af_xdp.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flooder.sh"
here=$(dirname "$0")
e2e_skip_unless_root
for tool in hping3 curl python3; do
	command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
done
# AF_XDP = 44: EAFNOSUPPORT when the kernel has no XDP sockets (CONFIG_XDP_SOCKETS)
python3 -c 'import socket; socket.socket(44, socket.SOCK_RAW).close()' 2>/dev/null ||
	{ echo "SKIP: the kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS)"; exit 77; }
# EAL loads net_af_xdp from DPDK's driver directory (or synq links it in statically):
# any one of the places will do (ls of both would fail, and skip, when one is empty,
# as in a static DPDK's install, which has no driver directory)
libdir=$(pkg-config --variable=libdir libdpdk 2>/dev/null)
afxdp_pmd=""
for f in "$libdir"/librte_net_af_xdp.* "$libdir"/dpdk/pmds-*/librte_net_af_xdp.*; do
	[ -e "$f" ] && afxdp_pmd=$f
done
if [ -n "$libdir" ] && [ -z "$afxdp_pmd" ]; then
	echo "SKIP: this DPDK has no net_af_xdp (built without libxdp/libbpf)"
	exit 77
fi

flooder_setup
# both ports on AF_XDP; queue 0 of each veth, the PMD's default
E2E_VDEV0="net_af_xdp0,iface=$E2E_HOST"
E2E_EAL_EXTRA=(--vdev "net_af_xdp1,iface=$FL_HOST")
# shellcheck disable=SC2016 # expanded by that shell, in synq's mount namespace
E2E_WRAP=(sh -c 'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf ||
	echo "af_xdp.sh: no bpffs at /sys/fs/bpf" >&2; exec "$@"' sh)

# FILE [MAC]: both ports, no "mac" unless given (then on port 0); the flood port's
# rx_desc is not a power of two, which the XDP socket's rings need (synq rounds it up)
afxdp_config() {
	local mac=""
	[ $# -ge 2 ] && mac="\"mac\": \"$2\","
	cat >"$1" <<JSON
{
	"ports": [
		{ "name": "net_af_xdp0", $mac "ipv4": ["$SYNQ_IPV4"], "ipv6": ["$SYNQ_IPV6"] },
		{ "name": "net_af_xdp1", "ipv4": ["$SYNQ_FL_IPV4"], "rx_desc": 1000 }
	],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [
		{ "port": "net_af_xdp0", "queue": 0 },
		{ "port": "net_af_xdp1", "queue": 0 } ] } ],
	"tcp": { "syncookies": 1, "max_syn_backlog": 256 },
	"listeners": [ { "address": "*", "port": 80, "backlog": 4096, "app": "http" } ]
}
JSON
}

# A "mac" the device cannot take is an error naming the key, not a silent other MAC.
afxdp_config "$E2E_DIR/mac.json" "$SYNQ_MAC"
ip netns exec "$E2E_SNS" "${E2E_WRAP[@]}" timeout 20 "$SYNQ_BIN" --no-pci --no-huge -m 256 \
	--file-prefix "$E2E_PREFIX" -l 0,1 --vdev "$E2E_VDEV0" "${E2E_EAL_EXTRA[@]}" -- \
	--config "$E2E_DIR/mac.json" --duration 5 >"$E2E_DIR/mac.out" 2>"$E2E_DIR/mac.err"
rc=$?
rm -rf "/var/run/dpdk/$E2E_PREFIX"
if [ "$rc" = 0 ]; then
	e2e_log "note: this net_af_xdp took the configured MAC"
else
	grep -q 'ports\[0\]\.mac' "$E2E_DIR/mac.err" ||
		{ tail -5 "$E2E_DIR/mac.err" >&2; e2e_fail "a refused \"mac\" did not name ports[0].mac"; }
	e2e_log "\"mac\" refused: $(grep -o 'config error: ports\[0\]\.mac.*' "$E2E_DIR/mac.err" | head -1)"
fi

afxdp_config "$E2E_DIR/synq.json"
e2e_synq_start --stats-interval-ms 100 --duration 50 --config "$E2E_DIR/synq.json"
grep -q 'net_af_xdp0 (port 0) started' "$E2E_DIR/synq.err" || e2e_fail "no AF_XDP port started"
e2e_log "$(grep -o 'pool synq_mbuf_s0.*' "$E2E_DIR/synq.err")"
ip -n "$E2E_SNS" link show "$E2E_HOST" | grep -q 'xdp' || e2e_fail "no XDP program on $E2E_HOST"
e2e_log "$E2E_HOST: $(ip -n "$E2E_SNS" -d link show "$E2E_HOST" | grep -o 'prog/xdp[^ ]* id [0-9]*' | head -1)"

flooder_ping_both
veth_mac=$(ip netns exec "$E2E_SNS" cat "/sys/class/net/$E2E_HOST/address")
learnt=$(ip -n "$E2E_NS" neigh show "$SYNQ_IPV4" | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2)
[ "$learnt" = "$veth_mac" ] || e2e_fail "synq answered ARP with $learnt, its veth's MAC is $veth_mac"
e2e_log "synq kept its veth's MAC $veth_mac"

# handshakes (and a request each) from the client namespace, IPv4 and IPv6
for a in "$SYNQ_IPV4" "[$SYNQ_IPV6]"; do
	code=$(nsc curl -s -g -o /dev/null -m 5 -w '%{http_code}' "http://$a/") || true
	[ "$code" = 200 ] || e2e_fail "curl http://$a/ -> ${code:-nothing}"
done
got=$(nsc timeout 20 python3 "$here/tcpclient.py" seq 100 "$SYNQ_IPV4" 80)
[ "$got" = 100 ] || e2e_fail "only ${got:-0} of 100 connects completed"
e2e_log "curl over IPv4 and IPv6: 200; 100/100 sequential connects"

sleep 0.3
cp "$E2E_STATS" "$E2E_DIR/before.json"
# the flood: bounded in time and count; SIGINT makes hping3 print its statistics
ip netns exec "$FL_NS" timeout -s INT 6 hping3 --flood -S --rand-source -p 80 -c 1000000 "$SYNQ_FL_IPV4" \
	>"$E2E_DIR/hping.out" 2>&1 &
FLOOD_PID=$!
sleep 1
kill -0 "$FLOOD_PID" 2>/dev/null || { cat "$E2E_DIR/hping.out"; e2e_fail "hping3 exited early"; }
got=$(nsc timeout 20 python3 "$here/tcpclient.py" seq 100 "$SYNQ_IPV4" 80)
flood_stop INT
sent=$(grep -o '^[0-9]* packets transmitted' "$E2E_DIR/hping.out" | grep -o '^[0-9]*')
e2e_log "during the flood (hping3: ${sent:-?} SYNs sent): ${got:-0}/100 connects"
[ "$got" = 100 ] || e2e_fail "only ${got:-0} of 100 connects completed during the flood"
sleep 0.5
cp "$E2E_STATS" "$E2E_DIR/after.json"

python3 - "$E2E_DIR/before.json" "$E2E_DIR/after.json" <<'PY' || e2e_fail "counters: $(cat "$E2E_DIR/after.json")"
import json, sys
b, a = (json.load(open(f)) for f in sys.argv[1:3])
cb, ca = b["counters"], a["counters"]
d = {k: ca[k] - cb[k] for k in ca if isinstance(ca[k], int) and k in cb}
def port(doc, name):
    return [p for p in doc["ports"] if p["name"] == name][0]
fl = {k: port(a, "net_af_xdp1")[k] - port(b, "net_af_xdp1")[k]
      for k in ("ipackets", "opackets", "imissed", "ierrors")}
cl = {k: port(a, "net_af_xdp0")[k] - port(b, "net_af_xdp0")[k] for k in ("ipackets", "opackets")}
print("# flood port: ipackets +%(ipackets)d, opackets +%(opackets)d, imissed +%(imissed)d, "
      "ierrors +%(ierrors)d" % fl)
print("# client port: ipackets +%(ipackets)d, opackets +%(opackets)d" % cl)
print("# TcpExtSyncookiesSent +%d, TcpExtTCPReqQFullDoCookies +%d, TcpExtSyncookiesRecv +%d, "
      "TcpPassiveOpens +%d, SynqDropTxFull +%d, SynqIpDropBadSource +%d, SynqSynTableEntries %d"
      % (d["TcpExtSyncookiesSent"], d["TcpExtTCPReqQFullDoCookies"], d["TcpExtSyncookiesRecv"],
         d["TcpPassiveOpens"], d["SynqDropTxFull"], d["SynqIpDropBadSource"],
         ca["SynqSynTableEntries"]))
assert fl["ipackets"] >= 1000, ("flood port ipackets", fl)
assert fl["opackets"] >= 1000, ("flood port opackets (SYN-ACKs)", fl)
assert d["TcpExtSyncookiesSent"] >= 1000, ("TcpExtSyncookiesSent grew by", d["TcpExtSyncookiesSent"])
assert d["TcpExtTCPReqQFullDoCookies"] > 0, d["TcpExtTCPReqQFullDoCookies"]
assert d["TcpPassiveOpens"] >= 100, ("TcpPassiveOpens", d["TcpPassiveOpens"])
assert cl["ipackets"] >= 300 and cl["opackets"] >= 200, ("client port", cl)
assert ca["SynqSynTableEntries"] <= 256, ca["SynqSynTableEntries"]
PY

nsc ping -c 2 -i 0.2 -W 2 "$SYNQ_IPV4" >/dev/null || e2e_fail "no ping reply after the flood"
e2e_synq_stop
for i in "$E2E_HOST" "$FL_HOST"; do
	ip -n "$E2E_SNS" link show "$i" | grep -q 'xdp' && e2e_fail "$i still has an XDP program after synq"
done
e2e_log "synq exited 0, its XDP programs left the veths"
echo PASS
