from __future__ import annotations


def test_the_identity_roles_are_the_workflows_roles() -> None:
    from cases.model import AGENCY_ROLES, Role
    from infra import identity

    assert set(identity.ROLES) == {r.value for r in Role}
    assert set(identity.AGENCY_ROLES) == {r.value for r in AGENCY_ROLES}
