"""`python -m devstack run`: the local stack with demo data, until Ctrl-C (what `make run` calls)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from devstack import procs
from devstack.stack import Ports, Stack


def _run(args: argparse.Namespace) -> int:
    stack = Stack(Ports.from_env())
    stop = threading.Event()
    # Explicit handlers: a shell may start us with SIGINT ignored, and SIGTERM must clean up too.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("Starting the local stack (emulators take ~15 s)...", flush=True)
        stack.start()
        os.environ.update(stack.env())
        from devstack import demo

        summary = demo.load(stack, with_messages=not args.no_demo)
        _print_where(stack, summary)
        from devstack import timers

        timers.start_sweep(stack, stop)
        stop.wait()
    except procs.PortTaken as err:
        print(f"Cannot start: {err}", file=sys.stderr)
        return 1
    except procs.StartFailed as err:
        print(f"Cannot start: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping everything...", flush=True)
        stack.stop()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _print_where(stack: Stack, summary: dict[str, object]) -> None:
    p = stack.ports
    lines = [
        "",
        "Otklik is running locally (Ctrl-C stops everything):",
        f"  staff web client          {stack.base_url}/web/   (sign in as a demo user below)",
        f"  functions (one base URL)  {stack.base_url}   GET /healthz",
        f"    staff API               {stack.base_url}/api/...   (docs/api.md, GET /api/openapi.json)",
        f"    intake                  {stack.base_url}/intake/monitoring | /intake/vk | /intake/telegram",
        f"  Firestore emulator        127.0.0.1:{p.firestore}   (project {stack.project_id})",
        f"  Cloud Tasks emulator      127.0.0.1:{p.tasks}   queue {stack.queue_path}",
        f"  SMTP server (e-mail)      127.0.0.1:{p.smtp}   every message kept in the Maildir {stack.maildir}",
    ]
    if stack.with_auth:
        lines.append(f"  Firebase Auth emulator    127.0.0.1:{p.auth}")
    lines.append(f"  logs                      {stack.state_dir}")
    lines.append("")
    for key, value in summary.items():
        lines.append(f"  {key}: {value}")
    lines.append("")
    lines.append("For CLIs in another shell: " + " ".join(f"{k}={v}" for k, v in stack.env().items()
                                                          if k.endswith("_HOST") or k == "OTKLIK_PROJECT_ID"))
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the local stack with demo data")
    run.add_argument("--no-demo", action="store_true", help="do not replay the demo messages")
    args = parser.parse_args(argv)
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
