"""The office console: staff pages on the gateway's console listener (CONSOLE_PORT) only, never the public one.

Staff sign in with username, password and TOTP at auth_service; the staff token stays in the server-side session
and every page calls the services' ops APIs with it, so each service checks the role and audits the person."""

from flask import Blueprint

console = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@console.context_processor
def staff_context():
    from .staff import has_role

    return {"staff_may": has_role}


def register_console(app):
    # each module attaches its routes to `console`
    from . import accounts, audit, deliveries, imports, invoices, payments, sign_in, staff_accounts  # noqa: F401

    app.register_blueprint(console)
