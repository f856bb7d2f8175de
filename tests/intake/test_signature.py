from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake import signature
from intake.errors import NotAuthenticated

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())
BODY = b'{"messages": []}'


def code_of(header: str | None, body: bytes = BODY, keys: tuple[str, ...] = ("k1",), now: datetime = NOW) -> str:
    with pytest.raises(NotAuthenticated) as err:
        signature.verify(header, body, keys, now)
    return err.value.code


def test_a_signature_made_with_the_key_verifies() -> None:
    assert signature.verify(signature.sign("k1", T, BODY), BODY, ["k1"], NOW) == T


def test_the_mac_is_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    want = hmac.new(b"k1", f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature.sign("k1", T, BODY) == f"t={T},v1={want}"


def test_any_of_several_v1_may_match_while_a_key_is_rotated() -> None:
    header = f"t={T},v1={signature.compute('old', T, BODY)},v1={signature.compute('new', T, BODY)}"
    assert signature.verify(header, BODY, ["new"], NOW) == T
    assert signature.verify(signature.sign("old", T, BODY), BODY, ["old", "new"], NOW) == T


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_refused(header: str | None) -> None:
    assert code_of(header) == "signature_missing"


@pytest.mark.parametrize("header", ["garbage", f"t={T}", "v1=abc", "t=abc,v1=00", f"t={T},t={T},v1=00",
                                    f"t=-{T},v1=00", "t=١٢,v1=00"])
def test_a_malformed_header_is_refused(header: str) -> None:
    assert code_of(header) == "signature_malformed"


def test_a_wrong_key_or_changed_body_is_refused() -> None:
    assert code_of(signature.sign("other", T, BODY)) == "signature_mismatch"
    assert code_of(signature.sign("k1", T, BODY), body=BODY + b" ") == "signature_mismatch"
    assert code_of(signature.sign("k1", T, BODY), keys=()) == "signature_mismatch"


def test_the_window_is_five_minutes_both_ways() -> None:
    assert signature.verify(signature.sign("k1", T - 300, BODY), BODY, ["k1"], NOW) == T - 300
    assert signature.verify(signature.sign("k1", T + 300, BODY), BODY, ["k1"], NOW) == T + 300
    assert code_of(signature.sign("k1", T - 301, BODY)) == "signature_expired"
    assert code_of(signature.sign("k1", T + 301, BODY)) == "signature_from_future"


def test_an_old_signature_is_refused_before_its_mac_is_checked() -> None:
    # A replayed request with a valid MAC: the timestamp alone refuses it.
    assert code_of(signature.sign("k1", T - 3600, BODY)) == "signature_expired"


@given(body=st.binary(max_size=2000), key=st.text(min_size=1, max_size=64), skew=st.integers(-300, 300))
def test_every_fresh_signature_verifies_and_any_flipped_byte_does_not(body: bytes, key: str, skew: int) -> None:
    header = signature.sign(key, T + skew, body)
    assert signature.verify(header, body, [key], NOW) == T + skew
    if body:
        flipped = bytes([body[0] ^ 1]) + body[1:]
        with pytest.raises(NotAuthenticated):
            signature.verify(header, flipped, [key], NOW)
