"""The routing models on Firestore (issue 13, docs/triage.md), and the routed messages they learn from.

    triage_models/{version}               {version, classes, intercepts, facts, adopted, reason, parts, at}
    triage_models/{version}/parts/{n}     {weights: <a slice of the weights' JSON text>}
    settings/triage                       {model: <the version in use, or absent: the rubricator>}

A model's weights are one JSON text cut in slices (a document holds 1 MiB): the parts are written before
the model's document, and ``settings/triage`` points at a version only once all of it is written. A model
is read once per instance and version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cases.ports import StoreUnavailable
from infra.firestore import bounded, outages_as
from triage.learn import Example, Outcome
from triage.model import Model

if TYPE_CHECKING:
    from google.cloud.firestore import Client

MODELS = "triage_models"
POINTER = ("settings", "triage")
SLICE = 250_000  # characters of the weights' text per part (Cyrillic is two bytes: well under 1 MiB)
TIMEOUT_S = 20.0


def _outages() -> Any:
    return outages_as(StoreUnavailable)


class FirestoreModels:
    def __init__(self, client: Callable[[], Client]) -> None:
        self._client = client
        self._loaded: tuple[str, Model] | None = None

    def in_use(self) -> str | None:
        """The version of the model in use (None: the rubricator ranks)."""
        with _outages():
            pointer = self._client().collection(POINTER[0]).document(POINTER[1]).get(**bounded(TIMEOUT_S))
        version = (pointer.to_dict() or {}).get("model") if pointer.exists else None
        return str(version) if version else None

    def active(self) -> Model | None:
        """The model in use (None: the rubricator ranks)."""
        version = self.in_use()
        if not version:
            return None
        if self._loaded is None or self._loaded[0] != version:
            self._loaded = (str(version), self.load(str(version)))
        return self._loaded[1]

    def load(self, version: str) -> Model:
        root = self._client().collection(MODELS).document(version)
        with _outages():
            doc = root.get(**bounded(TIMEOUT_S)).to_dict() or {}
            parts = [root.collection("parts").document(str(n)).get(**bounded(TIMEOUT_S)).to_dict() or {}
                     for n in range(int(doc.get("parts") or 0))]
        return Model.from_document({**doc, "weights": "".join(str(p.get("weights") or "") for p in parts)})

    def save(self, outcome: Outcome, at: datetime) -> None:
        """Record a retraining (kept whether adopted or not: the admin sees each), and point at its model if
        it was adopted."""
        model = outcome.model
        doc: dict[str, Any] = {"adopted": outcome.adopted, "reason": outcome.reason, "at": at, "parts": 0,
                               "baseline_name": outcome.baseline_name,
                               "accuracy": outcome.accuracy.document() if outcome.accuracy else None,
                               "baseline": outcome.baseline.document() if outcome.baseline else None}
        version = model.version if model else "skipped-" + at.strftime("%Y%m%dT%H%M%S")
        root = self._client().collection(MODELS).document(version)
        with _outages():
            if model is not None:
                data = model.document()
                text = data.pop("weights")
                slices = [text[i:i + SLICE] for i in range(0, len(text), SLICE)]
                for n, part in enumerate(slices):
                    root.collection("parts").document(str(n)).set({"weights": part}, **bounded(TIMEOUT_S))
                doc |= data | {"parts": len(slices), "terms": len(model.terms)}
            root.set({"version": version, **doc}, **bounded(TIMEOUT_S))
            if outcome.adopted and model is not None:
                self._client().collection(POINTER[0]).document(POINTER[1]).set(
                    {"model": model.version, "since": at}, merge=True, **bounded(TIMEOUT_S))

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest retrainings, newest first, without their weights: for the admin."""
        from google.cloud.firestore import Query

        fields = ["version", "adopted", "reason", "at", "accuracy", "baseline", "baseline_name", "facts.examples",
                  "terms"]
        with _outages():
            docs = (self._client().collection(MODELS).order_by("at", direction=Query.DESCENDING).limit(limit)
                    .select(fields).stream(**bounded(TIMEOUT_S)))
            return [d.to_dict() or {} for d in docs]


def routed_examples(client: Callable[[], Client], since: datetime) -> list[Example]:
    """The messages detected since `since` that a curator routed, with the first agency of their routing
    (a text erased under 152-FZ teaches nothing and is left out)."""
    from google.cloud.firestore import FieldFilter

    query = (client().collection("cases").where(filter=FieldFilter("detected_at", ">=", since))
             .select(["message.text", "route_order", "detected_at", "erased_at"]))
    found = []
    with _outages():
        for doc in query.stream(**bounded(120.0)):
            data = doc.to_dict() or {}
            text = str((data.get("message") or {}).get("text") or "")
            order = data.get("route_order") or []
            if order and text.strip() and not data.get("erased_at"):
                found.append(Example(text, str(order[0]), data.get("detected_at")))
    return found
