#!/usr/bin/env bash
# synq-gen drives synq on this machine: the two DPDK processes joined by net_memif
# (synq the server on lcore 1, synq-gen the client on lcore 0; no NIC, no network
# namespace), 3 s of 90 % spoofed SYNs and 10 % handshake clients at 200 kpps.
# synq runs syncookies 1 with a SYN table of 64 entries, so the flood fills it and
# cookies answer. Checks: handshakes completed, SYN-ACKs received, a latency, no
# failures; synq's TcpPassiveOpens matches the generator's completed handshakes;
# synq sent cookies. Then the pcap mode (no EAL): 1000 SYNs and 1000 forged ACKs,
# parsed by python3: headers, checksums, flags, unique 4-tuples.
. "$(dirname "$0")/lib.sh"
e2e_skip_unless_root

. "$(dirname "$0")/memif.sh"

memif_synq_config reset 4096

memif_synq_start "$E2E_DIR/synq.json" 256 200 30
memif_gen 256 40 --dst "$SYNQ_IPV4" --dport 80 --mix syn=90,handshake=10 --rate 200000 \
	--duration 3 --close rst --quiet --json "$E2E_DIR/gen.json"
rc=$?
sed -n '/^synq-gen:/,$p' "$E2E_DIR/gen.out" | sed 's/^/# /'
[ "$rc" = 0 ] || { cat "$E2E_DIR/gen.err" >&2; e2e_fail "synq-gen exited with $rc"; }

# Let synq take the last ACKs, then stop it: its last stats file is the final one.
sleep 0.5
e2e_synq_stop

python3 - "$E2E_DIR/gen.json" "$E2E_STATS" <<'PY' || e2e_fail "figures"
import json, sys
g = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))["counters"]
done = g["handshakes"]["completed"]
opens = c["TcpPassiveOpens"]
print("# synq: TcpPassiveOpens %d, TcpExtSyncookiesSent %d, TcpExtSyncookiesRecv %d, "
      "TcpExtSyncookiesFailed %d, TcpInSegs %d, TcpOutSegs %d, TcpExtListenDrops %d"
      % (opens, c["TcpExtSyncookiesSent"], c["TcpExtSyncookiesRecv"],
         c["TcpExtSyncookiesFailed"], c["TcpInSegs"], c["TcpOutSegs"], c["TcpExtListenDrops"]))
print("# synq-gen: offered %.0f pps, SYN-ACKs %.0f/s, handshakes %.0f/s, "
      "latency p50 %.1f us p99 %.1f us p99.9 %.1f us, failures %d"
      % (g["offered"]["total"]["pps"], g["received"]["synacks_per_s"],
         g["handshakes"]["per_s"], g["latency_us"]["p50"], g["latency_us"]["p99"],
         g["latency_us"]["p999"], g["failures"]["total"]))
assert done > 0, ("no handshake completed", g["handshakes"])
assert g["received"]["synacks"] > 0, ("no SYN-ACK", g["received"])
assert g["received"]["synacks_clients"] > 0, ("no SYN-ACK to a client", g["received"])
assert g["latency_us"]["p50"] > 0, ("latency", g["latency_us"])
assert g["failures"]["total"] == 0, ("failures", g["failures"])
# every completed handshake is one passive open; a few ACKs may be lost to a full ring
tol = max(10, done // 200)
assert abs(opens - done) <= tol, ("TcpPassiveOpens %d vs completed %d (tolerance %d)"
                                  % (opens, done, tol))
assert c["TcpExtSyncookiesSent"] > 0, ("no cookie sent", c["TcpExtSyncookiesSent"])
PY
e2e_log "synq and synq-gen agree"

# The pcap mode: no EAL, so nothing to clean up but the files.
for kind in syn ack; do
	"$GEN_BIN" --pcap-out "$E2E_DIR/$kind.pcap" --pcap-count 1000 --pcap-kind "$kind" \
		--dst "$SYNQ_IPV4" --dport 80 >/dev/null || e2e_fail "synq-gen --pcap-out ($kind)"
done
python3 - "$E2E_DIR/syn.pcap" "$E2E_DIR/ack.pcap" "$SYNQ_IPV4" <<'PY' || e2e_fail "pcap"
import ipaddress, struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def check(path, flags, dst):
    data = open(path, "rb").read()
    assert len(data) >= 24, "no global header"
    magic, vmaj, vmin, _, _, snap, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xa1b2c3d4 and (vmaj, vmin) == (2, 4) and link == 1, (magic, vmaj, vmin, link)
    off, tuples, n = 24, set(), 0
    flood = ipaddress.ip_network("198.18.128.0/17")
    while off < len(data):
        _, _, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        f = data[off + 16:off + 16 + incl]
        off += 16 + incl
        assert incl == orig == len(f) >= 64, ("frame length", incl, orig, len(f))
        assert f[12:14] == b"\x08\x00", "not IPv4"
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        assert ip[0] >> 4 == 4 and ihl == 20 and ip[9] == 6, "not IPv4/TCP"
        assert csum(ip[:ihl]) == 0xffff, "IPv4 checksum"
        tcp = ip[ihl:tot]
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
        assert csum(pseudo + tcp) == 0xffff, "TCP checksum"
        assert tcp[13] == flags, ("flags", hex(tcp[13]))
        src, dstip = ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20])
        sport, dport = struct.unpack("!HH", tcp[:4])
        assert str(dstip) == dst and dport == 80 and src in flood, (src, dstip, dport)
        tuples.add((src, sport, dstip, dport))
        n += 1
    assert n == 1000, ("records", n)
    assert len(tuples) == 1000, ("unique 4-tuples", len(tuples))
    print("# %s: %d frames, %d unique 4-tuples, checksums valid" % (path.split("/")[-1], n, len(tuples)))

check(sys.argv[1], 0x02, sys.argv[3])
check(sys.argv[2], 0x10, sys.argv[3])
PY
echo PASS
