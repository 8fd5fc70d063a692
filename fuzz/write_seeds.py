#!/usr/bin/env python3
"""Writes the seed inputs of fuzz/corpus/<target>/ in the layout the targets read
(fuzz/include/linespec/fuzz/fuzz_input.hpp): the bytes sent come from the front of
the input, the choices one byte each from the end, last byte first. Run it after
changing that layout; it rewrites only the seeds named here.

Usage: fuzz/write_seeds.py
"""
import pathlib

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"

TERMINATORS = {"cr,lf": 0, "lf": 1, "crlf-or-lf": 2}
REPLY = {"ack": 0, "echo": 1, "stream": 2}
FINAL = {"answer": 0, "drop": 1}
ENDING = {"half-close": 0, "server-stop": 1, "close": 2, "vanish": 3}


class Input:
    def __init__(self):
        self.sent = bytearray()
        self.choices = []

    def choice(self, value):
        assert 0 <= value <= 255
        self.choices.append(value)

    def profile(self, terminators="cr,lf", max_record=1024, reply="ack", final="answer", greeting=True):
        self.choice(TERMINATORS[terminators])
        self.choice(0 if max_record == 1024 else 255 if max_record == 0 else max_record)
        self.choice(REPLY[reply])
        self.choice(FINAL[final])
        self.choice(0 if greeting else 1)

    def small_size(self, n):  # 0 keeps the default
        self.choice(n)

    def chunk(self, data):  # a length byte, then the bytes (framer, wire)
        assert 1 <= len(data) <= 256
        self.choice(len(data) - 1)
        self.sent += data

    def chunks(self, data, size):
        for i in range(0, len(data), size):
            self.chunk(data[i:i + size])

    # session events
    def send(self, data):
        for i in range(0, len(data), 64):
            part = data[i:i + 64]
            self.choice((len(part) - 1) << 2)
            self.sent += part

    def read(self, n16):  # reads 16 * n16 bytes
        self.choice(((n16 - 1) << 2) | 2)

    def half_close(self):
        self.choice(3)

    def finish(self):
        self.choice(7)

    def vanish(self):
        self.choice(11)

    def read_all(self):
        self.choice(15)

    def encode(self):
        return bytes(self.sent) + bytes(reversed(self.choices))


def framer(**profile):
    i = Input()
    i.profile(**profile)
    return i


def session(high_water=0, max_held=0, refuse=False, **profile):
    i = Input()
    i.profile(**profile)
    i.small_size(high_water)
    i.small_size(max_held)
    i.choice(255 if refuse else 0)
    return i


def wire(ending="half-close", high_water=0, **profile):
    i = Input()
    i.profile(**profile)
    i.small_size(high_water)
    i.choice(ENDING[ending])
    return i


