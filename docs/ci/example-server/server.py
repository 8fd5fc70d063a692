#!/usr/bin/env python3
"""A small server of the linespec protocol (seed profile), standing in for yours in
the CI examples: greets with "connect\\n", answers each record (ended by CR or LF, or
cut at 1024 bytes) with "Information Received\\n", and closes once the client has
half-closed and every record is answered. One thread per connection.

Usage: server.py [--port PORT]   (default 0: a free port)
Prints "listening tcp:127.0.0.1:PORT" once it accepts connections.
"""
import argparse
import socket
import sys
import threading

GREETING = b"connect\n"
ACK = b"Information Received\n"
MAX_RECORD = 1024


def serve(conn):
    with conn:
        try:
            conn.sendall(GREETING)
            pending = 0  # bytes of the record not yet ended
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                replies = 0
                for byte in data:
                    pending += 1
                    if byte in (10, 13) or pending == MAX_RECORD:
                        replies += 1
                        pending = 0
                if replies:
                    conn.sendall(ACK * replies)
            if pending:
                conn.sendall(ACK)  # the unterminated final fragment is a record too
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the client reset or went away: drop this connection only


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", args.port))
    except OSError as error:
        print(f"server.py: cannot listen on port {args.port}: {error.strerror}", file=sys.stderr)
        return 2
    listener.listen(128)
    print(f"listening tcp:127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
