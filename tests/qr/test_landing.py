"""/q/{code}: scans recorded without personal data, 302 to the right page, retired and unknown codes."""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from publishing.models import QrScan, ShortLink

from .conftest import NAMES, make_document, make_link, store, tombstone

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
         "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
TAGS = "utm_source=brochure&utm_medium=qr&utm_campaign=spring"


def page(lang):
    return f"/{lang}/p/{quote(NAMES[lang][1], safe='')}/"


def test_scan_is_recorded_and_redirects_to_the_page_in_the_link_language(client, drill, brochure):
    link = make_link(brochure, lang="hu", code="abc2345")
    response = client.get("/q/abc2345", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302
    assert response["Location"] == f"{page('hu')}?{TAGS}"
    assert response["Cache-Control"] == "no-store"
    scan = QrScan.objects.get()
    assert (scan.short_link_id, scan.brochure_id, scan.language_code, scan.device_class) == (
        link.pk, brochure.pk, "hu", QrScan.Device.MOBILE)
    assert scan.scanned_at is not None
    link.refresh_from_db()
    assert link.scan_count == 1


def test_trailing_slash_lands_too(client, drill, brochure):
    make_link(brochure, lang="hu", code="abc2345")
    assert client.get("/q/abc2345/")["Location"] == f"{page('hu')}?{TAGS}"


def test_codes_are_case_insensitive_and_desktop_is_classified(client, drill, brochure):
    make_link(brochure, lang="ru", code="xyz2345")
    response = client.get("/q/XYZ2345", HTTP_USER_AGENT=DESKTOP)
    assert response["Location"] == f"{page('ru')}?{TAGS}"
    assert QrScan.objects.get().device_class == QrScan.Device.DESKTOP


def test_no_personal_data_is_stored(client, drill, brochure):
    make_link(brochure, code="abc2345")
    client.get("/q/abc2345", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.9")
    fields = {field.name for field in QrScan._meta.get_fields()}
    assert fields == {"id", "short_link", "brochure", "language_code", "device_class", "scanned_at"}
    stored = " ".join(str(value) for value in QrScan.objects.values().get().values())
    assert "203.0.113.9" not in stored and "iPhone" not in stored


def test_bots_are_redirected_but_not_counted(client, drill, brochure):
    link = make_link(brochure, code="abc2345")
    response = client.get("/q/abc2345", HTTP_USER_AGENT=BOT)
    assert response.status_code == 302
    assert response["Location"] == f"{page('hu')}?{TAGS}"
    assert not QrScan.objects.exists()
    link.refresh_from_db()
    assert link.scan_count == 0


def test_head_requests_redirect_without_counting(client, drill, brochure):
    make_link(brochure, code="abc2345")
    assert client.head("/q/abc2345", HTTP_USER_AGENT=PHONE).status_code == 302
    assert not QrScan.objects.exists()


def test_retired_link_still_lands_on_the_product_and_is_counted(client, drill, brochure):
    make_link(brochure, lang="fi", code="old2345", retired_at=timezone.now())
    response = client.get("/q/old2345", HTTP_USER_AGENT=PHONE)
    assert response["Location"] == f"{page('fi')}?{TAGS}"
    assert QrScan.objects.count() == 1


def test_unpublished_language_lands_on_another_published_language(client, web, brochure):
    for lang in ("en", "ru"):
        store(web, make_document("DR-1", lang, NAMES[lang][0], NAMES[lang][1]))
    tombstone(web, "DR-1", "hu")
    make_link(brochure, lang="hu", code="abc2345")
    # the channel's language order: en comes first
    assert client.get("/q/abc2345")["Location"] == f"{page('en')}?{TAGS}"


def test_product_gone_everywhere_lands_on_the_home_in_the_link_language(client, web, brochure):
    tombstone(web, "DR-1", "hu")
    make_link(brochure, lang="hu", code="abc2345")
    assert client.get("/q/abc2345")["Location"] == f"/hu/?{TAGS}"


def test_deleted_brochure_still_lands(client, drill, brochure):
    link = make_link(brochure, lang="bg", code="abc2345")
    brochure.delete()
    link.refresh_from_db()
    assert link.brochure is None
    response = client.get("/q/abc2345", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302
    assert response["Location"] == f"{page('bg')}?utm_source=brochure&utm_medium=qr&utm_campaign=spring"
    assert QrScan.objects.get().brochure is None


def test_expired_brochure_lands_without_banner(client, drill, brochure):
    brochure.valid_until = date.today() - timedelta(days=2)
    brochure.save()
    make_link(brochure, lang="hu", code="abc2345")
    target = client.get("/q/abc2345")["Location"]
    assert target == f"{page('hu')}?{TAGS}"
    landing = client.get(target)
    assert landing.status_code == 200
    assert b"campaign-banner" not in landing.content


def test_unknown_code_is_a_localized_404_page(client, drill):
    response = client.get("/q/nope234", HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9,en;q=0.5")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Language"] == "fi"
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert 'href="/fi/"' in html
    assert not QrScan.objects.exists()


def test_unknown_code_without_accept_language_uses_the_default(client, drill):
    response = client.get("/q/nope234")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


def test_unknown_code_renders_translated_strings(client, drill, monkeypatch):
    """The page's text goes through gettext in the visitor's language."""
    from django.utils import translation

    seen = []
    real = translation.gettext

    def spy(message):
        seen.append((translation.get_language(), message))
        return real(message)

    monkeypatch.setattr("publishing.web.qr._", spy)
    client.get("/q/nope234", HTTP_ACCEPT_LANGUAGE="hu")
    assert ("hu", "This code is not known") in seen


def test_no_web_channel_still_redirects(client, db, brochure_without_web):
    link = brochure_without_web
    response = client.get(f"/q/{link.code}")
    assert response.status_code == 302
    assert response["Location"] == "/?utm_source=brochure&utm_medium=qr&utm_campaign=spring"


@pytest.fixture
def brochure_without_web(db):
    from publishing.models import Channel

    from .conftest import make_brochure

    printed = Channel.objects.create(code="print", name="Print", kind=Channel.Kind.PRINT)
    return make_link(make_brochure(printed), code="abc2345")


def test_short_link_codes_are_never_reused_by_the_landing(client, drill, brochure):
    """Scanning never alters or frees the link row."""
    link = make_link(brochure, code="abc2345")
    client.get("/q/abc2345", HTTP_USER_AGENT=PHONE)
    assert ShortLink.objects.filter(code="abc2345", pk=link.pk).exists()


def test_a_scan_costs_a_fixed_number_of_queries(client, drill, brochure, django_assert_max_num_queries):
    make_link(brochure, code="abc2345")
    # link, channel + its languages, page URLs, scan insert, counter update
    with django_assert_max_num_queries(6):
        assert client.get("/q/abc2345", HTTP_USER_AGENT=PHONE).status_code == 302
