#!/usr/bin/env python3
"""A line server written the way a Python user would write one: socketserver,
one thread per client, `for line in self.rfile`, an ack per line.

    line_server.py [--port PORT]

Prints `listening tcp:127.0.0.1:PORT` once it accepts connections (port 0 picks
a free one), then serves until SIGTERM or SIGINT.
"""
import argparse
import signal
import socketserver
import sys


class LineHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"connect\n")
        for line in self.rfile:
            self.wfile.write(b"Information Received\n")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: any free one)")
    parser.add_argument("--version", action="version", version="line_server.py 1.0")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Server(("127.0.0.1", args.port), LineHandler) as server:
        print(f"listening tcp:127.0.0.1:{server.server_address[1]}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
