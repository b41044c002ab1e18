#!/usr/bin/env python3
"""The reload test's client side (tests/e2e/reload.sh); run in the client namespace.

  reload.py DIR PREFIX SYNQ_PID IFACE

DIR holds the config synq runs (synq.json) and its cookie secret file (secret); the
configs of each step are written there. While clients connect and transfer without
pause (short connections to the echo app on port 7: connect, 64 bytes, the echo, close;
two long-lived ones sending every 50 ms), ten reloads are asked, SIGHUP and telemetry
/synq/reload in turn (the telemetry socket of --file-prefix PREFIX, DPDK's protocol):
one adds a listener (port 9) that clients then use, one removes it while a client is
connected to it (that client goes on until it closes; a new connect is refused), one
retunes a backlog, one is invalid and changes nothing (its reply says why), one
changes what needs a restart (refused). Two cookie secret rotations (the file
rewritten; /synq/rotate_secret, then a reload): each time a handshake made by hand
(attack.py's, port 7 answers every SYN with a cookie) gets its SYN-ACK before the
rotation and sends its final ACK once the new secret is in force, in the next 64 s
window: the connection opens and echoes. Prints one JSON object; exits 1 on any
failure. Bounded: every socket operation 3 s, the whole run about 2.5 min.
"""
import json
import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402

SYNQ = "198.18.0.1"
WINDOW = 64
DIR, PREFIX, PID, IFACE = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
errors = []
stats = {"short": 0, "short9": 0, "long": 0, "long9": 0}
stop = threading.Event()
use9 = threading.Event()


def fail(msg):
    errors.append(msg)
    print("# FAIL: " + msg, flush=True)


def listeners(extra="", backlog=128, syncookies=2):
    return ('[{"port": 7, "app": "echo", "backlog": %d, "syncookies": %d},'
            ' {"port": 8080, "app": "hold", "backlog": 4}%s]' % (backlog, syncookies, extra))


P9 = ', {"port": 9, "app": "echo", "backlog": 32, "max_flows": 64}'


def write_config(lst, ports_extra=""):
    text = """{
	"ports": [ { "name": "net_af_packet0", "mac": "02:53:51:00:00:01",
		"ipv4": ["198.18.0.1"]%s } ],
	"lcores": [ { "lcore": 1, "role": "both", "rx": [ { "port": "net_af_packet0" } ] } ],
	"tcp": { "syncookies": 1, "cookie_secret_file": "%s/secret" },
	"listeners": %s
}
""" % (ports_extra, DIR, lst)
    with open(DIR + "/synq.json.tmp", "w") as f:
        f.write(text)
    os.rename(DIR + "/synq.json.tmp", DIR + "/synq.json")


def write_secret(hexs):
    with open(DIR + "/secret", "w") as f:
        f.write(hexs + "\n")


def telemetry(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(10)
    s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % PREFIX)
    json.loads(s.recv(1024).decode())  # the greeting
    s.send(cmd.encode())
    reply = json.loads(s.recv(16384).decode())
    s.close()
    return reply[cmd]


def echo_once(s, n=64):
    data = os.urandom(n)
    s.sendall(data)
    got = b""
    while len(got) < n:
        d = s.recv(n - len(got))
        if not d:
            raise ConnectionError("EOF")
        got += d
    if got != data:
        raise ValueError("wrong echo")


def short_loop(port, key, only_when=None):
    while not stop.is_set():
        if only_when is not None and not only_when.is_set():
            time.sleep(0.05)
            continue
        try:
            s = socket.create_connection((SYNQ, port), timeout=3)
            s.settimeout(3)
            echo_once(s)
            s.close()
            stats[key] += 1
            time.sleep(0.01)  # each close leaves a TIME-WAIT here: a few hundred a second
        except OSError as e:
            if only_when is None or only_when.is_set():
                fail("short connection to %d: %r" % (port, e))
            time.sleep(0.05)
        except ValueError as e:
            fail("short connection to %d: %r" % (port, e))


def long_conn(port, key, until):
    try:
        s = socket.create_connection((SYNQ, port), timeout=3)
        s.settimeout(3)
        while not until.is_set():
            echo_once(s, 32)
            stats[key] += 1
            time.sleep(0.05)
        s.close()
    except (OSError, ValueError) as e:
        fail("long-lived connection to %d: %r" % (port, e))


nb_reloads = 0


def reload_via(how, expect_ok=True, **want):
    """A reload by SIGHUP or telemetry; the telemetry reply is checked."""
    global nb_reloads
    nb_reloads += 1
    if how == "hup":
        os.kill(PID, signal.SIGHUP)
        time.sleep(0.5)
        print("# reload %d: SIGHUP" % nb_reloads, flush=True)
        return None
    r = telemetry("/synq/reload")
    print("# reload %d: /synq/reload %s" % (nb_reloads, json.dumps(r)), flush=True)
    if r.get("ok") != (1 if expect_ok else 0):
        fail("reload %d: %r" % (nb_reloads, r))
    for k, v in want.items():
        if r.get(k) != v:
            fail("reload %d: %s is %r, expected %r" % (nb_reloads, k, r.get(k), v))
    return r


