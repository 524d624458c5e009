"""Every page carries a Content-Security-Policy that allows only the app's own files, with no
'unsafe-inline', and a Permissions-Policy that switches off what the app never uses. The pages
themselves hold no inline script, style attribute or event handler, so the policy costs nothing."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from playwright.sync_api import Page, expect

from exercises.loader import load_library
from tests.browser import assert_no_csp_violation, sign_in
from tests.conftest import client_for
from tests.factories import PASSWORD, active_program, logged_session

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
OFF = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid")

# What the Content-Security-Policy would block in a page: a <script> with no src, a <style>
# element, a style attribute, an on...= handler or a javascript: link.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)
TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Emails and the WeasyPrint PDFs never reach a browser under the policy; their inline styles
# are how those formats are styled.
NOT_BROWSER_PAGES = ("handouts", "email")
TEMPLATE_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
TEMPLATE_TAG = re.compile(r"{%.*?%}", re.DOTALL)


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def assert_secure_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert directives(csp) == EXPECTED_CSP
    assert "unsafe" not in csp
    policy = response["Permissions-Policy"]
    for feature in OFF:
        assert f"{feature}=()" in policy


@pytest.fixture
def program(db, clinician_a, patient_a):
    load_library()
    program = active_program(patient_a, clinician_a, start=patient_a.today() - timedelta(days=10))
    logged_session(program, patient_a.today() - timedelta(days=2), pain=3, note="Sore knee")
    return program


@pytest.fixture
def pages(program, clinician_a, admin_a, patient_a):
    """A few key pages of each kind, with the client that may see them."""
    clinician, admin, patient, anonymous = (
        client_for(clinician_a.user),
        client_for(admin_a.user),
        client_for(patient_a.user),
        client_for(None),
    )
    return [
        (anonymous, reverse("login"), 200),
        (anonymous, "/no-such-page/", 404),
        (clinician, reverse("dashboard"), 200),
        (clinician, reverse("patient_list"), 200),
        (clinician, reverse("patient_detail", args=[patient_a.pk]), 200),  # the SVG charts
        (clinician, reverse("program_builder", args=[program.pk]), 200),
        (clinician, reverse("library"), 200),
        (clinician, "/no-such-page/", 404),
        (admin, reverse("staff_list"), 200),
        (admin, reverse("clinic_settings"), 200),
        (patient, reverse("portal_home"), 200),
        (patient, reverse("portal_log", args=[program.pk]), 200),
        (patient, reverse("portal_history"), 200),
    ]


def test_every_kind_of_page_carries_the_csp_and_the_permissions_policy(pages):
    for client, url, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        assert_secure_headers(response)


def test_a_redirect_and_an_htmx_fragment_carry_them_too(program, clinician_a):
    assert_secure_headers(client_for(None).get(reverse("dashboard")))
    fragment = client_for(clinician_a.user).get(
        reverse("program_search", args=[program.pk]), {"search": "clam"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert_secure_headers(fragment)


def test_key_pages_have_no_inline_script_style_or_handler(pages):
    for client, url, _ in pages:
        html = client.get(url).content.decode()
        assert INLINE_CODE.findall(html) == [], url


def test_the_error_page_has_no_inline_style():
    assert INLINE_CODE.findall(render_to_string("500.html")) == []


def test_no_browser_template_has_inline_script_style_or_handler():
    """The source of every template a browser shows, so that a page no test renders is caught
    too. Template comments and tags are not HTML and are skipped."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if set(path.relative_to(TEMPLATES).parts) & set(NOT_BROWSER_PAGES):
            continue
        source = TEMPLATE_COMMENT.sub("", path.read_text())
        source = TEMPLATE_TAG.sub("", source)  # {% include ... style="primary" %} is not HTML
        found += [f"{path.relative_to(TEMPLATES)}: {hit}" for hit in INLINE_CODE.findall(source)]
    assert found == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_check_catches_inline_style_swapped_into_a_page(
    page: Page, live_server, clinician_a
):
    """The journeys' CSP check works: markup with a style attribute, added as htmx adds a
    fragment, is blocked by the browser and reported."""
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert_no_csp_violation(page)
    page.evaluate(
        """document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<p id="injected" style="color: red">Injected</p>')"""
    )
    expect(page.locator("#injected")).to_be_visible()
    page.wait_for_function("window.__cspViolations.length > 0", timeout=2000)
    with pytest.raises(AssertionError, match="style-src-attr"):
        assert_no_csp_violation(page)
