"""A real SMTP server for the black-box tests (aiosmtpd).

Usage: smtp_sink.py OUTDIR [--fail-first N] [--delay-ms MS]

Prints its port on the first line of stdout, then stores every accepted message as
OUTDIR/<n>.eml (written to a temporary name and renamed, so a reader never sees half a
message). The first N messages are refused with a temporary 451 reply; each accepted
message is held for MS milliseconds before the 250 reply. Exits when stdin closes, so the
test that started it cannot leave it behind.
"""

import argparse
import asyncio
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, outdir, fail_first, delay):
        self.outdir = outdir
        self.fail_first = fail_first
        self.delay = delay
        self.refused = 0
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 4.3.0 Temporary failure, try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        n = self.count
        self.count += 1
        tmp = os.path.join(self.outdir, f".{n:06d}.tmp")
        with open(tmp, "wb") as f:
            f.write(f"X-Envelope-To: {','.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.outdir, f"{n:06d}.eml"))
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--delay-ms", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    port = free_port()
    controller = Controller(Handler(a.outdir, a.fail_first, a.delay_ms / 1000), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
