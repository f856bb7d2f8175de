from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from intake.cli import main, slug
from intake.registry import sha256_hex
from tests.conftest import ROOT


def test_slug_transliterates_russian_names() -> None:
    assert slug("Медиалогия Ижевск") == "medialogiya-izhevsk"
    assert slug("  Brand Analytics! ") == "brand-analytics"


@pytest.mark.emulator
def test_add_source_prints_the_secret_once_and_stores_it_for_hmac(db: Any, registry: Any,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add-source", "Медиалогия"], registry) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == "medialogiya" and len(out["secret"]) >= 40
    source = registry.monitoring_source("medialogiya")
    assert source.keys == (out["secret"],) and source.active and source.name == "Медиалогия"
    assert main(["add-source", "Медиалогия"], registry) == 2  # never overwritten: the old key stays valid
    assert registry.monitoring_source("medialogiya").keys == (out["secret"],)


@pytest.mark.emulator
def test_vk_and_telegram_secrets_are_stored_hashed(db: Any, registry: Any) -> None:
    assert main(["add-vk-community", "123", "--secret", "s3cr3t-key", "--confirmation", "abc", "--agency", "mintrans"],
                registry) == 0
    assert main(["add-telegram-bot", "otklik_bot", "--secret-token", "t0k3n-t0k3n"], registry) == 0
    vk = db.collection("vk_communities").document("123").get().to_dict()
    assert vk["secret_sha256"] == sha256_hex("s3cr3t-key") and "s3cr3t" not in json.dumps(vk, default=str)
    assert vk["confirmation"] == "abc" and vk["agency_id"] == "mintrans"
    bot = db.collection("telegram_bots").document("otklik_bot").get().to_dict()
    assert bot["secret_token_sha256"] == sha256_hex("t0k3n-t0k3n")


@pytest.mark.emulator
def test_the_module_runs_as_a_command(db: Any) -> None:
    done = subprocess.run([sys.executable, "-m", "intake", "add-telegram-bot", "a_bot", "--secret-token", "x" * 16],
                          cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["webhook"] == "/intake/telegram?bot=a_bot"
    assert db.collection("telegram_bots").document("a_bot").get().exists


def test_bad_arguments_are_refused() -> None:
    assert main(["add-vk-community", "-5", "--secret", "s", "--confirmation", "c"], registry=object()) == 2
    assert main(["add-telegram-bot", "bad name", "--secret-token", "t" * 16], registry=object()) == 2
    # An empty or short secret would let anyone post as the community or the bot.
    assert main(["add-vk-community", "5", "--secret", "", "--confirmation", "c"], registry=object()) == 2
    assert main(["add-vk-community", "5", "--secret", "short", "--confirmation", "c"], registry=object()) == 2
    assert main(["add-telegram-bot", "a_bot", "--secret-token", " "], registry=object()) == 2


def test_an_empty_secret_never_matches() -> None:
    from intake.registry import secret_matches

    assert not secret_matches("", sha256_hex("")) and not secret_matches(None, sha256_hex(""))
    assert not secret_matches("anything", "") and not secret_matches("anything", None)
    assert secret_matches("s3cr3t-key", sha256_hex("s3cr3t-key"))
