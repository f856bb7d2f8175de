"""Domain errors: a machine ``code`` for the API and a Russian ``message`` for the person.

The entry points map them to HTTP: ``NotAllowed`` → 403, ``WrongState`` → 409, ``Invalid`` → 422,
``NotFound`` → 404. Nothing here knows about HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    code: str = "domain_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


class NotAllowed(DomainError):
    """The actor's role or agency may not do this."""

    code = "not_allowed"


class WrongState(DomainError):
    """The command does not apply in the case's current state; ``allowed`` lists what does."""

    code = "wrong_state"

    def __init__(self, message: str, state: str, command: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.state = state
        self.command = command
        self.allowed = allowed

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "state": self.state, "command": self.command, "allowed": self.allowed}


class Invalid(DomainError):
    """The input breaks a rule of the decree (a missing reason, a rating out of range, a bad URL…)."""

    code = "invalid"


class NotFound(DomainError):
    code = "not_found"
