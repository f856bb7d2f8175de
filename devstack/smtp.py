"""A real SMTP server on loopback that keeps every message it gets in a Maildir (Python's
``mailbox.Maildir``: any mail client opens it). ``make run`` starts it on 127.0.0.1:1025
(``OTKLIK_SMTP_PORT``) with the Maildir at ``.state/run/mail/``; tests start their own.

    python -m devstack.smtp --port 1025 --maildir .state/run/mail
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    parser = argparse.ArgumentParser(prog="python -m devstack.smtp")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args(argv)
    args.maildir.parent.mkdir(parents=True, exist_ok=True)
    controller = Controller(Mailbox(args.maildir), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"SMTP on 127.0.0.1:{args.port}, Maildir {args.maildir}", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
