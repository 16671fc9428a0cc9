"""Real-browser tests: Debian's Chromium (never a downloaded browser) driven by
Playwright against the app served by pytest-django's live server, on a phone and a
desktop viewport, with axe-core run on every page a test visits.

`make test` installs the `chromium` package with apt when it is missing; without it
these tests are skipped with the reason. Screenshots go to tests/browser/screenshots/
(git-ignored)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}  # fmt: skip
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# As the probe of this machine runs it: no sandbox as root, and no background
# networking, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Playwright's sync API runs an event loop in this thread; the live server's own
# thread does the database work, and the test's set-up is synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (make test installs it)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    # The live server builds its middleware once, before any test's settings apply.
    assert not settings.SECURE_SSL_REDIRECT, (
        "run with SECURE_SSL_REDIRECT=0, as make test does"
    )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def _live_settings(settings):
    # The live server speaks plain HTTP on 127.0.0.1 (no HTTPS redirect, no secure
    # cookies), and serves the static files from the apps, as collectstatic would.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["*"]


@pytest.fixture
def phone(browser, live_server, _live_settings):
    context = browser.new_context(locale="ja-JP", **PHONE)
    yield Session(context, live_server.url, "phone")
    context.close()


@pytest.fixture
def desktop(browser, live_server, _live_settings):
    context = browser.new_context(locale="en-GB", **DESKTOP)
    yield Session(context, live_server.url, "desktop")
    context.close()


class Session:
    """One person's browser: a page, the server's address, and what they visited."""

    def __init__(self, context, base_url: str, name: str):
        self.context, self.base_url, self.name = context, base_url, name
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check_accessible(self) -> None:
        """axe-core on the page as it is now: no critical or serious violation."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        bad = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("critical", "serious")
        ]
        assert bad == [], f"{self.page.url}: {bad}"

    def sign_in(self, email: str, password: str, *, code: str | None = None) -> None:
        page = self.open("/accounts/login/")
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("form [type=submit]").first.click()
        if code is not None:
            page.locator("input[name=code]").fill(code)
            page.locator("form [type=submit]").first.click()
        page.wait_for_load_state()
