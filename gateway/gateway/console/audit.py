"""The access audit (who granted, revoked, unlocked or reset what, and when) and the login attempts, by account."""

from urllib.parse import urlencode

from flask import render_template, request

from billpay_common.staff_auth import VIEWER

from . import console, staff

KINDS = {"access": "/ops/audit", "logins": "/ops/login-attempts"}


@console.get("/audit")
@staff.role_required(VIEWER)
def audit():
    account = request.args.get("account", "").strip()
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else "access"
    actor = request.args.get("actor", "").strip()
    query = urlencode({**({"account": account} if account else {}), "limit": 200})
    entries = staff.read("auth", f"{KINDS[kind]}?{query}")
    if actor:
        entries = [entry for entry in entries if actor.lower() in str(entry.get("actor", "")).lower()]
    return render_template("console/audit.html", entries=entries, account=account, kind=kind, actor=actor)
