"""Real-browser tests: Debian's Chromium (never a downloaded browser) driven by
Playwright against the app served by pytest-django's live server, on a phone and a
desktop viewport, with axe-core run on every page a test visits.

`make test` installs the `chromium` and `fonts-noto-cjk` packages with apt when they are
missing; without Chromium these tests are skipped with the reason, except in CI. Every
page a test visits goes through `Session.look`. Screenshots go to
tests/browser/screenshots/ (git-ignored)."""

import io
import os
import random
import shutil
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from clinic.models import ClinicPatient, StaffMember
from clinic.two_factor import totp_code, totp_enrol
from diary.photos import prepare_photo
from recovery.days import day_number
from review.models import ReviewCase
from tests.factories import (
    ClinicFactory,
    PatientFactory,
    StaffFactory,
    TreatmentFactory,
    record,
)
from tests.images import upload

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
README_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
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
    # CI must run them (make test stops there when apt cannot install Chromium), so
    # only elsewhere does a missing browser skip them.
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
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


# A phone asks for Japanese, a desktop for English: between them every page a test
# visits is checked in both languages.
# Reduced motion turns off Bootstrap's colour transitions, which axe-core would
# otherwise measure half-way (a button just tapped, say).
DEVICES = {
    "phone": ({"locale": "ja-JP", "reduced_motion": "reduce", **PHONE}, "ja"),
    "desktop": ({"locale": "en-GB", "reduced_motion": "reduce", **DESKTOP}, "en"),
}


@pytest.fixture
def new_session(browser, live_server, _live_settings):
    """`new_session("phone", "patient")` or `new_session("desktop", "clinician")`:
    another person's browser, with its own cookies; closed after the test."""
    contexts = []

    def make(device: str, who: str = "") -> "Session":
        options, language = DEVICES[device]
        contexts.append(browser.new_context(**options))
        return Session(contexts[-1], live_server.url, device, language, who=who)

    yield make
    for context in contexts:
        context.close()


def _module(request) -> str:
    """The test file's name without test_: keeps screenshots of two files apart."""
    return request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")


@pytest.fixture
def phone(new_session, request):
    return new_session("phone", _module(request))


@pytest.fixture
def desktop(new_session, request):
    return new_session("desktop", _module(request))


class Session:
    """One person's browser: a page, the server's address, the language its browser
    asks for, and the scripts that failed on its pages."""

    def __init__(self, context, base_url: str, name: str, language: str, *, who: str = ""):
        self.context, self.base_url, self.name = context, base_url, name
        self.language = language
        self.prefix = f"{name}-{who}" if who else name  # screenshots' names
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        # Scripts that failed, and anything the page's CSP refused.
        self.script_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.script_errors.append(message.text)

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def look(self, name: str):
        """Check the page as it is now, as every test does on every page it visits:
        in the session's language, no script failed and the CSP refused nothing,
        axe-core finds nothing critical or serious; then a screenshot. Returns the page."""
        self.page.wait_for_load_state()
        assert self.page.locator("html").get_attribute("lang") == self.language, (
            self.page.url
        )
        assert self.script_errors == [], f"{self.page.url}: {self.script_errors}"
        self.check_accessible()
        self.shot(name)
        return self.page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def shot_for_readme(self, filename: str, *, width: int) -> None:
        """With README_SCREENSHOTS=1 in the environment, what the screen shows now,
        scaled to `width` px and reduced to 256 colours, as docs/screenshots/`filename`
        (committed with the README, so kept small)."""
        if not os.environ.get("README_SCREENSHOTS"):
            return
        image = Image.open(io.BytesIO(self.page.screenshot())).convert("RGB")
        height = round(image.height * width / image.width)
        image = image.resize((width, height), Image.Resampling.LANCZOS).quantize(256)
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        image.save(README_SCREENSHOTS / filename, optimize=True)

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
        """Sign in through the login page and, given a `code`, the second-factor page,
        looking at each (`look`); ends on the page the app sends the user to."""
        page = self.open("/accounts/login/")
        self.look("login")
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("main form [type=submit]").first.click()
        if code is not None:
            page.wait_for_url("**/accounts/two-factor/**")
            self.look("two-factor")
            page.locator("input[name=code]").fill(code)
            page.locator("main form [type=submit]").first.click()
        page.wait_for_url(lambda url: "/accounts/" not in url)


PASSWORD = "correct horse battery"  # tests.factories.PatientFactory's, so staff's too


@pytest.fixture
def diary_with_case(transactional_db):
    """A Tokyo clinic's patient two days after treatment, with a photo on day 0 and
    one today, whose entry today (pain 6) opened a case for the clinic to review."""
    clinic = ClinicFactory(name="Smart Skin", time_zone="Asia/Tokyo")
    patient = PatientFactory(first_name="Aiko", last_name="Tanaka")
    treatment = TreatmentFactory(
        clinic=clinic, patient=patient, performed_at=timezone.now() - timedelta(days=2)
    )
    today = day_number(performed_at=treatment.performed_at, at=timezone.now(),
                       zone=clinic.zone)  # fmt: skip
    record(treatment, 0, photos=[photo(color=(225, 170, 160))])
    record(treatment, today, pain=6, redness=2, photos=[photo(color=(215, 120, 110))])
    case = ReviewCase.objects.get(treatment=treatment)
    ClinicPatient.objects.filter(pk=treatment.clinic_patient_id).update(
        phone="+81 90-1234-5678"  # as the front desk typed it
    )
    return SimpleNamespace(clinic=clinic, patient=patient, treatment=treatment,
                           case=case, today=today)  # fmt: skip


@pytest.fixture
def staff_member():
    """`staff_member(clinic, role)`: a staff member with an authenticator app, as
    (user, code) where `code()` is the 6-digit code the app shows now."""

    def make(clinic, role: str = StaffMember.Role.CLINICIAN):
        user = StaffFactory(clinic=clinic, role=role).user
        secret = totp_enrol(user)
        return user, lambda: totp_code(secret)

    return make


def photo(*, color: tuple[int, int, int]):
    """A photo prepared as an upload would be (see `skin_jpeg`)."""
    return prepare_photo(upload(skin_jpeg(color)))


def skin_jpeg(color: tuple[int, int, int]) -> bytes:
    """An 800x600 JPEG of skin in `color` with darker dots (pores, freckles): the
    texture that passes the photo check's sharpness test, as a real photo does."""
    rnd = random.Random(sum(color))
    image = Image.new("RGB", (800, 600), color)
    draw = ImageDraw.Draw(image)
    for _ in range(1500):
        x, y, r = rnd.randrange(800), rnd.randrange(600), rnd.randrange(1, 4)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=tuple(max(0, c - rnd.randrange(20, 60)) for c in color))  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
