"""One pagination for every API list: `limit` and `offset` in, `count`, `limit`, `offset`
and `items` out; the page size defaults to HAVEN_API_PAGE_SIZE and never exceeds
HAVEN_API_MAX_PAGE_SIZE.

    @router.get("/", response=page_of(StoreOut))
    def list_stores(request, page: Query[PageQuery]):
        return paginate(Store.objects.all(), page)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from ninja import Field, Schema

# A camp of a million people pages through far fewer rows than this; a larger offset
# would overflow the database's integer.
MAX_OFFSET = 2**31 - 1


class PageQuery(Schema):
    limit: int = Field(
        settings.HAVEN_API_PAGE_SIZE,
        ge=1,
        le=settings.HAVEN_API_MAX_PAGE_SIZE,
        description=f"Rows in the page (at most {settings.HAVEN_API_MAX_PAGE_SIZE}).",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class PageBase(Schema):
    count: int = Field(description="Rows in the whole list.")
    limit: int
    offset: int


@cache
def page_of(schema: type[Schema]) -> type[PageBase]:
    """The page schema for a list of `schema`, named after it (`StoreOut` → `StoreOutPage`)."""
    return type(
        f"{schema.__name__}Page",
        (PageBase,),
        {"__annotations__": {"items": list[schema]}, "__module__": schema.__module__},  # type: ignore[valid-type]
    )


def paginate(
    rows: QuerySet[Any] | Sequence[Any], page: PageQuery, count: int | None = None
) -> dict[str, Any]:
    """One page of `rows` (a query is counted and sliced in the database); `count`, when the
    caller knows it already (from aggregates), spares counting a large table."""
    if count is None:
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    items = list(rows[page.offset : page.offset + page.limit])
    return {"count": count, "limit": page.limit, "offset": page.offset, "items": items}


class CountedPaginator(Paginator[Any]):
    """A web page's paginator that does not count its rows: the count is given, known from
    aggregates or bounded (`bounded_count`), so a page of a million rows never scans them."""

    def __init__(self, rows: Any, per_page: int, *, count: int, exact: bool = True) -> None:
        super().__init__(rows, per_page)
        self.given_count = count
        self.exact = exact

    @property
    def count(self) -> int:
        return self.given_count


def bounded_count(rows: QuerySet[Any], bound: int) -> tuple[int, bool]:
    """How many rows, counting no further than `bound` + 1: (count, whether it is exact)."""
    found = rows.order_by()[: bound + 1].count()
    return min(found, bound), found <= bound