def seeds():
    out = {}

    def add(target, name, inp):
        out[(target, name)] = inp.encode() if isinstance(inp, Input) else inp

    i = framer(); i.chunk(b"SOME DATA\n"); add("framer", "some_data", i)
    i = framer(); i.chunk(b"x\r\n"); add("framer", "cr_lf_is_two_records", i)
    i = framer(terminators="crlf-or-lf"); i.chunk(b"x\r"); i.chunk(b"\n"); i.chunk(b"y\n\r\r\n")
    add("framer", "crlf_split_across_reads", i)
    i = framer(terminators="lf"); i.chunk(b"a\rb\n"); i.chunk(b"\r\n"); add("framer", "lf_only_cr_is_data", i)
    i = framer(); i.chunks(b"A" * 1024 + b"\n", 256); add("framer", "limit_1024", i)
    i = framer(); i.chunks(b"A" * 2048 + b"\n", 200); add("framer", "limit_2048", i)
    i = framer(terminators="crlf-or-lf", max_record=4); i.chunk(b"abc"); i.chunk(b"d\r"); i.chunk(b"\nabc\r")
    i.chunk(b"\n\n"); add("framer", "small_limit_then_lf", i)
    i = framer(max_record=0); i.chunks(b"B" * 1500 + b"\n", 256); add("framer", "unlimited", i)
    i = framer(); i.chunk(b"a\0b\n\0"); add("framer", "nul_bytes", i)

    i = session(); i.send(b"SOME DATA\nabc"); i.read(2); i.half_close(); add("session", "ack_half_close", i)
    i = session(reply="echo", final="drop"); i.send(b"hello\nwor"); i.read_all(); i.half_close()
    add("session", "echo_drops_fragment", i)
    i = session(reply="stream", greeting=False, high_water=4); i.send(b"0123456789" * 4); i.read(1); i.send(b"z")
    i.read(1); i.half_close(); add("session", "stream_slow_reader", i)
    i = session(high_water=1); i.send(b"\n" * 100); i.read(1); i.read(3); i.half_close()
    add("session", "ack_back_pressure", i)
    i = session(reply="echo"); i.send(b"abc\r\nde"); i.finish(); i.send(b"ignored\n"); add("session", "finish_mid_record", i)
    i = session(refuse=True); i.send(b"x\n"); i.half_close(); add("session", "refused", i)
    i = session(reply="echo", final="drop", max_record=0, max_held=8); i.send(b"0123456789abcdefghij")
    i.read_all(); add("session", "held_fragment_over_bound", i)
    i = session(reply="echo", terminators="crlf-or-lf"); i.send(b"x\r"); i.read_all(); i.send(b"\n")
    i.vanish(); add("session", "crlf_then_vanish", i)

    i = wire(); i.chunk(b"SOME DATA\n"); i.chunk(b"abc"); add("wire", "half_close", i)
    i = wire(ending="server-stop"); i.chunk(b"a\nb"); add("wire", "server_stop_with_fragment", i)
    i = wire(reply="echo", terminators="crlf-or-lf"); i.chunk(b"x\r"); i.chunk(b"\ny\r"); i.chunk(b"\n")
    add("wire", "echo_crlf_split", i)
    i = wire(ending="close", reply="stream", greeting=False); i.chunk(b"hello"); i.chunk(b" world")
    add("wire", "stream_close", i)
    i = wire(ending="vanish"); i.chunk(b"x\n" * 20); add("wire", "vanish", i)
    i = wire(high_water=3); i.chunk(b"\n" * 100); add("wire", "small_high_water", i)
    i = wire(reply="echo", final="drop", ending="server-stop"); i.chunk(b"keep\ndrop"); add("wire", "echo_drop_stop", i)
    i = wire(); i.chunks(b"A" * 1024 + b"\n", 256); add("wire", "limit_1024", i)
    i = wire(); i.chunks(b"\n" * 3800, 256); add("wire", "replies_fill_the_pipe", i)

    add("script", "seed", b"name = seed\ngreeting = connect\nrefusal = not connect\ncapacity = unknown\n"
        b"reply = ack\nack-text = Information Received\nterminators = cr,lf\nmax-record = 1024\n"
        b"final-fragment = answer\nconcurrency = any\n")
    add("script", "lf_ok_capacity", b"# answers OK to each LF-terminated line, at most 8 clients\n"
        b"base = lf\nreply = ack\nack-text = OK\ncapacity = 8\n")
    add("script", "quoted_escapes", b'name = "a \\"b\\""\ngreeting = "hi\\r\\n\\x00\\t\\\\"  # comment\n'
        b'ack-text = "OK # not a comment"\nrefusal = "  busy"\n')
    add("script", "echo_unlimited_drop", b"base = echo\r\nmax-record = unlimited\r\nfinal-fragment = drop\r\n")
    add("script", "stream_sequential", b"base = stream\ngreeting = none\nconcurrency = sequential\ncapacity = 1\n")
    add("script", "reserved_words_quoted", b'greeting = "none"\nack-text = "unknown"\nname = "unlimited"\n')
    add("script", "unknown_key", b"colour = red\n")
    add("script", "base_not_first", b"reply = echo\nbase = lf\n")
    add("script", "bad_escape", b'greeting = "\\q"\n')
    add("script", "script_two_connections", b"""# linespec script v1
profile seed
target tcp:127.0.0.1:10008
conn a
a send "SOME "
a send "DATA\\n"
a expect "connect\\nInformation Received\\n"
conn b
b send "A"*1024 "\\r"
pause 10
a half-close
a expect-close
b reset
""")
    add("script", "script_knobs_and_prefix", b"""# linespec script v1
profile echo
set terminators = crlf-or-lf
set final-fragment = drop
oracle script
conn c1
c1 send "x\\r" "\\n" "\\x00\\xff"
c1 expect-prefix "connect\\nx\\r\\n"
c1 close
""")
    add("script", "script_send_after_close", b"# linespec script v1\nconn a\na close\na send \"x\"\n")
    return out


def main():
    for (target, name), data in seeds().items():
        path = CORPUS / target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(CORPUS.parent.parent)}: {len(data)} bytes")


if __name__ == "__main__":
    main()
