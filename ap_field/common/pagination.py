"""One page of a list already in memory, read by templates as Flask-SQLAlchemy's pagination
is (items, page, pages, total, has_prev, has_next, prev_num, next_num)."""

from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa
from flask import request, url_for

from ap_field.extensions import db


@dataclass(frozen=True)
class ListPage:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: list, page: int, per_page: int) -> ListPage:
    """The page numbered `page` (from 1; out of range reads as the nearest page)."""
    pages = max(1, ceil(len(items) / per_page))
    page = min(max(page, 1), pages)
    first = (page - 1) * per_page
    return ListPage(items[first : first + per_page], page, per_page, len(items))


def rows_page(query: sa.Select, page: int, per_page: int) -> ListPage:
    """The page numbered `page` of a query's rows, kept as rows (several columns each), in two
    queries: the count, then the page."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    pages = max(1, ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return ListPage(rows, page, per_page, total)


MAX_PAGE = 1_000_000  # past any list's end; a larger number would overflow the offset


def page_number(parameter: str = "page") -> int:
    """The page number the query string names in `parameter`: 1 when it is missing, not a
    number, or out of range."""
    page = request.args.get(parameter, type=int)
    return page if page is not None and 1 <= page <= MAX_PAGE else 1


def requested_page(query: sa.Select, parameter: str, per_page: int):
    """The page of `query` that the query string names in `parameter` (from 1)."""
    return db.paginate(query, page=page_number(parameter), per_page=per_page, error_out=False)


def list_page_url(endpoint: str, parameter: str, number: int, anchor: str) -> str:
    """The URL of page `number` of one of several paged lists on a page, keeping the other
    lists' pages and landing on the list."""
    pages = {key: value for key, value in request.args.items() if key.endswith("page")}
    return url_for(endpoint, **(pages | {parameter: number})) + f"#{anchor}"
