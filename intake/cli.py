"""The intake admin CLI: register the senders (§6). Secrets are printed once and never again.

    python -m intake add-source NAME [--id ID]
    python -m intake add-vk-community GROUP_ID --secret S --confirmation C [--agency ID] [--name NAME]
    python -m intake add-telegram-bot NAME --secret-token T [--agency ID]

Locally it talks to the emulator named by FIRESTORE_EMULATOR_HOST, like the functions.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
from collections.abc import Sequence
from typing import Any

from infra.clock import system_clock

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
_BOT_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")


def slug(name: str) -> str:
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in name.strip().lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:60]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m intake", description="Register intake senders.")
    sub = parser.add_subparsers(dest="command", required=True)
    source = sub.add_parser("add-source", help="a monitoring system; prints its new HMAC key once")
    source.add_argument("name")
    source.add_argument("--id", help="source id (default: a slug of the name)")
    vk = sub.add_parser("add-vk-community", help="a VK community using the Callback API (re-run to change)")
    vk.add_argument("group_id", type=int)
    vk.add_argument("--secret", required=True, help="the Callback API secret key set in the community")
    vk.add_argument("--confirmation", required=True, help="the string VK expects back on confirmation")
    vk.add_argument("--agency", help="agency id suggested for routing this community's messages")
    vk.add_argument("--name", default="", help="the community's name, shown as the case source")
    bot = sub.add_parser("add-telegram-bot", help="a Telegram bot sending webhooks (re-run to change)")
    bot.add_argument("name", help="the bot's username, also the ?bot= parameter of its webhook URL")
    bot.add_argument("--secret-token", required=True, help="the secret_token given to setWebhook")
    bot.add_argument("--agency", help="agency id suggested for routing this bot's messages")
    return parser


def _registry() -> Any:
    from infra.firestore import firestore_client
    from intake.firestore_registry import FirestoreRegistry

    return FirestoreRegistry(firestore_client)


def main(argv: Sequence[str] | None = None, registry: Any = None) -> int:
    from intake.firestore_registry import AlreadyRegistered

    args = _parser().parse_args(argv)
    registry = registry or _registry()
    now = system_clock()
    try:
        if args.command == "add-source":
            source_id = args.id or slug(args.name)
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", source_id):
                return _fail(f"bad source id {source_id!r}: use latin letters, digits and '-' (or pass --id)")
            key = secrets.token_urlsafe(32)
            registry.add_source(source_id, args.name, key, now)
            _print({"source": source_id, "name": args.name, "secret": key,
                    "note": "the secret is shown once: give it to the monitoring system now"})
        elif args.command == "add-vk-community":
            if args.group_id <= 0:
                return _fail("GROUP_ID is the community's positive id (without the minus sign)")
            if len(args.secret.strip()) < MIN_SECRET:
                return _fail(f"--secret must be at least {MIN_SECRET} characters: without it anyone could post as "
                             "the community")
            registry.add_vk_community(args.group_id, args.secret, args.confirmation, args.agency, args.name, now)
            _print({"vk_community": args.group_id, "agency": args.agency, "webhook": "/intake/vk"})
        else:
            if not _BOT_NAME.fullmatch(args.name):
                return _fail("bot NAME is its username: latin letters, digits and '_'")
            if len(args.secret_token.strip()) < MIN_SECRET:
                return _fail(f"--secret-token must be at least {MIN_SECRET} characters")
            registry.add_telegram_bot(args.name, args.secret_token, args.agency, now)
            _print({"telegram_bot": args.name, "agency": args.agency, "webhook": f"/intake/telegram?bot={args.name}"})
    except AlreadyRegistered as exc:
        return _fail(str(exc))
    return 0


MIN_SECRET = 8  # VK allows up to 50 characters; Telegram's secret_token 1-256


def _print(doc: dict[str, Any]) -> None:
    print(json.dumps(doc, ensure_ascii=False))


def _fail(reason: str) -> int:
    print(f"error: {reason}", file=sys.stderr)
    return 2
