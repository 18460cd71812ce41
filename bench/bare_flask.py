"""The reference for the invoice list: a bare Flask handler returning the same page of rows as JSON from the same
database, with no token check, schema or ORM, under the same gunicorn settings as the services
(`gunicorn -c bench/bare_gunicorn.conf.py`). invoice_service's figure over this one is what its layers cost."""

import json
import os

from flask import Flask, Response, request
from sqlalchemy import create_engine, text

PAGE = text(
    "SELECT number, date, due_date, amount, balance, status FROM invoices WHERE account = :account"
    " ORDER BY date DESC, number DESC LIMIT :per_page"
)


def create_app():
    app = Flask(__name__)
    threads = int(os.environ.get("GUNICORN_THREADS", "4"))
    engine = create_engine(os.environ["INVOICE_SERVICE_DATABASE_URL"], pool_size=threads, max_overflow=0)

    @app.get("/invoices/<account>")
    def invoices(account):
        per_page = int(request.args.get("per_page", "20"))
        with engine.connect() as connection:
            rows = connection.execute(PAGE, {"account": account, "per_page": per_page}).mappings().all()
        items = [{name: str(value) for name, value in row.items()} for row in rows]
        return Response(json.dumps({"items": items}), mimetype="application/json")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
