from pathlib import Path

from ap_field import PROJECT_ROOT


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "ap-field"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as icon_response:
            assert icon_response.status_code == 200
            assert icon_response.mimetype == "image/png"


def test_health_answers_while_the_database_does(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_vendored_htmx_is_version_2_0():
    htmx = Path(PROJECT_ROOT, "static/vendor/htmx.min.js").read_text()
    assert 'version:"2.0.' in htmx.replace(" ", "")
