"""Helpers for the real-browser journeys."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Request

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}\n" + "\n".join(violations)


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def watch_requests(context: BrowserContext, own_origin: str) -> list[str]:
    """Collect every request a browser context makes to anywhere but the app itself."""
    outside: list[str] = []

    def check(request: Request) -> None:
        if not request.url.startswith((own_origin, "data:", "blob:", "about:")):
            outside.append(request.url)

    context.on("request", check)
    return outside
