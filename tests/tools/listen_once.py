#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A one-shot raw printer port for tests: listens on a free loopback port, writes the port
number to PORTFILE, accepts one connection, and writes everything received to OUT once the
peer closes (atomically: OUT is whole or absent). Usage: listen_once.py OUT PORTFILE"""
import os
import socket
import sys

out, portfile = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(portfile + ".part", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".part", portfile)
conn, _ = s.accept()
data = b""
while True:
    chunk = conn.recv(65536)
    if not chunk:
        break
    data += chunk
with open(out + ".part", "wb") as f:
    f.write(data)
os.rename(out + ".part", out)
