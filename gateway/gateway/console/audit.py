"""The audit log, one kind at a time: access changes (who granted, revoked, unlocked or reset what), login
attempts, refunds and voids (who asked, who approved), and, for admins, changes to staff accounts."""

from typing import NamedTuple
from urllib.parse import urlencode

from flask import render_template, request

from billpay_common.staff_auth import ADMIN, VIEWER

from . import console, staff


class AuditKind(NamedTuple):
    label: str
    service: str
    path: str
    role: str
    filters_by_account: bool
    actor_fields: tuple[str, ...]


KINDS = {
    "access": AuditKind("access changes", "auth", "/ops/audit", VIEWER, True, ("actor",)),
    "logins": AuditKind("login attempts", "auth", "/ops/login-attempts", VIEWER, True, ()),
    "reversals": AuditKind(
        "refunds and voids", "payment", "/ops/payments/reversals", VIEWER, False, ("requested_by", "decided_by")
    ),
    "staff": AuditKind("staff accounts", "auth", "/ops/staff-audit", ADMIN, False, ("actor",)),
}


@console.get("/audit")
@staff.role_required(VIEWER)
def audit():
    kinds = {name: kind for name, kind in KINDS.items() if staff.has_role(kind.role)}
    name = request.args.get("kind") if request.args.get("kind") in kinds else "access"
    kind, account, actor = kinds[name], request.args.get("account", "").strip(), request.args.get("actor", "").strip()
    entries = staff.read(kind.service, f"{kind.path}?{_query(kind, account)}")
    if actor:
        entries = [entry for entry in entries if _acted(entry, kind, actor)]
    return render_template("console/audit.html", entries=entries, kinds=kinds, kind=name, account=account, actor=actor)


def _query(kind, account):
    return urlencode({**({"account": account} if account and kind.filters_by_account else {}), "limit": 200})


def _acted(entry, kind, actor):
    return any(actor.lower() in str(entry.get(field) or "").lower() for field in kind.actor_fields)
