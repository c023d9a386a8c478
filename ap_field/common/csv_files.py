"""CSV downloads, written one way for every export.

Each file starts with a UTF-8 byte order mark: Excel reads a CSV without one in the PC's own
code page, and "Zoë Ó'Brien" arrives as "ZoÃ« Ã“'Brien".
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from flask import Response, stream_with_context

Cell = str | int | Decimal | date | None

BYTE_ORDER_MARK = "\ufeff"
CHUNK = 32 * 1024  # a write per row would cost the server a system call per row


def _text(cell: Cell) -> str:
    """A CSV cell, with one that a spreadsheet would run as a formula made inert."""
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_lines(header: list[str], rows: Iterable[list[Cell]]) -> Iterator[str]:
    """The CSV, byte order mark first, in pieces of about CHUNK characters."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    for row in [header], rows:
        for cells in row:
            writer.writerow([_text(cell) for cell in cells])
            if buffer.tell() >= CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[list[Cell]]) -> Response:
    """A CSV attachment streamed as its rows are read, within the request's context (the rows
    are usually a query still running)."""
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