def window_start():
    """Wait, if needed, so that a handshake and a rotation happen in one window."""
    if time.time() % WINDOW > WINDOW - 15:
        time.sleep(WINDOW - time.time() % WINDOW + 1)
    return int(time.time() // WINDOW)


def wait_window(w):
    time.sleep(max(0, (w * WINDOW + 1) - time.time()))


class Held:
    """A handshake made by hand: the SYN-ACK now, the final ACK later."""

    def __init__(self, wire, table, src):
        self.c = attack.Conn(wire, src, SYNQ, 7, ts=False)
        self.t = table
        table.add(self.c)
        # sent again after 1 s and 2 s more, as a client's stack does: on a loaded machine
        # one SYN may be lost in a ring
        for wait in (1, 2, 3):
            self.c.syn()
            end = time.monotonic() + wait
            while self.c.rcv_nxt is None and time.monotonic() < end:
                table.pump(0.05)
            if self.c.rcv_nxt is not None:
                break
        if self.c.rcv_nxt is None:
            fail("held handshake from %s: no SYN-ACK" % src)

    def finish(self, name):
        """The final ACK with data in it; the echo must come back."""
        if self.c.rcv_nxt is None:
            return
        data = b"cookie across a rotation"
        seq = self.c.snd_nxt
        self.c.send(data)
        for wait in (1, 2, 3):  # the same segment again, as a retransmission
            end = time.monotonic() + wait
            while self.c.rcvd == 0 and time.monotonic() < end:
                self.t.pump(0.05)
            if self.c.rcvd:
                break
            self.c.w.send(self.c.frame(attack.ACK | attack.PSH, data, seq=seq))
        if self.c.rcvd == 0:
            fail("%s: the cookie made before the rotation did not open its connection" % name)
        else:
            print("# %s: the cookie made before the rotation opened its connection" % name,
                  flush=True)
        self.c.rst()


def main():
    threads = [threading.Thread(target=short_loop, args=(7, "short"), daemon=True)
               for _ in range(3)]
    threads += [threading.Thread(target=short_loop, args=(9, "short9", use9), daemon=True)]
    long_done = threading.Event()
    threads += [threading.Thread(target=long_conn, args=(7, "long", long_done), daemon=True)
                for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(1)
    wire = attack.Wire(IFACE)
    table = attack.Table(wire)

    reload_via("hup")                                                   # 1: unchanged
    write_config(listeners(P9))
    reload_via("tel", added=1, removed=0, retuned=0)                    # 2: port 9 added
    use9.set()
    p9_done = threading.Event()
    p9 = threading.Thread(target=long_conn, args=(9, "long9", p9_done), daemon=True)
    p9.start()
    time.sleep(2)
    write_config(listeners(P9, backlog=64))
    reload_via("hup")                                                   # 3: backlog retuned
    with open(DIR + "/synq.json", "a") as f:
        f.write("{ not json")
    r = reload_via("tel", expect_ok=False, added=0, removed=0)          # 4: invalid
    if r and "nothing changed" not in r.get("message", ""):
        fail("invalid config: the reply does not say nothing changed: %r" % r)
    use9.clear()
    time.sleep(0.3)
    write_config(listeners(backlog=64))
    reload_via("hup")                                                   # 5: port 9 removed
    time.sleep(1)
    lst = telemetry("/synq/listeners")
    if lst.get("any_9", {}).get("draining") != 1 or "draining" in lst.get("any_7", {}):
        fail("/synq/listeners after the removal: %r" % lst)
    try:
        s = socket.create_connection((SYNQ, 9), timeout=3)
        s.close()
        fail("a connect to the removed listener was accepted")
    except ConnectionRefusedError:
        print("# a connect to the removed listener: refused", flush=True)
    except OSError as e:
        fail("a connect to the removed listener: %r, expected refused" % e)
    time.sleep(1)
    p9_done.set()  # the client of the removed listener worked on until now, and closes
    p9.join(5)
    if stats["long9"] < 20:
        fail("the long-lived connection to port 9 sent only %d echoes" % stats["long9"])

    # rotation 1: a cookie made before it completes once the new secret is in force
    w0 = window_start()
    held1 = Held(wire, table, "198.18.0.70")
    held2 = Held(wire, table, "198.18.0.71")
    write_secret("11112222333344445555666677778888")
    r = telemetry("/synq/rotate_secret")
    print("# rotation 1: %s" % json.dumps(r), flush=True)
    if r.get("ok") != 1 or r.get("generation") != 1:
        fail("rotation 1: %r" % r)
    reload_via("tel", added=0, removed=0, retuned=0, generation=1)      # 6: unchanged
    write_config(listeners(backlog=64, syncookies=1))
    reload_via("hup")                                                   # 7: syncookies
    write_config(listeners(backlog=64), ports_extra=', "vlan": 5')
    r = reload_via("tel", expect_ok=False)                              # 8: needs a restart
    if r and "cannot change without a restart" not in r.get("message", ""):
        fail("a change of ports: %r" % r)
    write_config(listeners(backlog=64))
    reload_via("hup")                                                   # 9: syncookies back
    wait_window(w0 + 1)
    held1.finish("rotation 1")

    # rotation 2, by a reload: held2's cookie (window w0) and held3's (w0 + 1)
    held3 = Held(wire, table, "198.18.0.72")
    write_secret("99990000aaaabbbbccccddddeeeeffff")
    reload_via("tel", added=0, removed=0, retuned=0, generation=2)      # 10: new secret
    held2.finish("rotation 2, a cookie of the window before the first's")
    wait_window(w0 + 2)
    held3.finish("rotation 2")

    time.sleep(1)
    long_done.set()
    stop.set()
    for t in threads:
        t.join(5)
    print(json.dumps({"reloads": nb_reloads, "errors": len(errors), **stats}))
    if stats["short"] < 100 or stats["long"] < 100 or stats["short9"] < 5:
        fail("too little traffic: %r" % stats)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
