#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checksummed TCP transfer for tests (IPv4 or IPv6).

  xfer.py recv --host H --port P [--timeout S] [--ready FILE]
      accept one connection, read to EOF, print "bytes=N sha256=HEX"
  xfer.py send --host H --port P --bytes N [--seed S] [--chunk C] [--timeout S]
      connect (retrying until the receiver listens), send N pseudo-random
      bytes derived from SEED, shut down, print "bytes=N sha256=HEX"

Both sides hash exactly the bytes they moved, so a test compares the two
lines.  --ready FILE is created once the receiver listens.  A transfer that
stalls longer than --timeout seconds fails with exit status 2.
"""
import argparse
import hashlib
import random
import socket
import sys
import time


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def do_recv(args):
    srv = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.host, args.port))
    srv.listen(1)
    if args.ready:
        open(args.ready, "w").close()
    srv.settimeout(args.timeout)
    conn, _ = srv.accept()
    conn.settimeout(args.timeout)
    h = hashlib.sha256()
    total = 0
    buf = bytearray(1 << 16)
    view = memoryview(buf)
    while True:
        n = conn.recv_into(buf)
        if n == 0:
            break
        h.update(view[:n])
        total += n
    conn.close()
    srv.close()
    print("bytes=%d sha256=%s" % (total, h.hexdigest()))


def connect(args):
    deadline = time.monotonic() + args.timeout
    while True:
        s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
        s.settimeout(args.timeout)
        try:
            s.connect((args.host, args.port))
            return s
        except (ConnectionRefusedError, OSError):
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


# The stream is a 1 MiB pseudo-random pool (from --seed) read at a
# different offset for every chunk: cheap to produce under emulation, and
# no chunk equals its neighbours, so lost, repeated or misplaced data
# changes the hash.
POOL = 1 << 20
STRIDE = 4099


def do_send(args):
    rng = random.Random(args.seed)
    pool = rng.randbytes(POOL + args.chunk)
    view = memoryview(pool)
    s = connect(args)
    h = hashlib.sha256()
    left = args.bytes
    k = 0
    while left > 0:
        n = min(args.chunk, left)
        off = (k * STRIDE) % POOL
        data = view[off:off + n]
        h.update(data)
        s.sendall(data)
        left -= n
        k += 1
    s.shutdown(socket.SHUT_WR)
    # Wait for the receiver to close: every byte was taken off the socket.
    s.recv(1)
    s.close()
    print("bytes=%d sha256=%s" % (args.bytes, h.hexdigest()))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["send", "recv"])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--chunk", type=int, default=1 << 16)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--ready")
    args = p.parse_args()
    try:
        if args.mode == "recv":
            do_recv(args)
        else:
            do_send(args)
    except socket.timeout:
        print("xfer: timed out", file=sys.stderr)
        sys.exit(2)
    except OSError as e:
        print("xfer: %s" % e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
