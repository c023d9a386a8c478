"""url_for in templates: the URLs kept per worker are the ones url_for would build."""

from flask import render_template_string, url_for

from ap_field.common.templating import fixed_url_for


def test_a_kept_url_is_the_one_built_for_the_path_the_app_is_served_under(app):
    template = "{{ url_for('sessions.today') }} {{ url_for('static', filename='css/app.css') }}"
    with app.test_request_context("/today"):
        at_root = render_template_string(template)
        assert at_root == f"/today {url_for('static', filename='css/app.css')}"
    with app.test_request_context("/today", base_url="http://localhost/county"):
        assert render_template_string(template) == " ".join(
            f"/county{url}" for url in at_root.split()
        )


def test_urls_with_values_and_relative_endpoints_are_built_each_time(app):
    with app.test_request_context("/pupils/1"):
        assert fixed_url_for("pupils.show", pupil_id=1) == "/pupils/1"
        assert fixed_url_for("pupils.show", pupil_id=2) == "/pupils/2"
        assert fixed_url_for(".index") == "/pupils"
    with app.test_request_context("/schools"):
        assert fixed_url_for(".index") == "/schools", "relative to this request's area"
