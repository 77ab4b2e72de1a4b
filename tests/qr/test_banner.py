"""The product page a QR scan lands on shows the brochure's banner; the plain page does not."""

from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import NAMES, make_link

TAGS = "utm_source=brochure&utm_medium=qr&utm_campaign=spring"


def page(lang):
    return f"/{lang}/p/{quote(NAMES[lang][1], safe='')}/"


def test_landing_shows_banner_and_promo_in_brochure_colours_and_type(client, drill, brochure):
    make_link(brochure, lang="hu", code="abc2345")
    target = client.get("/q/abc2345")["Location"]
    response = client.get(target)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="campaign-banner campaign-typeface-serif"' in html
    assert "Tavaszi akció Őrség" in html  # the Hungarian banner on the Hungarian page
    assert '<strong class="promo-code">SPRING26</strong>' in html
    assert "web/campaign.css" in html
    # the site's CSP forbids inline styles: the colours come as the brochure's own stylesheet
    assert " style=" not in html
    version = int(brochure.updated_at.timestamp())
    assert f'href="/campaign/spring.css?v={version}"' in html
    css = client.get("/campaign/spring.css")
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    body = css.content.decode()
    assert "--campaign-primary: #123456" in body and "--campaign-accent: #ffcc00" in body
    assert "Noto Serif" in body
    assert client.get("/campaign/spring.css", HTTP_IF_NONE_MATCH=css["ETag"]).status_code == 304
    assert client.get("/campaign/nope.css").status_code == 404


def test_banner_follows_page_language_and_switcher_keeps_campaign(client, drill, brochure):
    html = client.get(f"{page('fi')}?{TAGS}").content.decode()
    assert "Kevätale esitteessä" in html
    # the language links keep the campaign so the banner survives a switch
    assert f'href="{page("hu")}?{TAGS.replace("&", "&amp;")}"' in html


def test_plain_page_has_no_banner_and_stays_cacheable(client, drill, brochure):
    plain = client.get(page("hu"))
    assert b"campaign-banner" not in plain.content
    assert plain["Cache-Control"] == "public, max-age=300"
    assert "Vary" not in plain or "Cookie" not in plain["Vary"]
    assert not plain.cookies
    tagged = client.get(f"{page('hu')}?{TAGS}")
    assert tagged["Cache-Control"] == "public, max-age=300"
    assert not tagged.cookies
    # two representations, two ETags: a cache never serves one for the other
    assert tagged["ETag"] != plain["ETag"]
    assert client.get(f"{page('hu')}?{TAGS}", HTTP_IF_NONE_MATCH=tagged["ETag"]).status_code == 304


def test_unknown_campaign_or_other_medium_shows_no_banner(client, drill, brochure):
    for query in ("utm_medium=qr&utm_campaign=nope", "utm_medium=email&utm_campaign=spring", "utm_campaign=spring"):
        assert b"campaign-banner" not in client.get(f"{page('hu')}?{query}").content, query


def test_banner_costs_a_bounded_number_of_queries(client, drill, brochure):
    client.get(page("hu"))
    with CaptureQueriesContext(connection) as plain:
        client.get(page("hu"))
    with CaptureQueriesContext(connection) as tagged:
        client.get(f"{page('hu')}?{TAGS}")
    assert len(tagged) <= len(plain) + 2


def test_brochure_without_promo_code_shows_the_banner_only(client, drill, web):
    from .conftest import make_brochure

    make_brochure(web, code="autumn", promo_code="", banners={"hu": "Őszi ajánlat"})
    html = client.get(f"{page('hu')}?utm_medium=qr&utm_campaign=autumn").content.decode()
    assert "Őszi ajánlat" in html
    assert "promo-code" not in html
