"""The one exception to the append-only records: anonymising a pupil whose retention period is
over (docs/architecture.md, "Retention").

Audit events, attendance marks' history, submitted session notes and safeguarding records
refuse any change or deletion in a `before_flush` check. Each check steps aside only while
`anonymising(session)` is open: `ap_field.retention.services.anonymise` opens it around the
one transaction that blanks a pupil's records, and nothing else does.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy.orm as so

ANONYMISING = "anonymising_pupil_id"


@contextmanager
def anonymising(session: so.Session, pupil_id: int) -> Iterator[None]:
    """The append-only checks let this session rewrite pupil `pupil_id`'s records until the
    block ends, however it ends."""
    if ANONYMISING in session.info:
        raise RuntimeError("Already anonymising a pupil in this session")
    session.info[ANONYMISING] = pupil_id
    try:
        yield
    finally:
        session.info.pop(ANONYMISING, None)


def is_anonymising(session: so.Session) -> bool:
    return ANONYMISING in session.info
