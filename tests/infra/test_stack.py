from __future__ import annotations

import socket

import pytest

from devstack import procs


def test_a_taken_port_is_refused_with_a_clear_message() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        svc = procs.Service("dummy", ["sleep", "30"], port, lambda: True)
        with pytest.raises(procs.PortTaken, match=f"port {port} is already taken"):
            svc.start()
        assert svc.proc is None


@pytest.mark.emulator
def test_firestore_emulator_round_trip(db) -> None:  # type: ignore[no-untyped-def]
    db.collection("probe").document("a").set({"x": 1})
    assert db.collection("probe").document("a").get().to_dict() == {"x": 1}
