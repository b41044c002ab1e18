#!/usr/bin/env python3
"""Seed corpora of the libFuzzer targets: tests/fuzz/corpus/<target>/, one file a seed.

  make_corpus.py [DIR]      (DIR: tests/fuzz/corpus beside this script)

fuzz_config: the shipped configs and a config using every key, then one-key changes to
it, good and bad. fuzz_http: request heads (two bytes of max_head choice first).
fuzz_tcp: programs for the stateful transport target (fuzz_tcp.c documents the ops).
Deterministic: the same files every run; the corpus is committed, rerun after changing
a target's input format. Crash inputs found later are added by hand as crash-<what>.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FULL = {
    "ports": [{"name": "fuzz0", "mac": "02:53:51:00:00:01",
               "ipv4": ["198.18.0.1", "198.18.8.1/24"], "ipv6": ["2001:2::1/64"], "rx_queues": 2, "rx_desc": 128, "tx_desc": 128,
               "vlan": 7, "promiscuous": False, "ipv6_dad": True}],
    "lcores": [{"lcore": 1, "role": "worker", "rx": [{"port": "fuzz0", "queue": 0},
                                                      {"port": "fuzz0", "queue": 1}]},
               {"lcore": 2, "role": "app"}],
    "mempool": {"mbufs": 4096, "cache": 64},
    "stats": {"interval_ms": 1000, "file": "/tmp/x.json"},
    "tcp": {"syncookies": 1, "max_syn_backlog": 256, "synack_retries": 5,
            "queue_model": "linux", "somaxconn": 4096, "max_flows": 1024,
            "rcv_buf": 65536, "snd_buf": 65536, "window_scale": 7,
            "idle_timeout_ms": 60000, "first_byte_timeout_ms": 0,
            "cookie_secret": "00112233445566778899aabbccddeeff"},
    "listeners": [{"port": 80, "backlog": 511, "app": "close"},
                  {"port": 8000, "backlog": 16, "app": "http", "http_body": "hi",
                   "address": "198.18.0.1"},
                  {"port": 8080, "backlog": 4, "app": "hold", "syncookies": 2,
                   "queue_model": "bsd", "abort_on_overflow": True},
                  {"port": 7, "app": "echo", "rcv_buf": 8192, "window_scale": 0}],
    "test": {"reorder_permille": 10},
    "routes": [{"prefix": "0.0.0.0/0", "via": "198.18.8.254"},
               {"prefix": "10.1.0.0/16", "via": "198.18.8.3", "port": "fuzz0"},
               {"prefix": "2001:db8:5::/48", "via": "2001:2::fe"},
               {"prefix": "::/0", "via": "fe80::1", "port": "fuzz0"}],
}

CHANGES = [
    ("tcp", "syncookies", 0), ("tcp", "syncookies", 3), ("tcp", "max_syn_backlog", 0),
    ("tcp", "queue_model", "bsd"), ("tcp", "queue_model", "solaris"),
    ("tcp", "window_scale", 15), ("tcp", "rcv_buf", 1), ("tcp", "snd_buf", -1),
    ("tcp", "idle_timeout_ms", 4294967296), ("tcp", "cookie_secret", "short"),
    ("tcp", "cookie_secret_file", "/nonexistent"), ("tcp", "synack_retries", 256),
    ("mempool", "mbufs", 1), ("stats", "interval_ms", "x"), ("test", "reorder_permille", 1001),
]


def configs():
    out = {}
    for name in ("default.json", "baremetal-2q.json"):
        with open(os.path.join(ROOT, "config", name), "rb") as f:
            out["shipped-" + name] = f.read()
    out["full"] = json.dumps(FULL, indent=1).encode()
    for i, (sect, key, val) in enumerate(CHANGES):
        c = json.loads(json.dumps(FULL))
        c[sect][key] = val
        out["change%02d-%s" % (i, key)] = json.dumps(c).encode()
    bad = [b"", b"{", b"[]", b"{}", b'{"ports": 1}', b'{"ports": [{"name": "x"}]}',
           b'{"ports":[],"lcores":[],"listeners":[]}', b'{"unknown": true}',
           b'{"listeners": [{"port": 70000}]}', b'{"ports": [{"name": "a", "mac": "zz"}]}',
           b'{"ports": [{"name": "a", "ipv4": ["1.2.3"], "ipv6": ["::"]}]}',
           b'{"ports": [{"name": "a", "ipv4": ["1.2.3.4/33", "1.2.3.4/024"]}]}',
           b'{"ports": [{"name": "a", "ipv4": ["10.0.0.1/8"]}], "lcores": [{"lcore": 1, '
           b'"rx": [{"port": "a"}]}], "routes": [{"prefix": "10.1.2.3/8", "via": "10.0.0.1"},'
           b' {"prefix": "::/0", "via": "fe80::1"}, {"prefix": "0.0.0.0/0", "via": "10.0.0.2/8"}]}']
    for i, text in enumerate(bad):
        out["bad%02d" % i] = text
    return out


def http_heads():
    reqs = [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",
        b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
        b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST /a HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET / HTTP/1.1\nConnection: close\n\n",
        b"GET / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n",
        b"GET / HTTP/1.1\r\nX: \x80\xff\t\r\n\r\n",
        b"GET  / HTTP/1.1\r\n\r\n", b"GET / HTTP/2.0\r\n\r\n", b"\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    ]
    out = {}
    for i, r in enumerate(reqs):
        out["req%02d" % i] = bytes([5, 0]) + r       # max_head 2048
        out["req%02d-small" % i] = bytes([8, 8]) + r  # max_head 32
    return out


def write(base, target, files):
    d = os.path.join(base, target)
    os.makedirs(d, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    write(base, "fuzz_config", configs())
    write(base, "fuzz_http", http_heads())
    try:
        import tcp_corpus
    except ImportError:
        return
    write(base, "fuzz_tcp", tcp_corpus.programs())


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
