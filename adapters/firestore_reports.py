"""The §21 report's reads and writes on Firestore.

    cases (read)               a month's cases: ``detected_at`` in [start, end), only the fields the figures
                               use (no raw payload, no message text), in pages
    report_months/{YYYY-MM}    the month's brief (reports.dynamics): the dashboard and the dynamics read these
    report_runs/{YYYY-MM}      the monthly run's state: making / sent, when, to whom
    report_files/{name}        each file of the report (bytes), for the dashboard's downloads
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cases.ports import StoreUnavailable

if TYPE_CHECKING:
    from google.cloud.firestore import Client

PAGE = 500
# What reports.figures reads of a case (community_of reads the message's network, external id and author).
CASE_FIELDS = ["detected_at", "state", "agency_ids", "returns", "exclusion", "answers", "drafts", "deadlines",
               "repeat_of", "municipality_id", "topic", "updated_at", "source", "dismissal", "message.network",
               "message.external_id",
               "message.author"]


class FirestoreReports:
    def __init__(self, client: Callable[[], Client], timeout_s: float = 30.0) -> None:
        self._client = client
        self._timeout_s = timeout_s
        self.reads = 0  # documents read (the benchmark's count)

    def month_cases(self, start: datetime, end: datetime) -> Iterator[Mapping[str, Any]]:
        """The cases detected in [start, end), streamed a page at a time: memory holds one page."""
        from google.cloud.firestore import FieldFilter

        query = (self._client().collection("cases").where(filter=FieldFilter("detected_at", ">=", start))
                 .where(filter=FieldFilter("detected_at", "<", end)).order_by("detected_at").select(CASE_FIELDS))
        last = None
        while True:
            page = query.start_after(last) if last is not None else query
            with _outages():
                snaps = list(page.limit(PAGE).stream(timeout=self._timeout_s))
            self.reads += len(snaps)
            for snap in snaps:
                yield {"id": snap.id, **(snap.to_dict() or {})}
            if len(snaps) < PAGE:
                return
            last = snaps[-1]

    def count(self, start: datetime, end: datetime) -> int:
        """How many cases were detected in [start, end) (an aggregation query: the progress bar's total)."""
        from google.cloud.firestore import FieldFilter

        query = (self._client().collection("cases").where(filter=FieldFilter("detected_at", ">=", start))
                 .where(filter=FieldFilter("detected_at", "<", end)))
        with _outages():
            result: Any = query.count().get(timeout=self._timeout_s)  # type: ignore[call-arg]
        return int(result[0][0].value)

    def briefs(self, months: list[str]) -> dict[str, dict[str, Any]]:
        collection = self._client().collection("report_months")
        with _outages():
            snaps = list(self._client().get_all([collection.document(m) for m in months], timeout=self._timeout_s))
        self.reads += len(snaps)
        return {snap.id: snap.to_dict() or {} for snap in snaps if snap.exists}

    def save_brief(self, month: str, brief: dict[str, Any]) -> None:
        with _outages():
            self._client().collection("report_months").document(month).set(brief, timeout=self._timeout_s)

    def run(self, month: str) -> dict[str, Any] | None:
        with _outages():
            snap = self._client().collection("report_runs").document(month).get(timeout=self._timeout_s)
        self.reads += 1
        return snap.to_dict() if snap.exists else None

    def save_run(self, month: str, fields: dict[str, Any]) -> None:
        with _outages():
            self._client().collection("report_runs").document(month).set(fields, merge=True, timeout=self._timeout_s)

    def save_file(self, file_id: str, doc: dict[str, Any]) -> None:
        with _outages():
            self._client().collection("report_files").document(file_id).set(doc, timeout=self._timeout_s)


def _outages() -> Any:
    from infra.firestore import outages_as

    return outages_as(StoreUnavailable)
