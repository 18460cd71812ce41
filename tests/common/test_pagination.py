"""billpay_common.pagination against a real (SQLite) database."""

import pytest
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column

from billpay_common.pagination import PageQuerySchema, paginate


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    id = mapped_column(Integer, primary_key=True)
    name = mapped_column(String(10))


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(Row(id=n, name=f"r{n}") for n in range(1, 8))
        session.commit()
        yield session
    engine.dispose()


def test_pages_cover_every_row_once_with_the_total(session):
    newest_first = select(Row).order_by(Row.id.desc())
    pages = [paginate(session, newest_first, page, 3) for page in (1, 2, 3, 4)]
    assert [[row.id for row in page["items"]] for page in pages] == [[7, 6, 5], [4, 3, 2], [1], []]
    assert {(page["total"], page["pages"], page["per_page"]) for page in pages} == {(7, 3, 3)}
    assert [page["page"] for page in pages] == [1, 2, 3, 4]


def test_a_page_of_columns_gives_mappings(session):
    page = paginate(session, select(Row.id, Row.name).where(Row.id > 5).order_by(Row.id), 1, 25)
    assert [dict(item) for item in page["items"]] == [{"id": 6, "name": "r6"}, {"id": 7, "name": "r7"}]
    assert (page["total"], page["pages"]) == (2, 1)


def test_an_empty_listing_has_no_pages(session):
    assert paginate(session, select(Row).where(Row.id > 99), 1, 25) == {
        "items": [],
        "page": 1,
        "per_page": 25,
        "total": 0,
        "pages": 0,
    }


@pytest.mark.parametrize("query", [{"page": "0"}, {"per_page": "101"}, {"per_page": "0"}, {"page": "x"}])
def test_page_arguments_out_of_range_are_refused(query):
    assert PageQuerySchema().validate(query)


def test_page_arguments_default_to_the_first_25():
    assert PageQuerySchema().load({}) == {"page": 1, "per_page": 25}
