#!/usr/bin/env python3
"""A client of the line protocol (seed profile), written the way a Python user would,
to show `linespec test-client` checking a client in another language:

    linespec test-client 'python3 line_client.py {host} {port}'
    linespec test-client 'python3 line_client.py --stdio' --stdio

It reads the whole greeting line, stops on a refusal, sends three records, reads one
reply per record, half-closes and waits for the server to close. Exit 0 on success,
1 on a protocol error or timeout, 3 when refused.
"""
import os
import select
import socket
import sys

GREETING = b"connect\n"
MARKER = b"not connect"
ACK = b"Information Received\n"
RECORDS = [b"SOME DATA", b"second record", b"third record"]
MAX_LINE = 4096


class Connection:
    """A socket, or stdin/stdout; reads give up after `timeout` seconds of silence."""

    def __init__(self, timeout, sock=None):
        self.timeout = timeout
        self.sock = sock
        self.read_fd = sock.fileno() if sock else 0
        self.write_fd = sock.fileno() if sock else 1

    def read(self):
        ready, _, _ = select.select([self.read_fd], [], [], self.timeout)
        if not ready:
            raise TimeoutError(f"nothing arrived for {self.timeout} s")
        return os.read(self.read_fd, 4096)

    def write(self, data):
        while data:
            data = data[os.write(self.write_fd, data):]

    def half_close(self):
        if self.sock:
            self.sock.shutdown(socket.SHUT_WR)
        else:
            os.close(self.write_fd)


def read_line(conn, buffer, what):
    while b"\n" not in buffer:
        if len(buffer) > MAX_LINE:
            raise ValueError(f"{what} is longer than {MAX_LINE} bytes")
        chunk = conn.read()
        if not chunk:
            raise ValueError(f"the server closed before {what}")
        buffer += chunk
    line, _, rest = buffer.partition(b"\n")
    return line + b"\n", rest


def talk(conn, show):
    line, buffer = read_line(conn, b"", "the greeting")
    if MARKER in line:
        print(f"refused: {line!r}", file=sys.stderr)
        return 3
    if line != GREETING:
        raise ValueError(f"expected the greeting {GREETING!r}, got {line!r}")
    conn.write(b"".join(record + b"\n" for record in RECORDS))
    for number in range(1, len(RECORDS) + 1):
        reply, buffer = read_line(conn, buffer, f"reply {number}")
        if reply != ACK:
            raise ValueError(f"reply {number}: expected {ACK!r}, got {reply!r}")
        show(reply)
    conn.half_close()
    while True:
        chunk = conn.read()
        if not chunk:
            break
        buffer += chunk
    if buffer:
        raise ValueError(f"bytes after the last reply: {buffer!r}")
    return 0


def main(argv):
    timeout = 2.0
    if "--timeout" in argv:
        at = argv.index("--timeout")
        timeout = float(argv[at + 1]) / 1000
        del argv[at:at + 2]
    try:
        if argv == ["--stdio"]:
            # stdout is the connection: the replies go to stderr.
            return talk(Connection(timeout), lambda reply: sys.stderr.buffer.write(reply))
        if len(argv) != 2:
            print("usage: line_client.py [--timeout MS] (HOST PORT | --stdio)", file=sys.stderr)
            return 2
        sock = socket.create_connection((argv[0], int(argv[1])), timeout=timeout)
        return talk(Connection(timeout, sock), lambda reply: sys.stdout.buffer.write(reply))
    except (OSError, ValueError) as error:
        print(f"line_client.py: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
