"""Listings: numbered pages (?page=&per_page= -> {"items", "page", "per_page", "total", "pages"}), and the
ops logs' newest-N (?limit=, a plain list)."""

import math

from marshmallow import Schema, fields, validate
from sqlalchemy import func, select


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class PageSchema(Schema):
    """A page of a listing; a subclass names its rows: items = fields.List(fields.Nested(RowSchema))."""

    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class LimitQuerySchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


TOTAL = "billpay_total"


def paginate(session, statement, page, per_page):
    """One page of `statement` (a select() with its order_by): ORM rows for select(Model), else mappings. One
    query: the total comes with the page (COUNT(*) OVER (), computed before the LIMIT); only a page past the end
    has to count apart."""
    counted = statement.add_columns(func.count().over().label(TOTAL))
    rows = session.execute(counted.limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        total = rows[0][-1]
    elif page == 1:
        total = 0
    else:
        total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    if _selects_one_entity(statement):
        items = [row[0] for row in rows]
    else:
        items = [{key: value for key, value in row._mapping.items() if key != TOTAL} for row in rows]
    return page_body(items, page, per_page, total)


def page_body(items, page, per_page, total):
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": math.ceil(total / per_page) if total else 0,
    }


def _selects_one_entity(statement):
    described = statement.column_descriptions
    return len(described) == 1 and isinstance(described[0]["expr"], type)
