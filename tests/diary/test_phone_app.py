"""The installable phone app: its manifest, icons, service worker and offline page."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from diary.views import APP_SHELL

ICONS = Path(settings.BASE_DIR) / "static" / "icons"


def test_the_manifest_opens_today_full_screen_with_its_icons(client):
    response = client.get(reverse("diary:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest == {
        "name": "Downtime Diary",
        "short_name": "Diary",
        "description": "Your skin's recovery after a treatment, day by day, with your "
        "clinic.",
        "lang": "en",
        "dir": "ltr",
        "id": "/today/",
        "start_url": "/today/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0a58ca",  # the buttons' blue
        "background_color": "#f7f8fa",  # the page's grey
        "categories": ["health", "medical"],
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png",
             "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png",
             "purpose": "any"},
            {"src": "/static/icons/icon-maskable-512.png", "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }  # fmt: skip


def test_the_manifest_speaks_japanese_to_a_japanese_browser(client):
    manifest = client.get(reverse("diary:manifest"), HTTP_ACCEPT_LANGUAGE="ja").json()
    assert (manifest["name"], manifest["short_name"], manifest["lang"]) == (
        "ダウンタイム日記", "ダウンタイム日記", "ja",
    )  # fmt: skip


def test_the_colours_are_the_stylesheets():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "diary.css").read_text()
    assert "--diary-page: #f7f8fa;" in css
    assert "--diary-link: #0a58ca;" in css


@pytest.mark.parametrize(
    ("name", "size", "mode"),
    [
        ("icon-192.png", 192, "RGBA"),
        ("icon-512.png", 512, "RGBA"),
        ("icon-maskable-512.png", 512, "RGBA"),
        ("apple-touch-icon.png", 180, "RGB"),  # no transparency on iOS
    ],
)
def test_the_icons_are_pngs_of_their_size(name, size, mode):
    with Image.open(ICONS / name) as icon:
        assert (icon.format, icon.size, icon.mode) == ("PNG", (size, size), mode)


def test_the_maskable_icon_fills_its_square_and_the_others_have_round_corners():
    with Image.open(ICONS / "icon-maskable-512.png") as maskable:
        assert maskable.getpixel((0, 0))[3] == 255
    with Image.open(ICONS / "icon-512.png") as icon:
        assert icon.getpixel((0, 0))[3] == 0


def test_every_page_links_the_manifest_theme_icon_and_worker(client):
    html = client.get(reverse("login")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0a58ca">' in html
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in html
    assert (
        '<script src="/static/js/sw-register.js" defer data-service-worker="/sw.js">'
        in html
    )


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_service_worker_keeps_the_shell_and_no_diary(client):
    js = client.get("/sw.js").text
    shell = [f"/static/{name}" for name in APP_SHELL] + ["/offline/"]
    assert f"const SHELL = {json.dumps(shell)};" in js
    assert all("/treatments/" not in url and "/photos/" not in url for url in shell)
    assert 'const OFFLINE = "/offline/";' in js
    assert 'if (request.method !== "GET") return;' in js  # saves are never intercepted
    assert "{{" not in js and "{%" not in js


def test_the_shells_name_changes_with_its_files(client, settings, tmp_path):
    first = client.get("/sw.js").text.split("const CACHE = ")[1].split(";")[0]
    settings.STATIC_URL = "/assets/"  # other names: another version
    second = client.get("/sw.js").text.split("const CACHE = ")[1].split(";")[0]
    assert first != second


def test_every_file_of_the_shell_exists():
    static = Path(settings.BASE_DIR) / "static"
    ours = [name for name in APP_SHELL if not name.startswith("bootstrap/")]
    assert [name for name in ours if not (static / name).exists()] == []


def test_the_offline_page_is_the_same_for_everyone(client, treatment):
    anonymous = client.get(reverse("diary:offline"))
    client.force_login(treatment.patient)
    signed_in = client.get(reverse("diary:offline"))
    assert anonymous.status_code == signed_in.status_code == 200
    assert "No connection" in anonymous.text
    assert 'data-user=""' in anonymous.text  # it watches, it does not send
    assert "csrfmiddlewaretoken" not in signed_in.text
    assert anonymous.text == signed_in.text


def test_health_pages_are_not_kept_by_any_cache(client, treatment):
    client.force_login(treatment.patient)
    for url in (reverse("diary:today"), reverse("diary:history", args=[treatment.pk])):
        assert client.get(url)["Cache-Control"] == "no-store, private"
