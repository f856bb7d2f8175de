"""The staff web client's files, on the same origin as the staff API (so no CORS).

GET /web/              web/index.html
GET /web/style.css     web/style.css
GET /web/app.js        web/dist/app.js (the esbuild bundle that `make run` / scripts/setup.sh builds)
GET /web/config.json   the Firebase settings of this environment, emulator hosts included, and whether
                       sign-in lasts only for the browser session (the admin's setting)

Every answer carries a Content-Security-Policy (scripts and connections only to this origin and Firebase;
no framing: `frame-ancestors 'none'`), `nosniff` and a Referrer-Policy (docs/security.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Request, Response, redirect

WEB = Path(__file__).resolve().parents[1] / "web"
FILES: dict[str, tuple[Path, str]] = {
    "": (WEB / "index.html", "text/html; charset=utf-8"),
    "index.html": (WEB / "index.html", "text/html; charset=utf-8"),
    "style.css": (WEB / "style.css", "text/css; charset=utf-8"),
    "app.js": (WEB / "dist" / "app.js", "text/javascript; charset=utf-8"),
}
NOT_BUILT = "Веб-клиент не собран: выполните make run"


FIREBASE = ("https://identitytoolkit.googleapis.com", "https://securetoken.googleapis.com",
            "https://firestore.googleapis.com")


def security_headers(emulator_hosts: tuple[str, ...] = ()) -> dict[str, str]:
    """The web client's headers: what the page may load and who may frame it. Styles may be inline (the
    admin's mail preview shows letters as sent); scripts only from this origin."""
    connect = " ".join(("'self'", *FIREBASE, *(f"http://{h} ws://{h}" for h in emulator_hosts)))
    policy = "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:", f"connect-src {connect}", "frame-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"))
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


def _emulator_hosts() -> tuple[str, ...]:
    return tuple(h for h in (os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"), os.environ.get("FIRESTORE_EMULATOR_HOST"))
                 if h)


def _json(status: int, body: dict[str, object]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json",
                    headers=security_headers(_emulator_hosts()))


def config() -> dict[str, object]:
    """What the browser needs to reach Firebase here: the project, and the emulators when they run."""
    from infra.settings import get_settings

    settings = get_settings()  # the project and zone the functions themselves use
    project = settings.project_id
    auth_host = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST") or None
    firestore_host = os.environ.get("FIRESTORE_EMULATOR_HOST") or None
    emulators = bool(auth_host or firestore_host)
    return {
        "projectId": project,
        "apiKey": os.environ.get("OTKLIK_WEB_API_KEY") or ("demo-key" if emulators else ""),
        "authDomain": os.environ.get("OTKLIK_WEB_AUTH_DOMAIN") or (f"{project}.firebaseapp.com" if project else ""),
        "authEmulatorHost": auth_host,
        "firestoreEmulatorHost": firestore_host,
        "emulators": emulators,
        "timeZone": settings.timezone,
        "sessionOnly": _session_only(),
    }


def _session_only() -> bool:
    """The admin's choice for shared workstations (``settings/web.session_only``): sign-in lasts until the
    browser is closed. Off when Firestore cannot say (the page must still open)."""
    import bootstrap

    try:
        return bool(bootstrap.web_settings().get("session_only"))
    except Exception:  # noqa: BLE001 - a setting must not keep the sign-in page from opening
        return False


def web(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _json(405, {"error": "method_not_allowed", "message": "Метод не поддерживается."})
    if request.path == "/web":
        return redirect("/web/", code=301)  # relative asset URLs in index.html need the slash
    name = request.path.removeprefix("/web").strip("/")
    if name == "config.json":
        return _json(200, config())
    if name not in FILES:
        return _json(404, {"error": "not_found", "message": f"Нет такого файла веб-клиента: {request.path}"})
    path, mimetype = FILES[name]
    if not path.is_file():
        message = NOT_BUILT if name == "app.js" else f"Нет файла веб-клиента: {path.name}"
        return _json(404, {"error": "not_built" if name == "app.js" else "not_found", "message": message})
    return Response(path.read_bytes(), content_type=mimetype, headers=security_headers(_emulator_hosts()))
