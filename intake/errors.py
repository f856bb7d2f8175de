"""Why intake refused a request: domain errors with a stable code, an English detail and a Russian sentence.

The entry point maps the kind of error to an HTTP status; the code and both texts go to the sender.
``BadPayload`` (malformed input) lives in ``intake.events``, beside the parsers that raise it.
"""

from __future__ import annotations

from cases.ports import StoreUnavailable as CaseStoreUnavailable


class IntakeError(Exception):
    """Base of the refusals below; ``code`` is stable and documented in docs/intake.md."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class NotAuthenticated(IntakeError):
    """The sender could not be identified: no or bad signature, stale timestamp, unknown source."""


class NotAllowed(IntakeError):
    """The sender is known but may not deliver this: wrong VK secret or Telegram token, inactive source."""


class StoreUnavailable(IntakeError, CaseStoreUnavailable):
    """Firestore did not answer in time: nothing was half-written, the sender should retry. One kind of
    the case store's outage (``cases.ports.StoreUnavailable``), which the entry point answers alike."""

    def __init__(self, detail: str = "the case store is unavailable") -> None:
        super().__init__("store_unavailable", detail)


# Russian sentences for staff and senders (the product's users read Russian).
MESSAGES_RU: dict[str, str] = {
    "bad_payload": "Запрос не разобран: неверный формат данных.",
    "bad_json": "Тело запроса не является корректным JSON.",
    "invalid_batch": "Пакет сообщений не соответствует формату.",
    "too_many_items": "В пакете больше 500 сообщений.",
    "payload_too_large": "Тело запроса больше 1 МиБ.",
    "all_items_rejected": "Ни одно сообщение пакета не принято.",
    "method_not_allowed": "Допустим только метод POST.",
    "source_missing": "Не указан источник (заголовок X-Otklik-Source).",
    "source_mismatch": "Источник в теле запроса не совпадает с заголовком X-Otklik-Source.",
    "unknown_source": "Источник не зарегистрирован.",
    "source_inactive": "Источник отключён.",
    "signature_missing": "Нет подписи запроса (заголовок X-Otklik-Signature).",
    "signature_malformed": "Подпись запроса записана неверно.",
    "signature_expired": "Подпись запроса устарела (старше 5 минут).",
    "signature_from_future": "Время подписи запроса в будущем.",
    "signature_mismatch": "Подпись запроса не совпадает.",
    "unknown_vk_community": "Сообщество ВКонтакте не зарегистрировано.",
    "vk_secret_mismatch": "Секретный ключ ВКонтакте не совпадает.",
    "unknown_telegram_bot": "Бот Telegram не зарегистрирован.",
    "telegram_token_mismatch": "Секретный токен Telegram не совпадает.",
    "store_unavailable": "Хранилище временно недоступно, повторите запрос позже.",
}


def message_ru(code: str) -> str:
    return MESSAGES_RU.get(code, "Запрос отклонён.")
