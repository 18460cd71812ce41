"""card_testing wired to this app: its settings, Redis, the audit table and the request's client address.

The client address is `request.remote_addr`: the gateway (the only public entry) sends the address it saw as
X-Forwarded-For, which payment_service takes from exactly one proxy (TRUSTED_PROXY_COUNT=1, werkzeug ProxyFix).
"""

from typing import Any

from flask import current_app, request
from sqlalchemy import select

from .card_testing import ACCOUNT, ADDRESS, CARD, Attempt, Block, Burst, CardTestingGuard, Limit
from .extensions import db, redis_ext
from .models import CardTestingAudit
from .redis_windows import RedisDeclineWindows

BLOCKED, LIFTED = "blocked", "lifted"


def _windows() -> RedisDeclineWindows:
    found = current_app.extensions.get("card_testing_windows")
    if found is None:
        found = RedisDeclineWindows(redis_ext.client, redis_ext.prefix)
        current_app.extensions["card_testing_windows"] = found
    return found


def limits() -> list[Limit]:
    config = current_app.config
    return [
        Limit(ACCOUNT, config["CARD_DECLINES_PER_ACCOUNT"], config["CARD_DECLINE_ACCOUNT_WINDOW_SECONDS"]),
        Limit(ADDRESS, config["CARD_DECLINES_PER_ADDRESS"], config["CARD_DECLINE_ADDRESS_WINDOW_SECONDS"]),
        Limit(CARD, config["CARD_DECLINES_PER_CARD"], config["CARD_DECLINE_CARD_WINDOW_SECONDS"]),
    ]


def _guard() -> CardTestingGuard:
    config = current_app.config
    burst = Burst(config["DECLINE_BURST_LIMIT"], config["DECLINE_BURST_WINDOW_SECONDS"])
    return CardTestingGuard(_windows(), limits(), burst, audit=_audit_block)


def admit(account: str, card: str, attempt: str) -> Attempt:
    """The attempt holding its places in the account's, the client address's and the card's (its fingerprint)
    windows; or TooManyDeclines (429), audited, when one of them is full."""
    subjects = {ACCOUNT: account, ADDRESS: request.remote_addr or "", CARD: card}
    return _guard().admit(account, subjects, attempt)


def _audit(actor: str, action: str, kind: str, subject: str, account: str = "", detail: str = "") -> None:
    db.session.add(
        CardTestingAudit(
            actor=actor[:80], action=action, account=account[:20], kind=kind, subject=subject[:128], detail=detail[:255]
        )
    )
    db.session.commit()


def _audit_block(block: Block, account: str) -> None:
    window = block.window
    detail = (
        f"{window.limit.declines} declines within {window.limit.seconds} s reached; retry after {block.retry_after} s"
    )
    _audit(f"account:{account}", BLOCKED, window.limit.kind, window.subject, account, detail)


def lift(kind: str, subject: str, actor: str) -> dict[str, Any]:
    """Empty one subject's window (audited, also when it held nothing); its next attempt goes to the processor."""
    lifted = _windows().lift(kind, subject)
    _audit(actor, LIFTED, kind, subject, detail="the window held declines" if lifted else "the window was empty")
    return {"kind": kind, "subject": subject, "lifted": lifted}


def audit_log(account: str | None = None, subject: str | None = None, limit: int = 100) -> list[CardTestingAudit]:
    query = select(CardTestingAudit).order_by(CardTestingAudit.id.desc()).limit(limit)
    if account:
        query = query.where(CardTestingAudit.account == account)
    if subject:
        query = query.where(CardTestingAudit.subject == subject)
    return list(db.session.scalars(query))
