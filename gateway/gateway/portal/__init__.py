"""The subscriber portal: server-rendered pages built from the services' APIs."""

from flask import Blueprint

from . import formatting

portal = Blueprint("portal", __name__, template_folder="templates", static_folder="static", static_url_path="/static")


def register_pages(app):
    # each module attaches its routes to `portal`
    from . import (  # noqa: F401
        autopay,
        billing,
        errors,
        invoices,
        login,
        passcode,
        payment,
        payment_history,
        payment_submit,
        profiles,
        two_step,
    )

    errors.register(app)
    app.add_template_filter(formatting.money, "money")
    app.add_template_filter(formatting.plain_money, "plain_money")
    app.add_template_filter(formatting.short_date, "short_date")
    app.add_template_filter(formatting.status_words, "status_words")
    app.add_template_filter(formatting.method_name, "method_name")
    app.register_blueprint(portal)
