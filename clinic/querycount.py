"""The number of database queries each request made, in an X-Query-Count response header, so
the benchmark (manage.py bench) can print a page's query count beside its time.

The middleware is in settings.MIDDLEWARE only when QUERY_COUNT_HEADER=1: a normal run does not
load it and pays nothing. It goes first in the list, so the session's own queries (read before
the view, saved after it) are counted too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

HEADER = "X-Query-Count"


class QueryCounter:
    """An execute wrapper (connection.execute_wrapper) that counts the queries it lets through."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(counter.count)
        return response
