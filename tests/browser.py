"""Helpers for the real-browser journeys."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Request

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()

# Runs in every document of a watched context before the page's own code: it records each
# Content-Security-Policy violation (a blocked inline script, style attribute, handler or foreign
# load), including those of markup htmx swaps in later. Guarded, so watching twice is harmless.
_RECORD_CSP_VIOLATIONS = """
if (!window.__cspViolations) {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
      `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at `
      + `${event.sourceFile || document.location.href}:${event.lineNumber} ${event.sample}`
    );
  }, true);
}
"""


def watch_csp(context: BrowserContext) -> None:
    """Record Content-Security-Policy violations in every page the context opens from now on."""
    context.add_init_script(_RECORD_CSP_VIOLATIONS)


def assert_no_csp_violation(page: Page) -> None:
    violations = page.evaluate("window.__cspViolations")
    assert violations is not None, (
        f"{page.url}: CSP violations are not recorded in this browser context; "
        "create it through watch_requests() or sign in with sign_in()"
    )
    assert violations == [], f"{page.url}\n" + "\n".join(violations)


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now, and the page has not
    broken the Content-Security-Policy since it loaded."""
    assert_no_csp_violation(page)
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]
    assert violations == [], f"{page.url}\n" + "\n".join(violations)


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    watch_csp(page.context)
    page.goto(base_url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def watch_requests(context: BrowserContext, own_origin: str) -> list[str]:
    """Collect every request a browser context makes to anywhere but the app itself (and record
    its pages' CSP violations for assert_accessible)."""
    watch_csp(context)
    outside: list[str] = []

    def check(request: Request) -> None:
        if not request.url.startswith((own_origin, "data:", "blob:", "about:")):
            outside.append(request.url)

    context.on("request", check)
    return outside
