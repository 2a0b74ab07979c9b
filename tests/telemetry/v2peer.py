#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# An adversary speaking agent protocol v2 (docs/agent-protocol.md), for
# agent-attacks.sh. Written from the document, not from the C code, so it
# also checks that the document describes what the collector does.
#   v2peer.py PORT MASTER_KEY_FILE MODE ID [ARGS]
# MODE: impersonate ID KEY_ID   HELLO as ID, tagged with KEY_ID's key
#       replay FILE             send FILE's bytes (a recorded session)
#       values ID               authenticate as ID, send absurd samples
#       chunks ID N             authenticate as ID, send N profile chunks
#       flood N SECONDS SRC     N idle sockets from SRC, reopened as dropped
# Prints what the collector did: "closed" or "open".
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import time


def master_key(path):
    data = open(path, "rb").read().rstrip(b" \t\r\n")
    return hashlib.blake2b(b"drench/2 master\0" + data, digest_size=32).digest()


def agent_key(master, agent_id):
    return hashlib.blake2b(agent_id.encode(), digest_size=32, key=master,
                           person=b"drench/2 agentky").digest()


def lp(s):
    return bytes([len(s)]) + s


def session_key(akey, label, nc, na, agent_id, boot):
    h = hashlib.blake2b(digest_size=32, key=akey)
    h.update(lp(label.encode()) + nc + na + lp(agent_id.encode()) + lp(boot.encode()))
    return h.digest()


def frame(key, ftype, seq, payload):
    head = b"DR" + bytes([2, ftype]) + struct.pack(">IQ", len(payload), seq)
    return head + payload + hmac.new(key, head + payload, hashlib.sha256).digest()


def read_frame(sock):
    head = b""
    while len(head) < 16:
        got = sock.recv(16 - len(head))
        if not got:
            return None
        head += got
    n = struct.unpack(">I", head[4:8])[0] + 32
    body = b""
    while len(body) < n:
        got = sock.recv(n - len(body))
        if not got:
            return None
        body += got
    return head[3], body[:-32]


def connect(port, src="127.0.0.1"):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(3)
    s.connect(("127.0.0.1", port))
    return s


def hello(port, master, agent_id, key_id=None):
    """Returns (socket, tx key, challenge nonce) after HELLO."""
    s = connect(port)
    typ, nc = read_frame(s)
    assert typ == 1 and len(nc) == 16
    akey = agent_key(master, key_id or agent_id)
    na, boot = os.urandom(16), os.urandom(16).hex()
    payload = json.dumps({"agent": agent_id, "boot": boot, "nonce": na.hex(),
                          "dropped": 0, "buffered": 0}).encode()
    hkey = hashlib.blake2b(digest_size=32, key=akey)
    hkey.update(b"drench/2 hello a2c\0" + nc)
    s.sendall(frame(hkey.digest(), 2, 0, payload))
    return s, session_key(akey, "drench/2 session a2c", nc, na, agent_id, boot)


def outcome(s):
    s.settimeout(3)
    try:
        while read_frame(s) is not None:
            pass
        return "closed"
    except socket.timeout:
        return "open"
    except OSError:
        return "closed"


def send_all(s, tx, frames):
    for seq, (ftype, payload) in enumerate(frames, start=1):
        s.sendall(frame(tx, ftype, seq, payload))


def main():
    port, master, mode = int(sys.argv[1]), master_key(sys.argv[2]), sys.argv[3]
    if mode == "impersonate":
        s, _ = hello(port, master, sys.argv[4], sys.argv[5])
        print(outcome(s))
    elif mode == "replay":
        s = connect(port)
        read_frame(s)
        s.sendall(open(sys.argv[4], "rb").read())
        print(outcome(s))
    elif mode == "values":
        s, tx = hello(port, master, sys.argv[4])
        now = time.time()
        bad = [{"t": 1e300}, {"t": now, "dropped": 1e300}, {"t": now + 86400},
               {"t": now, "m": {"rss_bytes": 1e300}}, {"t": now, "pid": -1}]
        frames = []
        for n, b in enumerate(bad, start=1):
            sample = {"target": sys.argv[4] + "-target", "n": n, "m": {"rss_bytes": 1}}
            sample.update(b)
            frames.append((4, json.dumps(sample).encode()))
        send_all(s, tx, frames)
        print(outcome(s))
    elif mode == "chunks":
        s, tx = hello(port, master, sys.argv[4])
        frames = []
        for k in range(int(sys.argv[5])):
            meta = json.dumps({"target": sys.argv[4] + "-target", "file": f"flood-{k}.pb.gz",
                               "grant": k + 1, "offset": 0, "size": 60000, "last": True,
                               "sha256": "00"}).encode()
            frames.append((7, struct.pack(">H", len(meta)) + meta + b"x" * 60000))
        send_all(s, tx, frames)
        print(outcome(s))
    elif mode == "flood":
        n, until, src = int(sys.argv[4]), time.time() + float(sys.argv[5]), sys.argv[6]
        socks, opened = [], 0
        while time.time() < until:
            for s in list(socks):  # reopen what the collector dropped
                try:
                    s.setblocking(False)
                    if s.recv(4096) == b"":
                        raise ConnectionError
                except BlockingIOError:
                    continue
                except OSError:
                    s.close()
                    socks.remove(s)
            while len(socks) < n:
                try:
                    socks.append(connect(port, src))
                    opened += 1
                except OSError:
                    break
            time.sleep(0.01)
        print(f"opened {opened}")


main()
