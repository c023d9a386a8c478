"""Writes through one app server or two over the same database: the outbox's replay of
queued session notes, and a camera photo's upload and its fetch."""

import threading
import time
import uuid
from datetime import date, timedelta

import requests
import sqlalchemy as sa

from tests.bench.database import Database
from tests.bench.photo import camera_jpeg
from tests.bench.server import Server, form_token

OUTBOX_OPERATIONS = 500
OUTBOX_PHONES = 4


def _note_fields(token: str, number: int, today: date, text: str) -> dict:
    return {
        "csrf_token": token,
        "client_uuid": str(uuid.uuid4()),
        "held_on": (today - timedelta(days=number % 300)).isoformat(),
        "starts_at": "09:30",
        "ends_at": "11:00",
        "mode": "face_to_face",
        "focus": "maths",
        "place": "Library",
        "planned_minutes": "90",
        "engagement": "4",
        "progress": f"{text} {number}",
        "wellbeing": "Calm",
        "next_steps": "Fractions",
    }


def outbox(
    servers: list[Server], database: Database, session: requests.Session, ids: dict, text: str
) -> dict:
    """500 session notes queued offline and replayed as the outbox does, each sent a second
    time after its first answer with the same Idempotency-Key, and the notes whose progress
    is `text` and their number counted afterwards. With two servers each note's second send
    goes to the other server than its first."""
    pupils = ids["teacher_pupils"]
    token = session.get(servers[0].url + "/sync/token").json()["csrf_token"]
    today = date.fromisoformat(ids["last_school_day"])
    operations = [
        (number, pupils[number % len(pupils)], str(uuid.uuid4()),
         _note_fields(token, number, today, text))
        for number in range(OUTBOX_OPERATIONS)
    ]  # fmt: skip
    engine = database.engine()
    with engine.connect() as connection:
        before = connection.scalar(sa.text("SELECT count(*) FROM session_notes"))
    statuses: dict[str, int] = {}
    cookies = session.cookies.get_dict()

    def replay(batch) -> None:
        with requests.Session() as phone:
            phone.cookies.update(cookies)
            for number, pupil, key, fields in batch:
                for turn, attempt in enumerate(("first", "again"), number):
                    answer = phone.post(
                        f"{servers[turn % len(servers)].url}/pupils/{pupil}/notes/new",
                        files={name: (None, value) for name, value in fields.items()},
                        headers={"Idempotency-Key": key, "X-CSRFToken": token,
                                 "X-Outbox": "replay", "X-Bench-Label": "outbox"},
                        allow_redirects=False,
                    )  # fmt: skip
                    name = f"{attempt} {answer.status_code}"
                    statuses[name] = statuses.get(name, 0) + 1

    started = time.perf_counter()
    phones = [
        threading.Thread(target=replay, args=(operations[n::OUTBOX_PHONES],))
        for n in range(OUTBOX_PHONES)
    ]
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join()
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        after = connection.scalar(sa.text("SELECT count(*) FROM session_notes"))
        texts = connection.execute(
            sa.text(
                "SELECT progress, count(*) FROM session_notes WHERE progress LIKE :pattern"
                " GROUP BY progress"
            ),
            {"pattern": f"{text} %"},
        ).all()
    engine.dispose()
    return {
        "servers": len(servers),
        "operations": OUTBOX_OPERATIONS,
        "requests": 2 * OUTBOX_OPERATIONS,
        "seconds": round(seconds, 2),
        "ms_per_request": round(1000 * seconds / (2 * OUTBOX_OPERATIONS) * OUTBOX_PHONES, 1),
        "records_made": after - before,
        "duplicates": sum(count - 1 for _, count in texts if count > 1),
        "missing": OUTBOX_OPERATIONS - len(texts),
        "statuses": statuses,
    }


def _draft_check(server: Server, session: requests.Session, database: Database) -> tuple:
    """A new draft site check of the first site, and the first item it asks about."""
    engine = database.engine()
    with engine.connect() as connection:
        site = connection.scalar(sa.text("SELECT min(id) FROM provider_sites"))
        template = connection.scalar(sa.text("SELECT min(id) FROM check_templates"))
        item = connection.scalar(
            sa.text(
                "SELECT i.id FROM check_items i JOIN check_sections s ON s.id = i.section_id"
                " WHERE s.template_id = :template AND NOT s.higher_risk_only"
                " ORDER BY s.position, i.position LIMIT 1"
            ),
            {"template": template},
        )
    engine.dispose()
    started = session.post(
        server.url + "/site-checks/new",
        data={"csrf_token": form_token(session, server.url + "/site-checks/new"),
              "client_uuid": str(uuid.uuid4()), "site_id": site, "template_id": template,
              "higher_risk": "none"},
        allow_redirects=False,
    )  # fmt: skip
    return int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1]), item


def photo_upload(server: Server, session: requests.Session, database: Database) -> dict:
    """A draft site check, then a 12-megapixel camera JPEG added to its first item."""
    check, item = _draft_check(server, session, database)
    page = f"{server.url}/site-checks/{check}/items/{item}"
    token = form_token(session, page)
    jpeg = camera_jpeg()
    began = time.perf_counter()
    answer = session.post(
        page + "/photos",
        data={"csrf_token": token, "photo_uuid": str(uuid.uuid4()), "caption": "Fire door"},
        files={"photo": ("IMG_0001.jpg", jpeg, "image/jpeg")},
        headers={"X-Bench-Label": "photo"},
        allow_redirects=False,
    )
    seconds = time.perf_counter() - began
    engine = database.engine()
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT id, width, height, byte_size FROM photos ORDER BY id DESC LIMIT 1")
        ).one()
    engine.dispose()
    return {
        "status": answer.status_code,
        "upload_bytes": len(jpeg),
        "seconds": round(seconds, 2),
        "server_ms": round(server.logged("photo")["ms"], 1),
        "stored_width": stored.width,
        "stored_height": stored.height,
        "stored_bytes": stored.byte_size,
        "photo_id": stored.id,
        "check_id": check,
        "item_id": item,
    }


def photo_across(servers: list[Server], session: requests.Session, photo_id: int) -> dict:
    """The photo fetched through the server that took it and through the other: served across
    when both answer 200 with the same bytes."""
    here, across = (session.get(f"{server.url}/photos/{photo_id}") for server in servers)
    return {
        "status_here": here.status_code,
        "status_across": across.status_code,
        "bytes_across": len(across.content),
        "served_across": here.status_code == across.status_code == 200
        and here.content == across.content,
    }
