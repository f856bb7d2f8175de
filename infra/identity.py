"""Staff identity: Firebase ID tokens verified with firebase-admin; role and agency from custom claims.

Locally ``FIREBASE_AUTH_EMULATOR_HOST`` makes firebase-admin talk to the Auth emulator and accept its
tokens. The app is initialised lazily, once per instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from infra.settings import get_settings
from vocabulary import AGENCY_ROLES, Role

if TYPE_CHECKING:
    from firebase_admin import App

ROLES = tuple(Role)


class Unauthenticated(Exception):
    """No token, or a token that does not verify (→ 401)."""


class IdentityUnavailable(Exception):
    """Firebase Auth could not be asked whether the session still holds (→ 503, the client retries)."""


class NoRole(Exception):
    """A valid user without a known role, or an agency role without an agency (→ 403)."""


@dataclass(frozen=True)
class Identity:
    uid: str
    role: str
    agency_id: str | None
    email: str = ""
    name: str = ""


@lru_cache(maxsize=1)
def firebase_app() -> App:
    import firebase_admin

    project = get_settings().project_id
    try:
        return firebase_admin.get_app()
    except ValueError:
        return firebase_admin.initialize_app(options={"projectId": project})


def identity_from_claims(claims: dict[str, Any]) -> Identity:
    role = claims.get("role")
    if role not in ROLES:
        raise NoRole("у пользователя нет роли в системе")
    agency = claims.get("agency_id") or None
    if role in AGENCY_ROLES and not agency:
        raise NoRole("у сотрудника органа не указан орган")
    return Identity(uid=str(claims["uid"] if "uid" in claims else claims["sub"]), role=role, agency_id=agency,
                    email=str(claims.get("email", "")), name=str(claims.get("name", "")))


def verify_bearer(authorization: str | None) -> Identity:
    """The caller of the staff API, from its ``Authorization: Bearer <Firebase ID token>`` header."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("нужен заголовок Authorization: Bearer <ID-токен Firebase>")
    from firebase_admin import auth
    from firebase_admin.exceptions import FirebaseError

    token = authorization.removeprefix("Bearer ").strip()
    try:
        # check_revoked: a deactivation, or a change of role or agency (admin.operations revokes the person's
        # sessions), holds from the next call, not when the hour-long token expires.
        claims = auth.verify_id_token(token, app=firebase_app(), clock_skew_seconds=10, check_revoked=True)
    except auth.UserNotFoundError as err:
        raise Unauthenticated("учётной записи больше нет") from err
    except auth.UserDisabledError as err:
        raise Unauthenticated("учётная запись отключена администратором") from err
    except auth.RevokedIdTokenError as err:
        raise Unauthenticated("сессия завершена (изменены права доступа); войдите заново") from err
    except (auth.InvalidIdTokenError, auth.ExpiredIdTokenError, auth.CertificateFetchError, ValueError) as err:
        raise Unauthenticated("токен не прошёл проверку; войдите заново") from err
    except FirebaseError as err:
        raise IdentityUnavailable(str(err)) from err
    return identity_from_claims(claims)
