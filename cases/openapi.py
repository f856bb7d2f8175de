"""The staff API's OpenAPI 3.1 document, built from the command models and the transition table, so the
document and the code cannot drift (`python -m admin openapi` writes docs/openapi-api.json)."""

from __future__ import annotations

from typing import Any

from cases.api_models import COMMANDS, BulkDismiss, NotifyChoice
from cases.transitions import STATE_LABELS, TRANSITIONS

ERRORS = {
    "400": "Тело запроса — не JSON-объект (bad_json).",
    "401": "Нет токена или токен не прошёл проверку (unauthenticated).",
    "403": "Роль или орган не позволяют (no_role, role_not_allowed, agency_not_allowed…).",
    "404": "Нет такого обращения или действия (not_found).",
    "405": "Метод не подходит к адресу (method_not_allowed; заголовок Allow называет нужный).",
    "409": "Действие недоступно в текущем состоянии (wrong_state, с перечнем доступных) или версия устарела "
           "(version_conflict, с текущими state и version).",
    "422": "Данные нарушают правила (comment_required, measures_required, rating_out_of_range, url_invalid, "
           "unknown_agency, invalid_body…).",
    "503": "Хранилище временно недоступно (unavailable): повторите позже.",
}


def _error_responses() -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Error"}
    return {code: {"description": text, "content": {"application/json": {"schema": ref}}}
            for code, text in ERRORS.items()}


def _command_path(name: str) -> dict[str, Any]:
    rule = TRANSITIONS[name]
    states = ", ".join(STATE_LABELS[s] for s in rule.sources)
    return {"post": {
        "operationId": name, "summary": rule.label.capitalize(),
        "description": f"Роли: {', '.join(sorted(rule.roles))}. Из состояний: {states}.",
        "parameters": [{"name": "caseId", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{COMMANDS[name].body.__name__}"}}}},
        "responses": {"200": {"description": "Выполнено: новое состояние, версия, события и сроки."},
                      **_error_responses()},
    }}


def build() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"type": "string"}, "message": {"type": "string", "description": "по-русски"}}}}
    for command in COMMANDS.values():
        schemas[command.body.__name__] = command.body.model_json_schema()
    paths: dict[str, Any] = {f"/api/cases/{{caseId}}/{name}": _command_path(name) for name in COMMANDS}
    paths["/api/cases/{caseId}"] = {"get": {"operationId": "getCase", "summary": "Карточка обращения",
                                            "responses": {"200": {"description": "Обращение"}, **_error_responses()}}}
    paths["/api/cases/{caseId}/events"] = {"get": {"operationId": "getEvents", "summary": "Журнал действий (п. 20)",
                                                   "responses": {"200": {"description": "События по порядку"},
                                                                 **_error_responses()}}}
    paths["/api/me"] = {"get": {"operationId": "me", "summary": "Кто я: uid, роль, орган",
                                "responses": {"200": {"description": "Сотрудник"}, **_error_responses()}}}
    schemas["NotifyChoice"] = NotifyChoice.model_json_schema()
    paths["/api/me/notify"] = {"post": {
        "operationId": "setNotifyBy", "summary": "Как сообщать мне: письмом сразу, сводкой раз в день или только в "
                                                 "веб-клиенте",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/NotifyChoice"}}}},
        "responses": {"200": {"description": "Сохранено: uid и notify_by"}, **_error_responses()}}}
    paths["/api/notifications/{notificationId}/read"] = {"post": {
        "operationId": "markRead", "summary": "Отметить своё уведомление прочитанным",
        "parameters": [{"name": "notificationId", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Отмечено"}, **_error_responses()}}}
    paths["/api/notifications/read-all"] = {"post": {
        "operationId": "markAllRead", "summary": "Отметить все свои уведомления прочитанными",
        "responses": {"200": {"description": "Сколько отмечено (marked)"}, **_error_responses()}}}
    paths["/api/dismissal-reasons"] = {"get": {
        "operationId": "dismissalReasons", "summary": "Причины, по которым сообщение не требует реагирования",
        "description": "Список администратора (settings/dismissal_reasons) или встроенный: [{code, label}].",
        "responses": {"200": {"description": "reasons: [{code, label}]"}, **_error_responses()}}}
    paths["/api/staff"] = {"get": {
        "operationId": "staff", "summary": "Сотрудники по именам",
        "description": "Действующие сотрудники: исполнителю и руководителю органа — своего органа, куратору, "
                       "руководителю Администрации и администратору — все (администратору с адресами): "
                       "staff: [{uid, name, role, agency_id}].",
        "responses": {"200": {"description": "staff"}, **_error_responses()}}}
    paths["/api/calendar"] = {"get": {
        "operationId": "calendar", "summary": "Рабочее время на ближайшие недели",
        "description": "Рабочие интервалы календарей кураторов и органов (со вчерашнего дня на 45 дней вперёд) и "
                       "календарь каждого этапа: для отсчёта рабочего времени до срока в веб-клиенте.",
        "responses": {"200": {"description": "from, to, calendars: {curator, agency}: [[start, end]], stages"},
                      **_error_responses()}}}
    schemas["BulkDismiss"] = BulkDismiss.model_json_schema()
    paths["/api/bulk/dismiss"] = {"post": {
        "operationId": "dismissMany", "summary": "Отметить выбранные сообщения как не требующие реагирования",
        "description": "Куратор. Каждое обращение — отдельная запись, как по одному; ответ — итог по каждому: "
                       "results: [{id, ok, state, version} | {id, ok: false, error, message}].",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/BulkDismiss"}}}},
        "responses": {"200": {"description": "Итог по каждому обращению"}, **_error_responses()}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Otklik staff API", "version": "1",
                 "description": "Действия сотрудников по обращениям (Указ Главы УР № 83, пп. 8–22)."},
        "components": {"schemas": schemas, "securitySchemes": {"firebase": {"type": "http", "scheme": "bearer",
                                                                            "bearerFormat": "Firebase ID token"}}},
        "security": [{"firebase": []}],
        "paths": paths,
    }
