"""Staff tokens: the office's people sign in at auth_service (password + TOTP) for a short-lived token of their
own audience, signed like subscriber tokens; every ops endpoint names the role it needs and takes the actor from
the verified token, never from a header the caller writes."""

import functools

from flask import current_app, g

from .errors import Forbidden
from .tokens import bearer_token

STAFF_AUDIENCE = "billpay-staff"
VIEWER, CLERK, SUPERVISOR, ADMIN = "viewer", "clerk", "supervisor", "admin"
ROLES = (VIEWER, CLERK, SUPERVISOR, ADMIN)
# The one place a role's rights are defined: each role also has every right of the roles it implies. An admin
# manages staff accounts and signing keys and reads everything, but moves no money unless also a supervisor.
IMPLIES = {VIEWER: (), CLERK: (VIEWER,), SUPERVISOR: (CLERK,), ADMIN: (VIEWER,)}


def effective_roles(roles):
    """The roles granted plus every role they imply."""
    found, pending = set(), [role for role in roles if role in IMPLIES]
    while pending:
        role = pending.pop()
        if role not in found:
            found.add(role)
            pending.extend(IMPLIES[role])
    return found


def verify_staff_token(token):
    """The claims of a valid staff token (a subscriber token is refused: its audience differs)."""
    return current_app.extensions["billpay_tokens"].verify(token, audience=STAFF_AUDIENCE)


def staff_required(role):
    """An ops endpoint for staff holding `role` (or a role implying it): 401 without a valid staff token, 403
    naming the missing role. Sets g.actor ("staff:<username>"), g.staff_username and g.staff_roles."""
    if role not in IMPLIES:
        raise ValueError(f"unknown staff role {role!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            claims = verify_staff_token(bearer_token())
            roles = effective_roles(claims.get("roles") or ())
            if role not in roles:
                raise Forbidden(
                    f"This needs the {role} role, which your staff account does not have.", code="missing_role"
                )
            g.staff_username, g.staff_roles, g.staff_claims = claims["sub"], roles, claims
            g.actor = f"staff:{claims['sub']}"
            return view(*args, **kwargs)

        return wrapper

    return decorator
