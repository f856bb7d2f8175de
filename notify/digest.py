"""The daily digest: every mail waiting as DIGEST becomes one letter per recipient (Cloud Scheduler calls
``POST /scheduler/digest`` at the start of the working day). The digest's id is fixed by (recipient, day),
so a repeated call sends nothing twice; each mail it takes is marked DIGESTED with the digest's id."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from notify.delivery import Mailer, case_url, schedule_mail
from notify.mail import digest_letter, document

BATCH = 5000


def send_digests(mailer: Mailer, now: datetime, zone: str) -> list[str]:
    """The day's digests created now (their ids); each is sent by its own task like any mail."""
    day = now.astimezone(ZoneInfo(zone)).date()
    waiting: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for the_id, doc in mailer.store.waiting_digest(BATCH):
        waiting[str(doc["recipient_uid"])].append((the_id, doc))
    created = []
    for uid, mails in sorted(waiting.items()):
        digest_id = "d-" + hashlib.sha256(f"{uid}|{day.isoformat()}".encode()).hexdigest()[:32]
        items = [{"title": doc["message"]["subject"],
                  "case_url": case_url(mailer.web_url, doc["case_id"]) if doc.get("case_id") else ""}
                 for _, doc in sorted(mails, key=lambda m: m[1]["created_at"])]
        letter = digest_letter(day.strftime("%d.%m.%Y"), items)
        doc = document(mails[0][1]["to"][0], letter, recipient_uid=uid, kind="digest", created_at=now, send_at=now,
                       urgent=False, digest=False)
        if mailer.store.create(digest_id, doc):
            created.append(digest_id)
            schedule_mail(mailer.queue, mailer.base_url, digest_id, now)
        for the_id, _ in mails:
            mailer.store.update_if(the_id, partial(_taken, digest_id=digest_id))
    return created


def _taken(doc: dict[str, Any], digest_id: str) -> dict[str, Any] | None:
    return {"delivery.state": "DIGESTED", "delivery.digest": digest_id} if doc["delivery"]["state"] == "DIGEST" else None
