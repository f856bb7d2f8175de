"""Cloud Scheduler stand-in for the local stack: POSTs the timer-triggered functions periodically."""

from __future__ import annotations

import threading

import requests

from devstack.stack import Stack

SWEEP_EVERY_S = 60.0


def start_sweep(stack: Stack, stop: threading.Event, every_s: float = SWEEP_EVERY_S) -> threading.Thread:
    """Every `every_s` seconds, POST /scheduler/sweep as Cloud Scheduler does every 5 minutes in production,
    /scheduler/monthly-report (in production daily on the 1st–10th at 09:00; it reports a month once) and
    /scheduler/retention (in production daily at 03:00; 152-FZ erasure of expired personal data)."""

    def loop() -> None:
        while not stop.wait(every_s):
            for path in ("/scheduler/sweep", "/scheduler/monthly-report", "/scheduler/retention"):
                try:
                    requests.post(f"{stack.base_url}{path}", timeout=120,
                                  headers={"X-Otklik-Task-Secret": stack.task_secret})
                except requests.RequestException as err:
                    print(f"[{path}] {err}", flush=True)

    thread = threading.Thread(target=loop, name="sweep-timer", daemon=True)
    thread.start()
    return thread
