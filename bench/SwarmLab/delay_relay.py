#!/usr/bin/python3
"""The user-space delay line of bench/swarm-lab.sh (netem does not exist in this kernel), plus a static tracker.

  delay_relay.py --relay LISTEN_IP:PORT=TARGET_IP:PORT:ONE_WAY_MS[@SOURCE_IP] [--relay ...] [--tracker IP:PORT [--tracker-first N]]
                 [--stats FILE] [--events FILE]

Each --relay listens on LISTEN_IP:PORT; every accepted connection gets its own connection to TARGET_IP:PORT, and
both directions are forwarded with every chunk held ONE_WAY_MS after it was read (order kept: a FIFO per direction,
written when its head is due). The target is dialled 3 x ONE_WAY_MS after the accept, so that the TCP handshake's
round trip is paid as well; from SOURCE_IP when given (so that a shaper can tell relays apart). A direction whose queue holds more than 32 MiB stops reading until it is below half
(backpressure instead of unbounded memory); an end closes the other end once its queue is written out.
--tracker answers every HTTP GET with the compact list of all LISTEN_IP:PORT (for clients such as aria2c that cannot
be given peers directly); --tracker-first N: of the first N only (the others serve leechers not being measured).
--events FILE: when each connection was accepted and got its first byte from the target, and when the tracker was asked
(index: the number of peers it lists) (wall-clock seconds). --stats FILE: once a second "epoch-seconds relay-index bytes-to-client bytes-to-target cpu-seconds".
Prints "ready" once every socket listens. Ends on SIGTERM/SIGINT.
"""
import argparse
import asyncio
import collections
import os
import signal
import socket
import sys
import time

CAP = 32 << 20


class Direction:
    """One way of one connection: what `src` delivers is written to `dst` `delay` seconds later."""

    def __init__(self, loop, delay, counter, index, on_first=None):
        self.loop, self.delay, self.counter, self.index = loop, delay, counter, index
        self.on_first = on_first  # called at the first write
        self.queue = collections.deque()
        self.queued = 0
        self.src = None   # transport read from
        self.dst = None   # transport written to
        self.paused = False
        self.ended = False
        self.timer = None

    def push(self, data):
        self.queue.append((self.loop.time() + self.delay, data))
        self.queued += len(data)
        if self.timer is None:
            self.timer = self.loop.call_at(self.queue[0][0], self.flush)
        if self.queued > CAP and not self.paused and self.src is not None:
            self.paused = True
            self.src.pause_reading()

    def end(self):
        self.ended = True
        if not self.queue and self.timer is None:
            self.flush()

    def flush(self):
        self.timer = None
        if self.dst is None:  # the other end is still being dialled
            self.timer = self.loop.call_later(0.002, self.flush)
            return
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now + 0.0002:
            _, data = self.queue.popleft()
            self.queued -= len(data)
            if not self.dst.is_closing():
                if self.on_first is not None:
                    self.on_first()
                    self.on_first = None
                self.dst.write(data)
                self.counter[self.index] += len(data)
        if self.queue:
            self.timer = self.loop.call_at(self.queue[0][0], self.flush)
        elif self.ended:
            self.dst.close()
        if self.paused and self.queued < CAP // 2 and self.src is not None and not self.src.is_closing():
            self.paused = False
            self.src.resume_reading()


class Side(asyncio.Protocol):
    """One socket of a relayed connection: what it reads goes into `out`; its end ends `out`."""

    def __init__(self, out, inbound):
        self.out, self.inbound = out, inbound

    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.out.src = transport
        self.inbound.dst = transport

    def data_received(self, data):
        self.out.push(data)

    def eof_received(self):
        self.out.end()
        return False

    def connection_lost(self, exc):
        self.out.end()


def parse_relay(text):
    listen, _, rest = text.partition("=")
    rest, _, source = rest.partition("@")
    lip, _, lport = listen.rpartition(":")
    target, _, ms = rest.rpartition(":")
    tip, _, tport = target.rpartition(":")
    return lip, int(lport), tip, int(tport), float(ms) / 1000.0, source or None


async def relay_server(loop, index, lip, lport, tip, tport, delay, source, to_client, to_target, events):
    def factory():
        events("accept", index)
        down = Direction(loop, delay, to_client, index, lambda: events("first-byte", index))   # target -> client
        up = Direction(loop, delay, to_target, index)     # client -> target
        client = Side(up, down)

        async def dial():
            try:
                await loop.create_connection(lambda: Side(down, up), tip, tport,
                                             local_addr=(source, 0) if source else None)
            except OSError:
                if up.dst is None and down.dst is not None:
                    up.dst = down.dst  # nowhere to write: what waits is dropped with the closing client
                    down.dst.close()
        # The SYN round trip and the handshake's way out: the target hears of the client 1.5 RTTs after the
        # client's connect, as over a real path (the client's own connect completes at once, its first bytes wait).
        loop.call_later(3 * delay, lambda: loop.create_task(dial()))
        return client

    return await loop.create_server(factory, lip, lport, reuse_address=True, backlog=64)


async def tracker(loop, ip, port, peers, events):
    compact = b"".join(socket.inet_aton(h) + p.to_bytes(2, "big") for h, p in peers)
    body = b"d8:completei%de10:incompletei0e8:intervali1800e5:peers%d:" % (len(peers), len(compact)) + compact + b"e"

    async def handle(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            events("announce", len(peers))
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        writer.close()

    return await asyncio.start_server(handle, ip, port, reuse_address=True)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--relay", action="append", default=[])
    ap.add_argument("--tracker")
    ap.add_argument("--tracker-first", type=int, help="the tracker lists only the first N relays")
    ap.add_argument("--stats")
    ap.add_argument("--events", help="file: 'accept|first-byte EPOCH-SECONDS RELAY-INDEX' per connection, 'announce EPOCH-SECONDS N' per announce")
    args = ap.parse_args()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    relays = [parse_relay(r) for r in args.relay]
    to_client = [0] * len(relays)
    to_target = [0] * len(relays)
    ev = open(args.events, "w", buffering=1) if args.events else None

    def events(what, index):
        if ev:
            ev.write("%s %.4f %d\n" % (what, time.time(), index))
    servers = [await relay_server(loop, i, *r, to_client, to_target, events) for i, r in enumerate(relays)]
    if args.tracker:
        ip, _, port = args.tracker.rpartition(":")
        servers.append(await tracker(loop, ip, int(port), [(r[0], r[1]) for r in relays[:args.tracker_first]], events))
    print("ready", flush=True)
    out = open(args.stats, "w", buffering=1) if args.stats else None
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except asyncio.TimeoutError:
            pass
        if out:
            cpu = sum(os.times()[:2])
            for i in range(len(relays)):
                out.write("%.2f %d %d %d %.2f\n" % (time.time(), i, to_client[i], to_target[i], cpu))
    for s in servers:
        s.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
