"""The reliability suite (bench/soak.py), reduced for CI: messages through all three webhooks with
redeliveries, concurrent duplicates and a Firestore restart; deadline tasks late, early, twice and out of
order. The full size: `.venv/bin/python bench/soak.py` (10,000 messages)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.emulator, pytest.mark.slow, pytest.mark.soak]


def test_nothing_is_lost_or_duplicated() -> None:
    run = subprocess.run([sys.executable, "bench/soak.py", "--messages", "240", "--tasks", "1000"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    print(run.stdout)  # noqa: T201 - the figures, in the test's output
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "FAILED" not in run.stdout and run.stdout.count("OK    ") == 8
    assert '"503"' in run.stdout or '"599"' in run.stdout, "the restart was felt by the senders"
