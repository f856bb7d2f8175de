"""The admin CLI: JSON on stdout, errors on stderr with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deadlines.cli import main
from tests.deadlines.conftest import OFFICIAL

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_due(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = run(capsys, "--overrides-dir", str(tmp_path), "due", "--detected", "2024-04-26T13:30:00Z")
    assert out["detected"] == "2024-04-26T17:30:00+04:00"
    assert out["due"] == {"route": "2024-04-27T09:30:00+04:00", "answer": "2024-05-02T17:30:00+04:00",
                          "draft": "2024-05-02T12:30:00+04:00"}
    assert set(out["warning"]) == set(out["due"])


def test_due_with_settings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    settings = tmp_path / "sla.json"
    settings.write_text(json.dumps({"stages": {"answer": {"amount": 3}}}))
    out = run(capsys, "--overrides-dir", str(tmp_path / "none"), "--settings", str(settings),
              "due", "--detected", "2023-02-27T13:30:00+04:00")
    assert out["due"]["answer"] == "2023-03-02T13:00:00+04:00"


def test_add_and_subtract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    d = ["--overrides-dir", str(tmp_path)]
    assert run(capsys, *d, "add", "--from", "2023-02-22T16:30:00+04:00", "--hours", "1")["result"] == \
        "2023-02-27T09:30:00+04:00"
    assert run(capsys, *d, "add", "--from", "2023-02-25T07:00:00Z", "--working-days", "2")["result"] == \
        "2023-02-28T18:00:00+04:00"
    out = run(capsys, *d, "add", "--from", "2023-02-27T13:30:00+04:00", "--working-days", "2",
              "--policy", "end_of_day")
    assert out["result"] == "2023-03-01T18:00:00+04:00"
    assert run(capsys, *d, "subtract", "--from", "2023-03-01T13:00:00+04:00", "--minutes", "240")["result"] == \
        "2023-03-01T09:00:00+04:00"


def test_year(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = run(capsys, "--overrides-dir", str(tmp_path), "year", "2024")
    assert (out["working_days"], out["days_off"], out["working_hours_40h_week"]) == (248, 118, 1979)


def test_import_calendar_then_use_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = run(capsys, "--overrides-dir", str(tmp_path), "import-calendar", str(OFFICIAL / "2020.xml"))
    assert out["year"] == 2020 and Path(out["written"]) == tmp_path / "2020.json"
    assert (out["working_days"], out["days_off"], out["working_hours_40h_week"]) == (219, 147, 1749)
    year = run(capsys, "--overrides-dir", str(tmp_path), "year", "2020")
    assert (year["source"], year["working_days"]) == ("xmlcalendar", 219)
    moved = run(capsys, "--overrides-dir", str(tmp_path), "add", "--from", "2020-03-27T17:30:00+04:00",
                "--hours", "1")
    assert moved["result"] == "2020-05-12T09:30:00+04:00"  # decree days 30 Mar - 8 May 2020


def test_import_calendar_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "nested" / "y.json"
    out = run(capsys, "import-calendar", str(OFFICIAL / "2024.xml"), "--out", str(target))
    assert Path(out["written"]) == target and json.loads(target.read_text())["year"] == 2024


def test_a_year_without_a_decree_is_provisional_and_says_why(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    out = run(capsys, "--calendar-dir", str(tmp_path), "year", "2028")
    assert out["provisional"] is True and (out["working_days"], out["shortened_days"]) == (249, 4)
    assert "no government decree" in out["why"] and "import-calendar 2028.xml" in out["why"]
    assert run(capsys, "--calendar-dir", str(tmp_path), "year", "2027")["provisional"] is False
    assert "why" not in run(capsys, "--calendar-dir", str(tmp_path), "year", "2027")


def test_due_marks_provisional_deadlines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = run(capsys, "--calendar-dir", str(tmp_path), "due", "--detected", "2027-12-29T10:00:00+04:00")
    assert out["due"] == {"route": "2027-12-29T11:00:00+04:00", "answer": "2028-01-10T10:00:00+04:00",
                          "draft": "2027-12-30T15:00:00+04:00"}
    # the draft is counted back from the answer deadline, so it is as provisional as that deadline
    assert out["provisional"] == {"route": False, "answer": True, "draft": True}
    assert out["provisional_years"] == [2028] and "2028" in out["why"]
    final = run(capsys, "--calendar-dir", str(tmp_path), "due", "--detected", "2026-12-30T10:00:00+04:00")
    assert final["due"]["answer"] == "2027-01-12T10:00:00+04:00"
    assert not any(final["provisional"].values()) and "why" not in final


def test_an_imported_calendar_makes_the_year_final(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    xml = tmp_path / "2028.xml"
    xml.write_text('<calendar year="2028" lang="ru"><days><day d="01.01" t="1"/><day d="01.10" t="1"/>'
                   "</days></calendar>")
    monkeypatch.setenv("OTKLIK_CALENDAR_DIR", str(tmp_path / "calendars"))  # the setting, not the option
    written = run(capsys, "import-calendar", str(xml))
    assert Path(written["written"]) == tmp_path / "calendars" / "2028.json"
    out = run(capsys, "due", "--detected", "2027-12-29T10:00:00+04:00")
    assert out["due"]["answer"] == "2028-01-03T10:00:00+04:00"  # this (made-up) decree keeps 3-9 Jan working
    assert not any(out["provisional"].values())
    assert run(capsys, "year", "2028")["source"] == "xmlcalendar"


def test_the_sla_file_setting_is_the_default_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sla = tmp_path / "sla.json"
    sla.write_text(json.dumps({"stages": {"answer": {"amount": 3}}}))
    monkeypatch.setenv("OTKLIK_SLA_FILE", str(sla))
    out = run(capsys, "--calendar-dir", str(tmp_path / "calendars"), "due", "--detected", "2023-02-27T13:30:00+04:00")
    assert out["due"]["answer"] == "2023-03-02T13:00:00+04:00"


def test_decrees_compares_the_installed_package_with_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "decrees")
    assert out["same"] is True and 2027 in out["installed_years"]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["year", "2300"], "no production-calendar data for 2300"),
        (["add", "--from", "2199-12-30T10:00:00+04:00", "--working-days", "5"], "2200"),
        (["import-calendar", "missing.xml"], "cannot read"),
    ],
)
def test_errors_go_to_stderr_with_code_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv, reason) -> None:
    assert main(["--overrides-dir", str(tmp_path), *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and reason in captured.err


def test_naive_instant_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["add", "--from", "2024-03-05T10:00", "--hours", "1"])
    assert info.value.code == 2 and "UTC offset" in capsys.readouterr().err


def test_module_entry_point_is_light(tmp_path: Path) -> None:
    """Neither pydantic nor the holidays package (which loads every country) for a year it ships."""
    heavy = "('pydantic', 'pandas', 'holidays')"
    code = ("import sys, json; from deadlines.cli import main; main(['--overrides-dir', sys.argv[1], 'year', "
            f"'2027']); sys.stderr.write(json.dumps(sorted(m for m in {heavy} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, check=True, timeout=60)
    assert json.loads(done.stdout)["working_days"] == 247
    assert json.loads(done.stderr) == []
    done = subprocess.run([sys.executable, "-m", "deadlines", "--overrides-dir", str(tmp_path), "year", "2300"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "2300" in done.stderr
