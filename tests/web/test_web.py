"""The staff web client: its pure formatting code under node's test runner, and one end-to-end run in
Debian's Chromium against the whole local stack with the demo data (sign in, live list, case card, route).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flask
import pytest
from playwright.sync_api import expect

from cases.model import Actor
from devstack import demo, demo_staff
from devstack.stack import Ports, Stack

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BUNDLE = ROOT / "web" / "dist" / "app.js"
CURATOR = Actor(uid="demo-curator", role="curator", name="Анна Куратова (куратор)")  # a curator acting through the API

def _get(path: str) -> Any:
    from flask import Flask

    from functions.main import local_router

    app = Flask(__name__)
    with app.test_request_context(path, method="GET"):
        return app.make_response(local_router(flask.request))


def test_web_files_and_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                              request: pytest.FixtureRequest) -> None:
    from functions import web_http
    from infra.settings import get_settings

    monkeypatch.setenv("OTKLIK_PROJECT_ID", "demo-web")
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")
    monkeypatch.delenv("OTKLIK_WEB_API_KEY", raising=False)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    import bootstrap

    bootstrap.override(web_settings=lambda: {"session_only": True})  # the admin's choice for shared desks
    request.addfinalizer(bootstrap.reset)
    assert _get("/").status_code == 302 and _get("/").location.endswith("/web/")
    assert _get("/web").status_code == 301
    page = _get("/web/")
    assert page.status_code == 200 and 'lang="ru"' in page.get_data(as_text=True)
    config = _get("/web/config.json").get_json()
    assert config["projectId"] == "demo-web" and config["apiKey"] == "demo-key"
    assert config["timeZone"] == "Europe/Samara"
    assert config["authEmulatorHost"] == "127.0.0.1:9099" and config["firestoreEmulatorHost"] == "127.0.0.1:8080"
    assert config["sessionOnly"] is True
    # No framing, no sniffing, no referrer; scripts and connections only here, Firebase and its emulators.
    for path in ("/web/", "/web/config.json", "/web/style.css", "/web/secret.txt"):
        headers = _get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
        policy = dict(p.strip().split(" ", 1) for p in headers["Content-Security-Policy"].split(";"))
        assert policy["frame-ancestors"] == "'none'" and policy["script-src"] == "'self'"
        assert policy["object-src"] == "'none'" and "https://firestore.googleapis.com" in policy["connect-src"]
        assert "http://127.0.0.1:9099" in policy["connect-src"] and "http://127.0.0.1:8080" in policy["connect-src"]
    monkeypatch.setitem(web_http.FILES, "app.js", (tmp_path / "missing.js", "text/javascript"))
    missing = _get("/web/app.js")
    assert missing.status_code == 404
    assert missing.get_json()["message"] == "Веб-клиент не собран: выполните make run"
    assert _get("/web/secret.txt").status_code == 404


@pytest.mark.emulator
def test_format_functions_under_node() -> None:
    tests = sorted(str(p) for p in (ROOT / "web" / "test").glob("*.test.mjs"))
    assert tests, "no web/test/*.test.mjs"
    run = subprocess.run(["node", "--test", *tests], cwd=ROOT, capture_output=True, text=True, timeout=120)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    passed = re.search(r"^# pass (\d+)$", out, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 7, out
    assert re.search(r"^# fail 0$", out, re.MULTILINE), out


def _reset_in_process_clients() -> None:
    """The demo loader runs here: its Firestore and Firebase Admin clients must follow os.environ."""
    import firebase_admin

    from infra.identity import firebase_app
    from tests.conftest import _reset_process_clients

    _reset_process_clients()
    firebase_app.cache_clear()
    try:
        firebase_admin.delete_app(firebase_admin.get_app())
    except ValueError:
        pass  # no default app yet


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not BUNDLE.is_file():
        subprocess.run([str(ROOT / "node_modules" / ".bin" / "esbuild"), "web/src/app.js", "--bundle",
                        "--format=esm", "--outfile=web/dist/app.js", "--log-level=warning"], cwd=ROOT, check=True)
    saved = dict(os.environ)
    stack = Stack(Ports.free(), state_dir=tmp_path_factory.mktemp("web-stack"))
    try:
        stack.start()
        os.environ.update(stack.env())
        _reset_in_process_clients()
        demo.load(stack)
        yield stack
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        _reset_in_process_clients()


def _service(calendars: Path, now: Any = None) -> Any:
    """A case service like the functions', over the built-in calendar and the imports in `calendars`."""
    import bootstrap
    from deadlines.calendar import load_calendar
    from deadlines.policy import default_policy

    bootstrap.reset()
    bootstrap.override(policy=lambda: default_policy(load_calendar(calendars)))
    if now is not None:
        bootstrap.override(clock=lambda: now)
    return bootstrap.case_service()


def _open(service: Any, case_id: str, text: str, at: datetime) -> str:
    """A case opened as intake opens it (the message and the workflow's fields in one write), its tasks started."""
    doc = {"id": case_id, "detected_at": at, "received_at": at, "updated_at": at, "raw": {"payload": "{}"},
           "message": {"network": "vk", "external_id": case_id, "text": text}}
    committed = service.open_case(doc, case_id, at)
    assert committed is not None
    service.after_commit(committed)
    return case_id


def _case_doc(case_id: str) -> dict[str, Any]:
    from infra.firestore import firestore_client

    return firestore_client().collection("cases").document(case_id).get().to_dict() or {}


def _settings_doc(name: str) -> dict[str, Any]:
    from infra.firestore import firestore_client

    return firestore_client().collection("settings").document(name).get().to_dict() or {}


def _act(service: Any, case_id: str, who: Any, command: str, **body: Any) -> None:
    """A command on the case as stored now (its current version), as the staff API runs it; if the system
    wrote the case meanwhile (triage's first read, run by the outbox), read it again, as a person would."""
    from cases.ports import VersionConflict

    for _ in range(5):
        try:
            service.execute(case_id, who, command, {"version": _case_doc(case_id)["version"], **body})
            return
        except VersionConflict:
            time.sleep(0.5)
    raise AssertionError(f"{command} on {case_id}: the case kept changing")


def _provisional_case(calendars: Path) -> str:
    """A case detected on 29 December 2027, opened as intake opens it, over the built-in calendar."""
    from zoneinfo import ZoneInfo

    detected = datetime(2027, 12, 29, 10, 0, tzinfo=ZoneInfo("Europe/Samara"))
    return _open(_service(calendars), "vk-provisional", "Будут ли ходить автобусы в Новый год?", detected)


