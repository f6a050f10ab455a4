#!/usr/bin/env python3
"""A Unix-socket relay in front of the Docker socket, for fault benchmarks.

    engine-proxy.py LISTEN_SOCKET [UPSTREAM_SOCKET]

Point Kiln at it with --engine docker://LISTEN_SOCKET. Faults are done to this process, never to
the shared daemon behind it: SIGSTOP freezes every connection as a stopped dockerd does (the kernel
still accepts new connections into the backlog; nothing is read or answered), SIGCONT thaws it,
SIGKILL cuts every connection as a killed dockerd does.
"""
import os
import socket
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    src.close()


def main():
    listen_path = sys.argv[1]
    upstream = sys.argv[2] if len(sys.argv) > 2 else "/var/run/docker.sock"
    try:
        os.unlink(listen_path)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen_path)
    server.listen(128)
    while True:
        client, _ = server.accept()
        engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            engine.connect(upstream)
        except OSError:
            client.close()
            continue
        # One thread per direction: a slow reader slows only its own connection, as a socket would.
        for a, b in ((client, engine), (engine, client)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()
