"""Fixtures: channels, products with completeness, snapshots, jobs, tokens with pulls, brochure scans."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Product
from publishing.models import (
    Brochure, Channel, ChannelLanguage, ChannelToken, Completeness, FeedPullDay, Job, ProductSnapshot, QrScan,
    ShortLink,
)
from tests.factories import make_product


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-unused-x9")
    client.force_login(user)
    return client


def make_channel(code, languages, **extra):
    channel = Channel.objects.create(code=code, name=code.title(), kind=extra.pop("kind", Channel.Kind.WEB), **extra)
    for position, lang in enumerate(languages):
        ChannelLanguage.objects.create(channel=channel, language_code=lang, position=position)
    return channel


@pytest.fixture
def channels(db):
    return {"web": make_channel("web", ["en", "fi", "hu"]), "app": make_channel("app", ["en", "ru"])}


def populate(channels, count, start=0):
    """``count`` products with completeness scores that vary by product, channel and language."""
    products = [make_product(sku=f"P-{start + i:04d}", names={"en": f"Product {start + i}", "fi": f"Tuote {start + i}"})
                for i in range(count)]
    for index, product in enumerate(products, start):
        for channel in channels.values():
            for position, lang in enumerate(channel.language_codes):
                score = (index * 17 + position * 31 + len(channel.code) * 7) % 101
                Completeness.objects.update_or_create(
                    product=product, channel=channel, language_code=lang,
                    defaults={"score": score, "missing": [] if score == 100 else ["name"]},
                )
        if index % 3 == 0:
            Product.objects.filter(pk=product.pk).update(review_state=Product.ReviewState.IN_REVIEW)
        for channel in channels.values():
            for lang in channel.language_codes:
                ProductSnapshot.objects.update_or_create(
                    channel=channel, sku=product.sku, locale=lang,
                    defaults={"product": product, "document": {"sku": product.sku, "name": f"{product.sku} {lang}"},
                              "content_hash": "x", "deleted": index % 5 == 4, "seq": index + 1, "pending": False,
                              "updated_at": timezone.now() - timedelta(minutes=index)},
                )
    return products


def make_brochure(channel, code):
    brochure = Brochure(code=code, channel=channel)
    brochure.set_current_language("en")
    brochure.title = f"Brochure {code}"
    brochure.save()
    return brochure


def scans(link, number):
    QrScan.objects.bulk_create([QrScan(short_link=link, brochure=link.brochure, language_code=link.language_code,
                                       device_class=QrScan.Device.MOBILE) for _ in range(number)])


@pytest.fixture
def activity(channels):
    """Jobs, tokens with pulls on several days, and QR scans."""
    Job.objects.create(kind="export", status=Job.Status.FAILED, error="disk full", finished_at=timezone.now())
    Job.objects.create(kind="render_catalog", status=Job.Status.FAILED, error="font missing")
    Job.objects.create(kind="publish", status=Job.Status.SUCCEEDED)
    now = timezone.now()
    today = timezone.localdate(now)
    shop, _raw = ChannelToken.issue(channels["web"], name="Shop sync")
    erp, _raw = ChannelToken.issue(channels["web"], name="ERP")
    mobile, _raw = ChannelToken.issue(channels["app"], name="Mobile app")
    FeedPullDay.objects.create(token=shop, day=today, pulls=7, last_pull_at=now - timedelta(minutes=3))
    FeedPullDay.objects.create(token=shop, day=today - timedelta(days=1), pulls=40, last_pull_at=now - timedelta(days=1))
    FeedPullDay.objects.create(token=erp, day=today - timedelta(days=2), pulls=5, last_pull_at=now - timedelta(days=2))
    spring, autumn = make_brochure(channels["web"], "spring"), make_brochure(channels["web"], "autumn")
    links = {
        (brochure.code, lang): ShortLink.objects.create(code=f"{brochure.code[:3]}{lang}", brochure=brochure, sku="P-0000",
                                                        language_code=lang, campaign=brochure.code)
        for brochure in (spring, autumn) for lang in ("en", "fi", "hu")
    }
    scans(links["spring", "en"], 4)
    scans(links["spring", "fi"], 2)
    scans(links["autumn", "hu"], 3)
    return {"tokens": {"shop": shop, "erp": erp, "mobile": mobile}, "today": today, "now": now}
