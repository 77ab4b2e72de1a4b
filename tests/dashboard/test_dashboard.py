"""The admin home's dashboard shows exactly what the database holds, at a flat query cost."""

from collections import defaultdict

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from catalog.models import Product
from pim import dashboard
from publishing.models import ChannelToken, Completeness, FeedPullDay, Job, ProductSnapshot, QrScan

from .conftest import populate


def cls(name):
    """XPath test for one class among several."""
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def one(node, xpath):
    found = node.xpath(xpath)
    assert len(found) == 1, (xpath, len(found))
    return found[0]


def get_board(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def test_heat_map_equals_average_scores(admin_client, channels):
    populate(channels, 7)
    expected = defaultdict(list)
    for channel_id, lang, score in Completeness.objects.values_list("channel_id", "language_code", "score"):
        expected[channel_id, lang].append(score)
    tree = get_board(admin_client)
    for channel in channels.values():
        row = one(tree, f'//*[@id="dashboard-completeness"]//*[{cls("heat-row")} and @data-channel="{channel.code}"]')
        for lang in settings.LANGUAGE_CODES:
            cell = one(row, f'.//*[@data-language="{lang}"]')
            scores = expected.get((channel.pk, lang))
            if not scores:
                assert "heat-none" in cell.get("class")
                continue
            average = round(sum(scores) / len(scores), 1)
            assert float(cell.get("data-average")) == average
            assert int(cell.get("data-products")) == len(scores)
            assert int(cell.get("data-complete")) == sum(1 for s in scores if s == 100)
            assert f"heat-{min(10, int(average // 10))}" in cell.get("class").split()
    # a chart, not only numbers: cells are coloured by level and there is a legend
    assert tree.xpath(f'//*[@id="heat-legend"]//*[{cls("heat-10")}]')
    # the admin's app list is still there
    assert tree.xpath(f'//*[@id="content-main"]//*[{cls("app-catalog")}]')


def test_review_published_and_failed_jobs(admin_client, channels, activity):
    populate(channels, 9)
    tree = get_board(admin_client)

    in_review = Product.objects.filter(review_state="in_review")
    assert int(one(tree, f'//*[@id="dashboard-review"]//*[{cls("hub-count")}]').get("data-count")) == in_review.count() == 3
    shown = [li.get("data-sku") for li in tree.xpath('//*[@id="dashboard-review"]//li[@data-sku]')]
    assert shown == list(in_review.order_by("updated_at", "pk").values_list("sku", flat=True))

    latest = (ProductSnapshot.objects.filter(deleted=False, seq__isnull=False).order_by("-updated_at", "-pk")
              .values_list("sku", "channel__code", "locale")[:10])
    listed = [(li.get("data-sku"), li.get("data-channel"), li.get("data-locale"))
              for li in tree.xpath('//*[@id="dashboard-published"]//li[@data-sku]')]
    assert listed == list(latest)
    assert all(sku != "P-0004" for sku, _c, _l in listed)  # withdrawn (deleted) snapshots are not "published"

    failed = Job.objects.filter(status="failed")
    assert int(one(tree, f'//*[@id="dashboard-failed"]//*[{cls("hub-count")}]').get("data-count")) == failed.count() == 2
    assert {int(li.get("data-job")) for li in tree.xpath('//*[@id="dashboard-failed"]//li[@data-job]')} == set(
        failed.values_list("pk", flat=True))
    assert "disk full" in one(tree, '//*[@id="dashboard-failed"]').text_content()


def test_feed_activity_per_channel_and_token(admin_client, channels, activity):
    tree = get_board(admin_client)
    today = activity["today"]
    for channel in channels.values():
        row = one(tree, f'//*[@id="dashboard-feeds"]//tr[@data-channel="{channel.code}"]')
        days = FeedPullDay.objects.filter(token__channel=channel)
        expected_today = sum(days.filter(day=today).values_list("pulls", flat=True))
        assert int(one(row, f'.//*[{cls("pulls-today")}]').get("data-pulls")) == expected_today
        last = max(days.values_list("last_pull_at", flat=True), default=None)
        time = row.xpath(f'.//*[{cls("last-pull")}]//time')
        if last is None:
            assert not time
        else:
            assert time[0].get("datetime") == last.astimezone(time_zone()).isoformat()
        tokens = {li.get("data-token"): int(li.get("data-pulls")) for li in row.xpath('.//li[@data-token]')}
        assert tokens == {
            token.prefix: sum(token.pull_days.filter(day=today).values_list("pulls", flat=True))
            for token in ChannelToken.objects.filter(channel=channel)
        }
    web = one(tree, '//*[@id="dashboard-feeds"]//tr[@data-channel="web"]').text_content()
    assert "Shop sync" in web and "ERP" in web


def time_zone():
    from django.utils import timezone

    return timezone.get_current_timezone()


def test_qr_scans_per_brochure_and_language(admin_client, channels, activity):
    tree = get_board(admin_client)
    expected = defaultdict(int)
    for code, lang in QrScan.objects.values_list("brochure__code", "language_code"):
        expected[code, lang] += 1
    rows = tree.xpath('//*[@id="dashboard-scans"]//tr[@data-brochure]')
    assert [row.get("data-brochure") for row in rows] == ["spring", "autumn"]  # most scanned first
    for row in rows:
        code = row.get("data-brochure")
        for lang in settings.LANGUAGE_CODES:
            assert int(one(row, f'.//td[@data-language="{lang}"]').get("data-scans")) == expected[code, lang]
        assert int(one(row, f'.//*[{cls("scans-total")}]').get("data-scans")) == sum(
            n for (c, _lang), n in expected.items() if c == code)
    # bars drawn as inline SVG, scaled to the busiest cell
    assert one(tree, '//*[@id="dashboard-scans"]//tr[@data-brochure="spring"]/td[@data-language="en"]//*[local-name()="rect"]').get("width") == "100"


def test_feed_requests_are_counted(client, channels):
    channel = channels["web"]
    token, raw = ChannelToken.issue(channel, name="sync")
    for _ in range(3):
        assert client.get("/api/v1/channels/web/products/", {"locale": "en"},
                          HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    # refused requests are not pulls
    assert client.get("/api/v1/channels/web/products/", {"locale": "xx"},
                      HTTP_AUTHORIZATION=f"Token {raw}").status_code == 400
    day = FeedPullDay.objects.get(token=token)
    assert day.pulls == 3
    assert dashboard.feed_activity()[-1]["pulls_today"] == 3


@pytest.mark.parametrize("extra", [3])
def test_query_count_does_not_grow_with_products(admin_client, channels, activity, extra):
    populate(channels, 4)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/admin/").status_code == 200
        return len(queries)

    count()  # warm caches (content types, sessions)
    small = count()
    populate(channels, 12 * extra, start=100)
    large = count()
    assert small == large, (small, large)


def test_dashboard_functions_query_budget(channels, activity, django_assert_max_num_queries):
    populate(channels, 10)
    with django_assert_max_num_queries(14):
        dashboard.dashboard()