def _import_2028_and_recompute(calendars: Path) -> dict[str, int]:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deadlines.cli import main as deadlines_cli
    from escalation.upkeep import calendar_upkeep
    from tests.deadlines.conftest import OFFICIAL_2028

    xml = calendars.parent / "2028.xml"
    xml.write_text(OFFICIAL_2028, encoding="utf-8")
    assert deadlines_cli(["--calendar-dir", str(calendars), "import-calendar", str(xml)]) == 0
    now = datetime(2027, 12, 29, 12, 0, tzinfo=ZoneInfo("Europe/Samara"))
    return calendar_upkeep(_service(calendars, now))


def _warn_admins_on(*day: int) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import bootstrap
    from deadlines.calendar import Calendar
    from notify.calendar_warning import warn_admins

    at = datetime(*day, 9, 0, tzinfo=ZoneInfo("Europe/Samara"))
    assert warn_admins(bootstrap.staff(), bootstrap.ports().inbox, at, Calendar())


def _staff(role: str, agency: str | None = None) -> str:
    return next(email for email, r, a, _ in demo_staff.DEMO_STAFF if r == role and a == agency)

def _sign_in(page: Any, stack: Stack, email: str, path: str = "/web/") -> None:
    page.goto(f"{stack.base_url}{path}")
    page.fill("#email", email)
    page.fill("#password", demo_staff.DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()


@contextmanager
def _signed_in(stack: Stack, email: str, path: str = "/web/", **page_args: Any) -> Iterator[Any]:
    """A Chromium page on the stack at ``path``, signed in as ``email``; no page error may happen in it."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (scripts/setup.sh installs Debian's chromium as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(**{"viewport": {"width": 1500, "height": 950}, "locale": "ru-RU", **page_args})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            _sign_in(page, stack, email, path)
            yield page
            assert not errors, errors
        finally:
            browser.close()



@pytest.mark.emulator
@pytest.mark.slow
def test_curator_signs_in_sees_live_cases_and_routes_one(demo_stack: Stack, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (scripts/setup.sh installs Debian's chromium as root)")
    from playwright.sync_api import expect, sync_playwright

    shots = tmp_path
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 950}, locale="ru-RU")
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{demo_stack.base_url}/")  # the router sends / to /web/
            assert page.url.endswith("/web/")

            # A wrong password gets a Russian message.
            page.fill("#email", _staff("curator"))
            page.fill("#password", "wrong-password")
            page.get_by_role("button", name="Войти").click()
            expect(page.locator("#signin-error")).to_have_text("Неверный адрес электронной почты или пароль.")

            page.fill("#password", demo_staff.DEMO_PASSWORD)
            page.get_by_role("button", name="Войти").click()
            expect(page.locator("#role")).to_have_text("Куратор", timeout=20_000)
            expect(page.locator("#whoami")).to_contain_text("Анна Куратова")

            # The live list: every demo case, newest first, each with a state and a ticking countdown.
            expect(page.locator("tr.case-row").nth(39)).to_be_attached(timeout=30_000)  # no eval: the CSP forbids it
            rows = page.locator("tr.case-row")
            assert rows.count() >= 40
            detected = page.locator("tr.case-row[data-state=detected]:not(.overdue)")  # one with a deadline running
            assert detected.count() >= 1
            first_text = detected.first.locator(".countdown").inner_text()
            assert re.match(r"(осталось|просрочено на) ", first_text), first_text

            # The card: the Russian state, the message, the deadlines with a live countdown, the trail.
            row = detected.first
            case_id = row.get_attribute("data-case-id")
            row.click()
            card = page.locator("#case-card")
            expect(card.locator("#card-state")).to_have_text("Выявлено", timeout=10_000)
            expect(card.locator("#deadlines")).to_contain_text("Направление в орган (п. 8)")
            # Working time left on the stage's calendar (GET /api/calendar), to the minute: no ticking seconds.
            countdown = card.locator("#deadlines .countdown").first
            expect(countdown).to_have_text(re.compile(r"^осталось (\d+ ч )?\d\d мин раб\. времени$"), timeout=10_000)
            expect(card.locator("#events")).to_contain_text("Сообщение выявлено", timeout=10_000)
            page.screenshot(path=str(shots / "web-card.png"))

            # Surges: the demo's messages all arrived within a minute (the VK community's with a dozen
            # comments on one post among them, the Telegram chat's): one alert per community (a topic or a
            # municipality surging on the same messages joins an episode rather than alerting), the panel
            # lists each episode's messages.
            surges = page.locator("#surges")
            expect(surges).to_contain_text("Повышенная социальная активность (п. 22): идёт 2", timeout=30_000)
            page.locator("#notifications summary").click()
            alerts = page.locator("#notifications a", has_text="Повышенная социальная активность")
            expect(alerts).to_have_count(2, timeout=15_000)
            page.locator("#notifications a", has_text="Повышенная социальная активность: сообщество ВКонтакте").click()
            opened = surges.locator("details.surge[open]")
            expect(opened).to_contain_text("сообщество ВКонтакте «Ижевск — обратная связь»")
            # the community's messages at least; a topic surging mostly on them joins the episode with its own
            expect(opened.locator("ul.surge-cases li").nth(demo.VK_DEMO_MESSAGES + demo.SURGE_SIZE - 1)).to_be_attached(
                timeout=30_000)
            page.screenshot(path=str(shots / "web-surge.png"))
            page.locator("#notifications summary").click()
            listed_case = surges.locator("details.surge[open] ul.surge-cases a").first
            listed_id = listed_case.get_attribute("data-case-id")
            listed_case.click()
            expect(page.locator("#case-card")).to_have_attribute("data-case-id", listed_id or "")  # its card opens
            page.locator(f"tr.case-row[data-case-id='{case_id}']").click()  # back to the case under test
            expect(card.locator("#card-state")).to_have_text("Выявлено", timeout=10_000)

            # Route it to an agency through the staff API; the card and the list follow live.
            card.locator("button[data-command=route]").click()
            form = card.locator("form.action-form")
            for suggested in form.locator("input[name=agency]:checked").all():  # triage's suggestion: decided otherwise
                suggested.uncheck()
            form.locator("input[name=agency][value=mintrans]").check()
            expect(form.locator("#route-order")).to_contain_text("1. Минтранс")
            form.locator("button[type=submit]").click()
            expect(card.locator("#card-state")).to_have_text("Назначено", timeout=15_000)
            expect(page.locator("#action-status")).to_contain_text("Выполнено")
            listed = page.locator(f"tr.case-row[data-case-id='{case_id}']")
            expect(listed).to_have_attribute("data-state", "assigned", timeout=10_000)
            expect(listed.locator(".state")).to_have_text("Назначено")
            expect(card.locator("#events")).to_contain_text("Направлено в орган власти", timeout=10_000)
            expect(card.locator("#deadlines")).to_contain_text("Возврат не по компетенции (п. 9)")

            assert card.locator("button[data-command=route]").count() == 0
            page.screenshot(path=str(shots / "web-routed.png"))

            # A refusal by the API is shown with its Russian message.
            card.locator("button[data-command=link_repeat]").click()
            card.locator("form.action-form input[name=earlier_case_id]").fill("vk-нет-такого")
            card.locator("form.action-form button[type=submit]").click()
            status = page.locator("#action-status.error")
            expect(status).to_have_text(re.compile(r"[А-Яа-яЁё]"), timeout=10_000)
            assert "Ошибка сервера" not in status.inner_text()
            expect(card.locator("#card-state")).to_have_text("Назначено")
            page.screenshot(path=str(shots / "web-refused.png"))

            # A deadline reaching into a year without a government decree is shown as provisional.
            provisional_id = _provisional_case(tmp_path / "calendars")
            page.locator(f"tr.case-row[data-case-id='{provisional_id}']").click()
            expect(card.locator("#card-text")).to_contain_text("Новый год", timeout=10_000)
            expect(card.locator("#deadlines .badge.provisional")).to_have_count(2)  # the answer and the draft
            expect(card.locator("#provisional-note")).to_contain_text("на 2028 год нет постановления Правительства")
            listed = page.locator(f"tr.case-row[data-case-id='{provisional_id}']")
            expect(listed.locator(".badge.provisional")).to_have_count(0)  # the nearest (route) is final
            page.screenshot(path=str(shots / "web-provisional.png"))

            # The official 2028 calendar is imported; the sweep's upkeep recomputes; the card follows live.
            assert _import_2028_and_recompute(tmp_path / "calendars") == {"recomputed": 1}
            expect(card.locator("#deadlines .badge.provisional")).to_have_count(0, timeout=10_000)
            expect(card.locator("#deadlines")).to_contain_text("11.01.2028, 10:00")
            expect(card.locator("#events")).to_contain_text("Сроки пересчитаны системой")
            expect(card.locator("#events")).to_contain_text("опубликован производственный календарь")
            page.screenshot(path=str(shots / "web-recomputed.png"))

            # The agency's executor sees the routed case (the list filters on agency_ids, as the rules
            # demand) and may accept it.
            page.get_by_role("button", name="Выйти").click()
            page.fill("#email", _staff("executor", "mintrans"))
            page.fill("#password", demo_staff.DEMO_PASSWORD)
            page.get_by_role("button", name="Войти").click()
            expect(page.locator("#role")).to_have_text("Исполнитель", timeout=20_000)
            mine = page.locator(f"tr.case-row[data-case-id='{case_id}']")
            expect(mine).to_have_count(1, timeout=15_000)
            assert page.locator("tr.case-row").count() >= 1
            mine.click()
            expect(card.locator("button[data-command=accept]")).to_be_visible(timeout=10_000)
            summary = page.locator("#notifications summary")
            expect(summary).to_have_text(re.compile(r"^Уведомления \(\d+(, новых: \d+)?\)$"), timeout=10_000)
            # The routing told the agency: opening the notification opens the case and marks it read.
            summary.click()
            number = _case_doc(case_id or "")["number"]  # the short number the notification names the case by
            routed = page.locator("#notifications li.unread", has_text=number)
            expect(routed).to_have_count(1, timeout=15_000)
            routed.locator("a").click()
            expect(page.locator("#notifications li.read[data-id]", has_text=number)).to_have_count(
                1, timeout=10_000)
            expect(card.locator("button[data-command=accept]")).to_be_visible()
            page.locator("#notify-by").select_option("digest")
            page.screenshot(path=str(shots / "web-executor.png"))

            # The admin sees the daily warning that the production calendar runs out (2 Nov 2027 onwards).
            _warn_admins_on(2027, 11, 2)
            page.get_by_role("button", name="Выйти").click()
            page.fill("#email", _staff("admin"))
            page.fill("#password", demo_staff.DEMO_PASSWORD)
            page.get_by_role("button", name="Войти").click()
            expect(page.locator("#role")).to_have_text("Администратор", timeout=20_000)
            page.locator("#notifications summary").click()
            expect(page.locator("#notifications")).to_contain_text(
                "Нет официального производственного календаря на 2028 год", timeout=10_000)
            page.screenshot(path=str(shots / "web-admin-calendar.png"))
            # The admin's mailbox: every letter and its state; the routing's letter to the agency is there.
            page.locator("button.queue[data-tab=mail]").click()
            expect(page.locator("#mail tr.mail-row").first).to_be_visible(timeout=15_000)
            number = _case_doc(case_id)["number"]  # given by the outbox after the case was written
            letter = page.locator("#mail tr.mail-row", has_text=f"Обращение №{number} направлено").filter(
                has_text="executor.mintrans@otklik.demo")
            expect(letter.first).to_be_visible()
            letter.first.click()
            expect(page.locator("#mail-card")).to_contain_text("executor.mintrans@otklik.demo")
            expect(page.frame_locator("iframe.mail-html").locator("body")).to_contain_text("Открыть обращение")
            page.screenshot(path=str(shots / "web-admin-mail.png"))
            assert not errors, errors
        finally:
            browser.close()
    print(f"screenshots: {shots}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_supervisor_starts_from_the_monthly_report(demo_stack: Stack, tmp_path: Path) -> None:
    """The demo's twelve past months (worked through the workflow) and last month's report: the supervisor
    signs in to the dashboard, sees the figures against the previous month, the charts, the agencies, and
    downloads the PDF the report made."""
    from infra.firestore import firestore_client

    db = firestore_client()
    briefs = {s.id: s.to_dict() for s in db.collection("report_months").stream()}
    assert len(briefs) == 12
    last = max(briefs)
    with _signed_in(demo_stack, _staff("supervisor"), viewport={"width": 1500, "height": 1100},
                    accept_downloads=True) as page:
        reports = page.locator("#reports")
        expect(reports).to_contain_text("Ежемесячный отчёт (п. 21)", timeout=20_000)
        expect(page.locator("#report-month option")).to_have_count(12)
        overall = briefs[last]["overall"]
        received = page.locator("#report-tiles .tile[data-key=received]")
        expect(received.locator(".tile-value")).to_have_text(str(overall["received"]))
        expect(received.locator(".tile-change")).to_contain_text("▲")  # the demo's months grow
        expect(page.locator("#trend-chart rect.bar")).to_have_count(24)
        expect(page.locator("#trend-chart circle.share-point")).to_have_count(12)
        rows = page.locator("#report-agencies tbody tr")
        expect(rows).to_have_count(len(briefs[last]["agencies"]))
        page.screenshot(path=str(tmp_path / "web-report.png"))
        page.locator("#report-agencies").scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "web-report-agencies.png"))
        with page.expect_download() as download:
            page.locator("#download-pdf").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == f"otklik-{last}.pdf" and saved.read_bytes().startswith(b"%PDF")
        # An earlier month, chosen: its own figures.
        earlier = sorted(briefs)[-2]
        page.locator("#report-month").select_option(earlier)
        expect(received.locator(".tile-value")).to_have_text(str(briefs[earlier]["overall"]["received"]))
        # A case opened from the list takes the pane; the header's button brings the report back.
        page.locator("tr.case-row").first.click()
        expect(page.locator("#case-card")).to_be_visible(timeout=10_000)
        page.locator("#open-reports").click()
        expect(reports).to_be_visible()
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_curator_dismisses_messages_in_bulk_and_reopens_one(demo_stack: Stack, tmp_path: Path) -> None:
    """"Needs no reaction" (§1, §6, §8): two detected messages selected in the list and dismissed with a
    reason from the list; the list follows live; one is opened and taken back for routing."""
    with _signed_in(demo_stack, _staff("curator"), "/web/") as page:
        detected = page.locator("tr.case-row[data-state=detected]:not(.overdue)")  # one with a deadline running
        expect(detected.first).to_be_visible(timeout=30_000)
        ids = [detected.nth(i).get_attribute("data-case-id") for i in (1, 2)]
        for case_id in ids:
            page.locator(f"tr.case-row[data-case-id='{case_id}'] input.pick-case").check()
        bar = page.locator("#bulk-bar")
        expect(bar).to_contain_text("Выбрано: 2")
        page.locator("#bulk-dismiss").click()
        expect(page.locator("#bulk-status")).to_have_text("Выберите причину.")
        page.locator("#bulk-reason").select_option("informational")
        page.screenshot(path=str(tmp_path / "web-bulk-selected.png"))
        page.locator("#bulk-dismiss").click()
        for case_id in ids:
            row = page.locator(f"tr.case-row[data-case-id='{case_id}']")
            expect(row).to_have_attribute("data-state", "dismissed", timeout=15_000)
            expect(row.locator(".state")).to_have_text("Не требует реагирования")
        expect(bar).to_be_hidden()  # the dismissed are no longer selectable: nothing is selected
        expect(page.locator("#bulk-result")).to_have_text("Отмечено: 2.")
        page.locator(f"tr.case-row[data-case-id='{ids[0]}']").click()
        card = page.locator("#case-card")
        expect(card.locator("#card-dismissal")).to_contain_text("Информационное сообщение, реагирования не требует")
        expect(card.locator("#events")).to_contain_text("Отмечено как не требующее реагирования")
        page.screenshot(path=str(tmp_path / "web-dismissed.png"))
        card.locator("button[data-command=reopen]").click()
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-state")).to_have_text("Выявлено", timeout=15_000)
        expect(card.locator("#events")).to_contain_text("Возвращено к рассмотрению")
        # One case by its own form: the reason is chosen from the list.
        card.locator("button[data-command=dismiss]").click()
        reason = card.locator("form.action-form select[name=reason]")
        card.locator("form.action-form button[type=submit]").click()  # no reason: the form stays
        assert reason.evaluate("el => !el.checkValidity()")
        expect(card.locator("#card-state")).to_have_text("Выявлено")
        reason.select_option("spam")
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-state")).to_have_text("Не требует реагирования", timeout=15_000)
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_an_overdue_case_is_the_loudest_thing_in_the_list(demo_stack: Stack, tmp_path: Path) -> None:
    """A detected message's §8 hour runs out (the escalation marks it missed, as its Cloud Task would): the
    list moves it up among the overdue, in red, saying what is late; Back and a reload keep an opened case."""

    import bootstrap
    from escalation.handler import DeadlineTask, handle_deadline_task
    from infra.firestore import firestore_client

    with _signed_in(demo_stack, _staff("curator"), "/web/") as page:
        fresh = page.locator("tr.case-row[data-state=detected]:not(.overdue)")
        expect(fresh.first).to_be_visible(timeout=30_000)
        case_id = fresh.last.get_attribute("data-case-id") or ""
        due = firestore_client().collection("cases").document(case_id).get().to_dict()["deadlines"]["route"]["due"]
        bootstrap.reset()
        done = handle_deadline_task(bootstrap.cases(), bootstrap.staff(), bootstrap.queue(),
                                    DeadlineTask(case_id=case_id, key="route", due=due),
                                    due + timedelta(minutes=1), demo_stack.base_url)
        assert str(done.action) == "missed"
        row = page.locator(f"tr.case-row[data-case-id='{case_id}']")
        expect(row).to_have_class(re.compile(r"\boverdue\b"), timeout=15_000)
        expect(row).to_contain_text("ПРОСРОЧЕНО")
        expect(row).to_contain_text("Направление в орган (п. 8)")
        classes = page.locator("tr.case-row").evaluate_all("rows => rows.map(r => r.classList.contains('overdue'))")
        assert classes.index(False) == sum(classes), "every overdue case comes before any other"
        expect(page.locator("#overdue-count")).to_have_text(f"просрочено: {sum(classes)}")
        page.screenshot(path=str(tmp_path / "web-overdue.png"))
        # The work queues: each a query of its own, with its count; the overdue one holds the case.
        page.locator("button.queue[data-queue=overdue]").click()
        expect(page.locator("button.queue[data-queue=overdue]")).to_have_attribute("aria-pressed", "true")
        from datetime import UTC, datetime

        from google.cloud.firestore import FieldFilter

        owed = firestore_client().collection("cases").where(
            filter=FieldFilter("overdue_since", ">", datetime(1970, 1, 1, tzinfo=UTC))).count().get()
        marked = int(owed[0][0].value)
        assert marked >= 1
        expect(page.locator("tr.case-row")).to_have_count(marked, timeout=15_000)
        expect(page.locator(f"tr.case-row[data-case-id='{case_id}']")).to_be_visible()
        assert page.locator("tr.case-row.overdue").count() == marked
        expect(page.locator("button.queue[data-queue=overdue] .queue-count")).to_have_text(f" {marked}",
                                                                                        timeout=15_000)
        page.locator("button.queue[data-queue=to_route]").click()
        expect(page.locator("tr.case-row").first).to_be_visible(timeout=15_000)
        states = page.locator("tr.case-row").evaluate_all("rows => [...new Set(rows.map(r => r.dataset.state))]")
        assert states == ["detected"], states
        page.locator("button.queue[data-queue=all]").click()
        expect(page.locator("tr.case-row")).to_have_count(50, timeout=15_000)  # a page
        page.locator("#more-cases").click()
        expect(page.locator("tr.case-row")).to_have_count(100, timeout=15_000)  # the next, by a query
        page.screenshot(path=str(tmp_path / "web-queues.png"))
        # Each case has its own address: Back returns to the previous one, a reload keeps it.
        row.click()
        expect(page.locator("#case-card")).to_have_attribute("data-case-id", case_id)
        assert page.url.endswith(f"#case={case_id}")
        other = page.locator("tr.case-row:not(.overdue)").first
        other_id = other.get_attribute("data-case-id") or ""
        other.click()
        expect(page.locator("#case-card")).to_have_attribute("data-case-id", other_id)
        page.go_back()
        expect(page.locator("#case-card")).to_have_attribute("data-case-id", case_id, timeout=10_000)
        page.reload()
        expect(page.locator("#case-card")).to_have_attribute("data-case-id", case_id, timeout=30_000)
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_lead_assigns_an_executor_by_name(demo_stack: Stack, tmp_path: Path) -> None:
    """§7/§20: the agency lead accepts a case routed to Минстрой and picks its executor by name from the
    agency's active executors; the card and the trail name the people, not their uids."""


    service = _service(tmp_path / "calendars")
    _open(service, "vk-lead-demo", "Во дворе на Ленина, 5 не вывозят мусор", datetime.now(UTC))
    _act(service, "vk-lead-demo", CURATOR, "route", agency_ids=["minstroy"])
    with _signed_in(demo_stack, _staff("agency_lead", "minstroy"), "/web/#case=vk-lead-demo") as page:
        card = page.locator("#case-card")
        expect(card.locator("#card-text")).to_contain_text("не вывозят мусор", timeout=30_000)
        card.locator("button[data-command=accept]").click()
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-state")).to_have_text("В работе", timeout=15_000)
        card.locator("button[data-command=assign_executor]").click()
        choice = card.locator("form.action-form select[name=executor_uid] option")
        expect(choice).to_have_text(["— выберите —", "Мария Трубина (исполнитель, Минстрой УР)"])
        card.locator("form.action-form select[name=executor_uid]").select_option(
            label="Мария Трубина (исполнитель, Минстрой УР)")
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-executor")).to_have_text("Мария Трубина (исполнитель, Минстрой УР)",
                                                            timeout=15_000)
        # The lead sees each executor's load, and opens their cases by name.
        load = page.locator("#load-table")
        expect(load).to_contain_text("Мария Трубина (исполнитель, Минстрой УР)")
        page.reload()  # the counts as they are now (they are read when the page opens)
        expect(load.locator("td.num")).not_to_have_text("…", timeout=15_000)
        count = int(load.locator("td.num").first.inner_text())
        assert count >= 1
        load.get_by_role("link", name="Мария Трубина (исполнитель, Минстрой УР)").click()
        expect(page.locator("tr.case-row[data-case-id='vk-lead-demo']")).to_be_visible(timeout=15_000)
        expect(page.locator(".search-label")).to_have_text("Исполнитель: Мария Трубина (исполнитель, Минстрой УР)")
        trail = card.locator("#events")
        expect(trail).to_contain_text("Олег Домов (заместитель министра, Минстрой УР)")
        expect(trail).to_contain_text("Анна Куратова (куратор)")
        expect(trail).to_contain_text("исполнитель: Мария Трубина")
        page.screenshot(path=str(tmp_path / "web-lead-assigns.png"))

        # §13: the draft comes back with remarks; the form shows them and keeps the text to correct.
        card.locator("button[data-command=submit_draft]").click()
        card.locator("form.action-form textarea[name=text]").fill("Вывоз мусора организован с 3 декабря.")
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-state")).to_have_text("На согласовании", timeout=15_000)
        _act(service, "vk-lead-demo", CURATOR, "return_for_rework", comment="Укажите адрес площадки и график")
        expect(card.locator("#card-state")).to_have_text("На доработке", timeout=15_000)
        card.locator("button[data-command=submit_draft]").click()
        expect(card.locator("#rework-note")).to_contain_text("Укажите адрес площадки и график")
        expect(card.locator("form.action-form textarea[name=text]")).to_have_value(
            "Вывоз мусора организован с 3 декабря.")
        page.screenshot(path=str(tmp_path / "web-rework-form.png"))
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_curator_reroutes_a_case_in_work(demo_stack: Stack, tmp_path: Path) -> None:
    """A case routed to Минстрой goes to Минтранс instead: the agency found with the route form's search
    box, the reason given; the card and the trail follow."""


    service = _service(tmp_path / "calendars")
    _open(service, "vk-reroute-demo", "Яма на трассе Ижевск — Сарапул, 12-й километр", datetime.now(UTC))
    _act(service, "vk-reroute-demo", CURATOR, "route", agency_ids=["minstroy"])
    with _signed_in(demo_stack, _staff("curator"), "/web/#case=vk-reroute-demo") as page:
        card = page.locator("#case-card")
        expect(card.locator("#card-state")).to_have_text("Назначено", timeout=30_000)
        card.locator("button[data-command=reroute]").click()
        form = card.locator("form.action-form")
        form.locator("#agency-search").fill("транс")
        expect(form.locator("label.check:visible")).to_have_count(1)
        form.locator("input[name=agency][value=mintrans]").check()
        form.locator("textarea[name=reason]").fill("Трасса региональная: дорожное хозяйство")
        page.screenshot(path=str(tmp_path / "web-reroute-form.png"))
        form.locator("button[type=submit]").click()
        expect(card).to_contain_text("Сейчас у органа", timeout=15_000)
        expect(card.locator("dl.facts")).to_contain_text("Минтранс УР")
        expect(card.locator("#events")).to_contain_text("Перенаправлено куратором")
        expect(card.locator("#events")).to_contain_text("больше не у органа: Минстрой УР")
        page.screenshot(path=str(tmp_path / "web-rerouted.png"))
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_client_on_a_phone_and_by_keyboard(demo_stack: Stack, tmp_path: Path) -> None:
    """375 px wide: one column, nothing wider than the screen; a case opened from the keyboard."""
    with _signed_in(demo_stack, _staff("curator"), viewport={"width": 375, "height": 740}, is_mobile=True,
                    has_touch=True) as page:
        rows = page.locator("tr.case-row")
        expect(rows.first).to_be_visible(timeout=30_000)
        wide = page.evaluate("document.scrollingElement.scrollWidth")
        culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > 376).slice(0, 5)
            .map(el => el.tagName + '.' + el.className + '#' + el.id)""")
        assert wide <= 376, f"the page is {wide}px wide on a 375px screen: {culprits}"
        page.screenshot(path=str(tmp_path / "web-phone-list.png"))
        rows.first.focus()
        page.keyboard.press("Enter")
        card = page.locator("#case-card")
        expect(card.locator("#card-state")).to_be_visible(timeout=10_000)
        card.scroll_into_view_if_needed()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 376
        page.screenshot(path=str(tmp_path / "web-phone-card.png"))
        labelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label'))
            .map(el => el.outerHTML.slice(0, 80))""")
        assert labelled == [], labelled
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_a_repeat_is_linked_by_search_and_reviewed_with_the_earlier_answer(demo_stack: Stack, tmp_path: Path) -> None:
    """§17/§18: the curator finds the earlier message by its words, links it, and reviews the new draft with
    the measures taken, its attachments (a photo previewed) and what was answered the first time."""

    curator, executor = CURATOR, Actor(uid="demo-exec", role="executor", agency_id="minstroy", name="Мария Трубина")
    service = _service(tmp_path / "calendars")
    now = datetime.now(UTC)

    _open(service, "vk-repeat-first", "Фонтан у Театральной площади снова не работает, вода застоялась",
          now - timedelta(days=1))
    _act(service, "vk-repeat-first", curator, "route", agency_ids=["minstroy"])
    _act(service, "vk-repeat-first", executor, "accept")
    _act(service, "vk-repeat-first", executor, "submit_draft", text="Фонтан будет запущен после ремонта насоса.")
    _act(service, "vk-repeat-first", curator, "approve", rating=4)
    _act(service, "vk-repeat-first", executor, "publish", url="https://vk.com/wall-218000001_900?reply=1")
    _open(service, "vk-repeat-second", "Опять фонтан на Театральной площади стоит сухой!", now)
    with _signed_in(demo_stack, _staff("curator"), "/web/#case=vk-repeat-second",
                    viewport={"width": 1500, "height": 1000}) as page:
        card = page.locator("#case-card")
        expect(card.locator("#card-text")).to_contain_text("сухой", timeout=30_000)
        # The list's search: the message's words, whatever their endings.
        page.fill("#search-input", "фонтаном театральная")
        page.keyboard.press("Enter")
        found = page.locator("tr.case-row")
        expect(found).to_have_count(2, timeout=15_000)
        assert sorted(found.evaluate_all("rows => rows.map(r => r.dataset.caseId)")) == ["vk-repeat-first",
                                                                                          "vk-repeat-second"]
        card.locator("button[data-command=link_repeat]").click()
        card.locator("input[name=earlier_case_id]").fill("Фонтан у Театральной")  # its words, as searched
        option = card.locator("datalist option[value='vk-repeat-first']")
        expect(option).to_have_count(1, timeout=10_000)
        assert "Фонтан у Театральной площади" in (option.text_content() or "")  # found by its words
        card.locator("input[name=earlier_case_id]").fill("vk-repeat-first")
        card.locator("form.action-form button[type=submit]").click()
        earlier = card.locator("#earlier-case")
        expect(earlier).to_contain_text("Фонтан у Театральной площади снова не работает", timeout=15_000)
        expect(earlier).to_contain_text("Ответы тогда")
        expect(earlier.locator("a")).to_have_count(1)  # the answer published then
        _act(service, "vk-repeat-second", curator, "route", agency_ids=["minstroy"])
        _act(service, "vk-repeat-second", executor, "accept")
        _act(service, "vk-repeat-second", executor, "submit_draft", text="Насос заменён, фонтан работает с 1 декабря.",
            measures_taken="Заменён насос, назначен ежедневный осмотр",
            attachments=["https://example.org/fountain.jpg", "https://rutube.ru/video/abc/"])
        expect(card.locator("#card-state")).to_have_text("На согласовании", timeout=15_000)
        expect(card.locator("#draft-measures")).to_contain_text("Заменён насос, назначен ежедневный осмотр")
        expect(card.locator("#draft-attachments img.preview")).to_have_count(1)
        expect(card.locator("#draft-attachments")).to_contain_text("видео")
        expect(card.locator("#earlier-case")).to_contain_text("Ответы тогда")
        page.screenshot(path=str(tmp_path / "web-repeat-review.png"), full_page=True)
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_curator_filters_the_queues_and_finds_a_case_by_its_short_number(demo_stack: Stack, tmp_path: Path) -> None:
    """Every row and the card show the case's short number; the filters narrow the queue and its count (a
    clause of the same query); the search finds a case by its number."""
    from zoneinfo import ZoneInfo

    import bootstrap

    service = _service(tmp_path / "calendars")
    _open(service, "tg-earlier", "Снег на остановке у школы №5 опять не убрали, дети идут по сугробам",
          datetime.now(UTC) - timedelta(days=3))
    _open(service, "tg-numbered", "Снег на остановке у школы №5 не убирают неделю", datetime.now(UTC))
    while bootstrap.cases().give_numbers(500):  # as the outbox's tasks do (behind the demo's backlog here)
        pass
    from workflow.triage_step import triage_case

    for case_id in ("tg-earlier", "tg-numbered"):  # as the outbox's handler does
        triage_case(service, bootstrap.cases(), case_id, recent=bootstrap.oversight().recent)
    assert [r["case_id"] for r in _case_doc("tg-numbered")["triage"]["repeats"]] == ["tg-earlier"]
    number = _case_doc("tg-numbered")["number"]
    assert re.fullmatch(rf"{datetime.now(UTC).year}-\d{{5}}", number)
    with _signed_in(demo_stack, _staff("curator")) as page:
        rows = page.locator("tr.case-row")
        expect(rows.first).to_be_visible(timeout=30_000)
        numbers = page.locator("td.case-number").all_inner_texts()
        assert numbers and all(re.fullmatch(r"\d{4}-\d{5}", n) for n in numbers), numbers[:5]
        all_tab = page.locator("button.queue[data-queue=all] .queue-count")
        expect(all_tab).to_have_text(re.compile(r"\d+"), timeout=15_000)
        before = int(all_tab.inner_text())

        page.locator("#filters summary").click()
        page.select_option("#filter-network", "telegram")
        expect(page.locator("#filters summary")).to_have_text("Фильтры (1)")
        expect(rows.first).to_be_visible(timeout=15_000)
        others = page.locator("tr.case-row td:nth-child(5)").filter(has_not_text="Telegram")
        expect(others).to_have_count(0, timeout=15_000)
        expect(all_tab).not_to_have_text(str(before), timeout=15_000)  # the count follows the filter
        filtered = int(all_tab.inner_text())
        assert 0 < filtered < before
        today = datetime.now(UTC).astimezone(ZoneInfo("Europe/Samara")).date()
        page.fill("#filter-from", (today + timedelta(days=1)).isoformat())  # nothing detected tomorrow yet
        expect(page.locator("#case-list-body")).to_contain_text("Обращений нет", timeout=15_000)
        expect(all_tab).to_have_text("0", timeout=15_000)
        page.fill("#filter-from", today.isoformat())
        expect(rows.first).to_be_visible(timeout=15_000)
        page.screenshot(path=str(tmp_path / "web-filters.png"))
        page.click("#filters-reset")
        expect(all_tab).to_have_text(str(before), timeout=15_000)

        page.fill("#search-input", number)
        page.keyboard.press("Enter")
        expect(rows).to_have_count(1, timeout=15_000)
        expect(rows.first).to_contain_text(number)
        rows.first.click()
        expect(page.locator("#card-number")).to_have_text(f" № {number}", timeout=15_000)
        triage = page.locator("#triage")  # triage's suggestions, open while the case waits to be routed
        expect(triage).to_contain_text("Предварительный разбор")
        suggested = _case_doc("tg-numbered")["triage"]["agencies"][0]["id"]
        page.screenshot(path=str(tmp_path / "web-number.png"))
        repeats = page.locator("#triage-repeats")  # §17: the earlier case triage found, linked with one click
        expect(repeats).to_contain_text(_case_doc("tg-earlier")["number"])
        repeats.locator("button.link-repeat").click()
        expect(page.locator("#case-card")).to_contain_text("Повторное (п. 17)", timeout=15_000)
        assert _case_doc("tg-numbered")["repeat_of"] == "tg-earlier"
        page.locator("#case-card button[data-command=route]").click()
        expect(page.locator(f"#case-card input[name=agency][value={suggested}]")).to_be_checked()  # preselected
        page.screenshot(path=str(tmp_path / "web-route-suggested.png"))

        # §22: marking a case significant starts from the reasons triage saw
        earlier = _case_doc("tg-earlier")
        assert earlier["triage"]["significance_reasons"] == ["дети"]
        page.fill("#search-input", earlier["number"])
        page.keyboard.press("Enter")
        expect(rows).to_have_count(1, timeout=15_000)
        rows.first.click()
        expect(page.locator("#card-number")).to_have_text(f" № {earlier['number']}", timeout=15_000)
        page.locator("#case-card button[data-command=mark_significant]").click()
        expect(page.locator("#case-card textarea[name=reason]")).to_have_value("Дети.")
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_admin_manages_staff_agencies_and_reasons_on_a_real_screen(demo_stack: Stack, tmp_path: Path) -> None:
    """The admin adds an executor (the password shown once, and it signs in), deactivates them (the API then
    refuses their token), adds an agency, and adds a dismissal reason, from the web client."""
    import requests

    with _signed_in(demo_stack, _staff("admin")) as page:
        table = page.locator("#staff-table")
        expect(table).to_contain_text("Анна Куратова", timeout=30_000)
        page.screenshot(path=str(tmp_path / "web-admin-staff.png"))
        page.click("#staff-add")
        page.fill("#staff-email", "new.executor@otklik.demo")
        page.fill("#staff-name", "Пётр Новиков")
        page.select_option("#staff-role", "executor")
        page.select_option("#staff-agency", "minstroy")
        page.locator("#staff-form button[type=submit]").click()
        password = page.locator("#staff-password")
        expect(password).to_have_text(re.compile(r".{12,}"), timeout=15_000)
        from tests.api.conftest import sign_in

        token = sign_in("new.executor@otklik.demo", password.inner_text(), f"127.0.0.1:{demo_stack.ports.auth}")
        me = requests.get(f"{demo_stack.base_url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert (me.json()["role"], me.json()["agency_id"]) == ("executor", "minstroy")

        row = table.locator("tr.staff-row", has_text="Пётр Новиков")
        expect(row).to_contain_text("действует", timeout=15_000)
        time.sleep(1.1)  # Firebase revokes the tokens issued before the revocation's second
        row.click()
        page.locator("#staff-active").uncheck()
        page.locator("#staff-form button[type=submit]").click()
        expect(page.locator("#admin-status")).to_contain_text("Изменения действуют сразу", timeout=15_000)
        expect(table.locator("tr.staff-row", has_text="Пётр Новиков")).to_contain_text("отключён", timeout=15_000)
        refused = requests.get(f"{demo_stack.base_url}/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert refused.status_code == 401 and "отключена" in refused.json()["message"]
        page.screenshot(path=str(tmp_path / "web-admin-staff-edit.png"))

        page.locator("button.queue[data-tab=agencies]").click()
        page.click("#agency-add")
        page.fill("#agency-id", "minturizm")
        page.fill("#agency-name", "Агентство по туризму Удмуртской Республики")
        page.fill("#agency-short", "Агентство по туризму")
        page.select_option("#agency-kind", "agency")
        page.locator("#agency-form button[type=submit]").click()
        expect(page.locator("#agency-table")).to_contain_text("Агентство по туризму", timeout=15_000)

        page.locator("button.queue[data-tab=reasons]").click()
        expect(page.locator("tr.reason-row").first).to_be_visible(timeout=15_000)
        count = page.locator("tr.reason-row").count()
        page.click("#reason-add")
        page.locator("tr.reason-row input.reason-code").last.fill("duplicate")
        page.locator("tr.reason-row input.reason-label").last.fill("Дубль уже рассмотренного сообщения")
        page.locator("#reasons-form button[type=submit]").click()
        expect(page.locator("#admin-status")).to_contain_text("Сохранено", timeout=15_000)
        stored = _settings_doc("dismissal_reasons")["reasons"]
        assert len(stored) == count + 1 and stored[-1] == {"code": "duplicate",
                                                           "label": "Дубль уже рассмотренного сообщения"}
        page.screenshot(path=str(tmp_path / "web-admin-reasons.png"))

        # Triage's routing model: a retraining recorded (as the weekly job records it) shows on its tab.
        import bootstrap
        from tests.triage.routing_replay import routed_messages
        from triage.learn import Example, retrain

        now = datetime.now(UTC)
        examples = [Example(m.text, m.agency_id, now - timedelta(hours=400 - i))
                    for i, m in enumerate(routed_messages(400))]
        outcome = retrain(examples, None, "model-journey", now)
        assert outcome.adopted, outcome.reason  # 320 routings learnt beat the rubricator on the next 80
        bootstrap.triage_models().save(outcome, now)
        try:
            page.locator("button.queue[data-tab=triage]").click()
            expect(page.locator("#triage-in-use")).to_contain_text("модель model-journey", timeout=15_000)
            row = page.locator("#models-table tr.model-row.in-use")
            expect(row).to_contain_text("используется")
            assert outcome.accuracy is not None
            expect(row).to_contain_text(f"{round(outcome.accuracy.top1 * 100)}%")
            expect(row).to_contain_text("рубрикатор")
            page.screenshot(path=str(tmp_path / "web-admin-triage.png"))
        finally:  # the other journeys' triage stays the rubricator's
            from infra.firestore import firestore_client

            firestore_client().collection("settings").document("triage").delete()
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_two_people_at_once_see_each_others_work_live(demo_stack: Stack, tmp_path: Path) -> None:
    """Two browser contexts at once: the curator routes a message to Минтранс, and the Минтранс executor's
    «Новые для нас» shows it without a reload; the executor accepts it, and the curator's card follows."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (scripts/setup.sh installs Debian's chromium as root)")
    from playwright.sync_api import sync_playwright

    _open(_service(tmp_path / "calendars"), "vk-two-people", "Светофор на Удмуртской мигает жёлтым", datetime.now(UTC))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            def signed_in(email: str, path: str) -> Any:
                page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ru-RU").new_page()
                _sign_in(page, demo_stack, email, path)
                return page

            curator = signed_in(_staff("curator"), "/web/#case=vk-two-people")
            executor = signed_in(_staff("executor", "mintrans"), "/web/")
            expect(executor.locator("button.queue[data-queue=new]")).to_be_visible(timeout=30_000)
            executor.locator("button.queue[data-queue=new]").click()
            mine = executor.locator("tr.case-row[data-case-id='vk-two-people']")
            expect(mine).to_have_count(0)
            card = curator.locator("#case-card")
            expect(card.locator("#card-state")).to_have_text("Выявлено", timeout=30_000)
            card.locator("button[data-command=route]").click()
            card.locator("form.action-form #agency-search").fill("Минтранс")
            card.locator("form.action-form input[name=agency][value=mintrans]").check()
            card.locator("form.action-form button[type=submit]").click()
            expect(mine).to_have_count(1, timeout=15_000)  # live, in the other browser
            mine.click()
            executor.locator("#case-card button[data-command=accept]").click()
            executor.locator("#case-card form.action-form button[type=submit]").click()
            expect(card.locator("#card-state")).to_have_text("В работе", timeout=15_000)  # and back
            expect(card.locator("#card-executor")).to_have_text("Иван Дорогин (исполнитель, Минтранс УР)")
            curator.screenshot(path=str(tmp_path / "web-two-people-curator.png"))
            executor.screenshot(path=str(tmp_path / "web-two-people-executor.png"))
        finally:
            browser.close()
    print(f"screenshots: {tmp_path}")  # noqa: T201


@pytest.mark.emulator
@pytest.mark.slow
def test_the_curator_passes_a_joint_answer_on_and_the_last_agency_drafts_beside_the_parts(
        demo_stack: Stack, tmp_path: Path) -> None:
    """§16: the first agency's part goes to the curator, who sees it in the card and passes the case on; the
    last agency composes the joint draft with the earlier part shown beside its editor."""
    service = _service(tmp_path / "calendars")
    _open(service, "vk-joint-demo", "Ремонт моста и объезд: когда?", datetime.now(UTC))
    minstroy = Actor(uid="demo-exec", role="executor", agency_id="minstroy")
    _act(service, "vk-joint-demo", CURATOR, "route", agency_ids=["minstroy", "mintrans"])
    _act(service, "vk-joint-demo", minstroy, "accept")
    _act(service, "vk-joint-demo", minstroy, "contribute", text="Ремонт моста завершится 20 декабря.")
    with _signed_in(demo_stack, _staff("curator"), "/web/#case=vk-joint-demo") as page:
        card = page.locator("#case-card")
        expect(card.locator("#card-state")).to_have_text("Информация у куратора (п. 16)", timeout=30_000)
        progress = card.locator("#joint-progress")
        expect(progress).to_contain_text("Ремонт моста завершится 20 декабря.")
        expect(progress).to_contain_text("куратору нужно передать")
        expect(page.locator("#queues")).to_contain_text("Общий ответ: передать")
        card.locator("button[data-command=pass_on]").click()
        expect(card.locator("#f-agency_id")).to_have_value("mintrans")
        page.screenshot(path=str(tmp_path / "web-joint-pass-on.png"))
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-state")).to_have_text("Назначено", timeout=15_000)
    with _signed_in(demo_stack, _staff("agency_lead", "mintrans"), "/web/#case=vk-joint-demo") as page:
        card = page.locator("#case-card")
        card.locator("button[data-command=accept]").click(timeout=30_000)
        card.locator("form.action-form button[type=submit]").click()
        expect(card.locator("#card-state")).to_have_text("В работе", timeout=15_000)
        card.locator("button[data-command=submit_draft]").click()
        beside = card.locator("#draft-contributions")
        expect(beside).to_contain_text("Минстрой УР")
        expect(beside).to_contain_text("Ремонт моста завершится 20 декабря.")
        assert "null" not in page.locator("#queues").inner_text()
        page.screenshot(path=str(tmp_path / "web-joint-draft.png"))
    print(f"screenshots: {tmp_path}")  # noqa: T201


def test_the_client_vocabulary_is_generated_from_the_workflow(tmp_path: Path) -> None:
    """scripts/web_vocabulary.py writes the client's labels and transition table from vocabulary and
    cases/transitions.py: what node imports from it is exactly those (set-up runs it before bundling)."""
    import vocabulary
    from cases.transitions import TRANSITIONS

    out = tmp_path / "vocabulary.js"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "web_vocabulary.py"), str(out)], check=True, timeout=60)
    script = f"import * as V from {json.dumps(out.as_uri())}; console.log(JSON.stringify(V));"
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    js = json.loads(run.stdout)
    assert js["STATE_LABELS"] == {str(k): v for k, v in vocabulary.STATE_LABELS.items()}
    assert js["STAGE_LABELS"] == {str(k): v for k, v in vocabulary.STAGE_LABELS.items()}
    assert js["EVENT_LABELS"] == vocabulary.EVENT_LABELS and js["ZONE"] == "Europe/Samara"
    assert list(js["COMMANDS"]) == list(TRANSITIONS)  # workflow order: the buttons' order
    assert js["COMMANDS"]["route"] == {"label": "Направить в орган власти", "roles": ["curator"],
                                       "states": ["detected"]}
    assert (ROOT / "web" / "src" / "generated" / "vocabulary.js").read_text(encoding="utf-8") == \
        out.read_text(encoding="utf-8"), "the client's vocabulary is stale: run scripts/setup.sh"
