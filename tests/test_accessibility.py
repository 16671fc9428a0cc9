"""Accessibility that a keyboard or screen-reader user meets on every page: a skip
link first, every form control named, text colours of at least 4.5:1 (WCAG AA, as
axe-core's `color-contrast` rule checks), and a form that comes back with errors
starting with a summary that takes the focus."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from review.models import ReviewCase
from tests.conftest import login
from tests.factories import StaffFactory, record

CSS = settings.BASE_DIR / "static/css/diary.css"
SCRIPT = settings.BASE_DIR / "static/js/error-summary.js"


class Page(HTMLParser):
    """The facts of a page these tests ask about, read once."""

    FOCUSABLE = {"button", "select", "textarea", "summary"}

    def __init__(self, html: str):
        super().__init__()
        self.in_body = False
        self.focusable: list[dict] = []  # in document order, each with its tag
        self.controls: list[dict] = []  # inputs, selects and textareas
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.scripts: list[dict] = []
        self.elements: list[dict] = []  # every start tag in the body, in order
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs) | {"tag": tag}
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "body":
            self.in_body = True
        if not self.in_body:
            return
        self.elements.append(attrs)
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        hidden = tag == "input" and attrs.get("type") == "hidden"
        if tag in ("input", "select", "textarea") and not hidden:
            self.controls.append(attrs | {"in_label": self.label_depth > 0})
        tabbable = attrs.get("tabindex") not in (None, "-1")
        if (
            (tag == "a" and "href" in attrs)
            or (tag in self.FOCUSABLE or (tag == "input" and not hidden))
            or tabbable
        ):
            self.focusable.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def unnamed_controls(self) -> list[str]:
        """Controls with no label, aria-label or aria-labelledby (axe's `label` and
        `select-name` rules); buttons are named by their text."""
        return [
            c.get("name") or c.get("id") or c["tag"]
            for c in self.controls
            if c.get("type") not in ("submit", "button")
            and not c["in_label"]
            and c.get("id") not in self.label_for
            and not c.get("aria-label")
            and not c.get("aria-labelledby")
        ]


@pytest.fixture
def manager(clinic):
    return StaffFactory(clinic=clinic, role="manager").user


@pytest.fixture
def case(treatment):
    record(treatment, 1, pain=6)
    return ReviewCase.objects.get()


def staff_pages(case) -> list[str]:
    return [
        reverse("review:case_queue"),
        reverse("review:case_detail", args=[case.pk]),
        reverse("clinic:treatment_list"),
        reverse("clinic:treatment_new"),
        reverse("outcomes:outcomes"),
        reverse("account_security"),
    ]


# The skip link


def assert_skip_link_first(html: str) -> None:
    page = Page(html)
    first = page.focusable[0]
    assert (first["tag"], first["href"], first["class"]) == (
        "a", "#main", "skip-link visually-hidden-focusable"
    )  # fmt: skip
    assert 'href="#main">Skip to main content</a>' in html
    assert next(e for e in page.elements if e.get("id") == "main")["tag"] == "main"


def test_every_staff_page_starts_with_a_skip_link_to_the_main_content(
    client, manager, case
):
    login(client, manager)
    for url in staff_pages(case):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_skip_link_first(response.text)


def test_the_login_page_and_the_patients_today_start_with_the_skip_link(client, treatment):
    assert_skip_link_first(client.get(reverse("login")).text)
    login(client, treatment.patient)
    assert_skip_link_first(client.get(reverse("diary:today")).text)


# Named controls


def test_every_control_on_the_staff_pages_has_a_name(client, manager, case):
    login(client, manager)
    for url in staff_pages(case):
        assert Page(client.get(url).text).unnamed_controls() == [], url


def test_the_outcomes_filters_are_all_labelled_for_three_cohorts(client, manager):
    login(client, manager)
    page = Page(client.get(reverse("outcomes:outcomes")).text)
    selects = [c["id"] for c in page.controls if c["tag"] == "select"]
    assert len(selects) == 12  # procedure, course version, anaesthesia, practitioner
    assert set(selects) <= page.label_for


# Colour contrast


def custom_properties() -> dict[str, str]:
    """The custom properties of diary.css's first `:root` block."""
    css = CSS.read_text()
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", root))


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return round((light + 0.05) / (dark + 0.05), 2)


def over(colour: str, alpha: float, background: str) -> str:
    """`colour` at `alpha` painted over `background`, as the eye sees it."""
    mixed = (
        round(
            alpha * int(colour[i : i + 2], 16)
            + (1 - alpha) * int(background[i : i + 2], 16)
        )
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)


def test_the_contrast_formula_gives_axes_figures_for_the_old_colours():
    assert contrast("#ffffff", "#b7791f") == 3.64  # white on the old amber badge
    assert contrast("#0d6efd", "#f7f8fa") == 4.24  # Bootstrap's link blue on our grey


WHITE = "#ffffff"


