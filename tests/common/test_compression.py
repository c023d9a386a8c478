import gzip

from ap_field.auth.models import Role

GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_pages_are_gzipped_for_a_browser_that_accepts_it(client, auth, make_user):
    auth.login(make_user(Role.LEAD))

    response = client.get("/pupils", headers=GZIP)

    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"<!DOCTYPE html>" in gzip.decompress(response.data)
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_pages_stay_plain_for_a_client_that_does_not_accept_gzip(client, auth, make_user):
    auth.login(make_user(Role.LEAD))

    response = client.get("/pupils")

    assert "Content-Encoding" not in response.headers
    assert b"<!DOCTYPE html>" in response.data


def test_small_answers_are_left_alone(client):
    response = client.get("/health", headers=GZIP)

    assert "Content-Encoding" not in response.headers
    assert response.json == {"status": "ok"}


def test_static_files_are_gzipped_and_revalidated_against_the_compressed_etag(client):
    first = client.get("/static/css/app.css", headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    assert b".govuk-" in gzip.decompress(first.data)
    first.close()

    again = client.get(
        "/static/css/app.css", headers=GZIP | {"If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == 304
    assert again.data == b""
