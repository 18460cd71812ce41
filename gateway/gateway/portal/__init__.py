"""The subscriber portal: server-rendered pages built from the services' APIs."""
from flask import Blueprint

portal = Blueprint("portal", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static")


def register_pages(app):
    from . import billing, errors, login  # noqa: F401  (each module attaches its routes to `portal`)

    errors.register(app)
    app.register_blueprint(portal)