@pytest.mark.parametrize(
    ("text", "background", "ratio"),
    [
        ("--diary-link", "--diary-page", 6.06),  # links, outline buttons, queue tabs
        ("--diary-link", WHITE, 6.44),  # links in cards
        ("--diary-link", "--diary-normal", 5.6),  # links in the verdict boxes
        ("--diary-link", "--diary-review", 5.84),
        ("--diary-link", "--diary-urgent", 5.25),
        ("--diary-link-hover", "--diary-page", 8.81),
        ("--diary-on-dark", "--diary-link", 6.44),  # buttons, the chosen tab, skip link
        ("--diary-secondary", "--diary-page", 5.73),  # secondary outline buttons
        ("--diary-on-dark", "--diary-secondary", 6.09),
        ("--diary-danger", "--diary-page", 6.11),  # errors, the delete button
        ("--diary-danger", WHITE, 6.5),
        ("--diary-on-dark", "--diary-danger", 6.5),
        ("--diary-on-dark", "--diary-badge-normal", 6.73),  # was 4.54 (#2f855a)
        ("--diary-on-amber", "--diary-badge-review", 8.28),  # was 3.64
        ("--diary-on-dark", "--diary-badge-urgent", 5.47),
        ("--diary-caution", "--diary-page", 6.15),  # aftercare's "not yet"
        ("--diary-caution", WHITE, 6.53),
    ],
)
def test_text_colours_keep_at_least_4_5_to_1(text, background, ratio):
    colours = custom_properties()
    pair = [colours.get(name, name) for name in (text, background)]
    assert contrast(*pair) == ratio
    assert ratio >= 4.5


def test_muted_text_keeps_4_5_to_1_on_the_grey_page():
    page = custom_properties()["--diary-page"]
    muted = over("#212529", 0.75, page)  # Bootstrap's --bs-secondary-color
    assert contrast(muted, page) == 6.55


def test_bootstraps_own_variables_carry_our_colours():
    colours = custom_properties()
    link, hover = colours["--diary-link"], colours["--diary-link-hover"]

    def triple(colour: str) -> str:
        return ", ".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))

    assert colours["--bs-link-color"] == colours["--bs-primary"] == "var(--diary-link)"
    assert colours["--bs-link-color-rgb"] == colours["--bs-primary-rgb"] == triple(link)
    assert colours["--bs-link-hover-color-rgb"] == triple(hover)


# Errors: a summary first, focused


def summary_of(html: str) -> dict:
    (summary,) = [e for e in Page(html).elements if "data-error-summary" in e]
    return summary


def test_a_failed_login_starts_its_form_with_a_focused_error_summary(client, patient):
    response = client.post(
        reverse("login"), {"username": patient.email, "password": "wrong"}
    )
    html = response.text
    summary = summary_of(html)
    assert (summary["role"], summary["tabindex"], "autofocus" in summary) == (
        "alert", "-1", True
    )  # fmt: skip
    form = html[html.index('<form method="post" novalidate>') :]
    # Nothing but the CSRF token comes before it in the form.
    assert re.match(r'<form [^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"'
                    r'[^>]*>\s*<div class="alert alert-danger error-summary"', form)  # fmt: skip
    message = "That email and password do not match an account."
    assert html.count(message) == 1  # in the summary, not repeated below the fields


def test_a_fresh_form_has_no_error_summary(client):
    assert "data-error-summary" not in client.get(reverse("login")).text


def test_a_refused_case_action_links_its_summary_to_the_field(client, case, clinician):
    login(client, clinician)
    response = client.post(
        reverse("review:case_action", args=[case.pk, "resolve"]), {"outcome": "magic"}
    )
    html = response.text
    summary_at = html.index("data-error-summary")
    assert html.rindex('/resolve/"', 0, summary_at) > html.rindex("<form", 0, summary_at)
    assert summary_at < html.index('id="resolve-outcome"')
    assert (
        '<li><a href="#resolve-outcome">Outcome: Select a valid choice. magic is not one '
        "of the available choices.</a></li>"
    ) in html
    assert html.count("data-error-summary") == 1  # not on the other two forms


def test_a_refused_new_treatment_lists_each_error_with_a_link(client, clinic, clinician):
    login(client, clinician)
    response = client.post(reverse("clinic:treatment_new"), {"clinic": clinic.pk})
    html = response.text
    assert html.index("data-error-summary") < html.index('name="patient_name"')
    for field, label in (
        ("patient_name", "Patient name"), ("patient_email", "Patient email"),
        ("procedure", "Procedure"), ("performed_at", "Performed at"),
    ):  # fmt: skip
        assert (
            f'<li><a href="#id_{field}">{label}: This field is required.</a></li>' in html
        )


def test_a_wrong_second_factor_code_gets_the_summary(client, clinician):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=clinician, name="Phone", confirmed=True)
    client.force_login(clinician)
    response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert response.status_code == 200
    assert summary_of(response.text)["role"] == "alert"


def test_the_summary_is_focused_by_a_static_script_not_an_inline_one(client):
    html = client.get(reverse("login")).text
    scripts = Page(html).scripts
    assert {"tag": "script", "src": "/static/js/error-summary.js", "defer": None} in scripts
    # The others (the service worker's registration) are static files too: none inline.
    assert [s["src"].startswith("/static/js/") for s in scripts] == [True] * len(scripts)
    assert 'document.querySelector("[data-error-summary]")' in SCRIPT.read_text()
    assert "summary.focus();" in SCRIPT.read_text()
