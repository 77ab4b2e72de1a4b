"""The brochure admin: translations, products, short links with scans, render buttons that start jobs."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

import publishing.pdf.brochure_jobs  # noqa: F401  (registers the job kind in these tests)
from pim.roles import PRINT_TEAM, ensure_roles
from publishing.campaigns import ensure_short_links, record_scan
from publishing.models import Job


@pytest.fixture
def print_user(django_user_model):
    ensure_roles()
    user = django_user_model.objects.create_user("printer", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=PRINT_TEAM))
    return user


def test_changelist_shows_products_and_scan_totals(client, print_user, campaign):
    links = ensure_short_links(campaign["brochure"], languages=["fi"])
    link = next(iter(links.values()))
    record_scan(link, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile")
    record_scan(link, "Mozilla/5.0 (Windows NT 10.0)")
    client.force_login(print_user)
    page = client.get(reverse("admin:publishing_brochure_changelist"))
    assert page.status_code == 200
    row = page.content.decode()
    assert "spring" in row and "Spring tools" in row
    assert '<td class="field-product_count">6</td>' in row and '<td class="field-scans">2</td>' in row


def test_change_page_lists_short_links_read_only_and_render_buttons(client, print_user, campaign):
    brochure = campaign["brochure"]
    links = ensure_short_links(brochure, languages=["ru"])
    client.force_login(print_user)
    page = client.get(reverse("admin:publishing_brochure_change", args=[brochure.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for link in links.values():
        assert link.code in html
    assert 'name="short_links-0-code"' not in html  # read-only, not a form field
    for locale in ("en", "fi", "ru", "bg"):
        for variant in ("print", "screen"):
            assert reverse("admin:publishing_brochure_render", args=[brochure.pk, variant, locale]) in html
    assert "Render print PDF" in html and "Render screen PDF" in html
    assert 'value="Spring tools"' in html  # parler's tab of the default language
    russian = client.get(reverse("admin:publishing_brochure_change", args=[brochure.pk]) + "?language=ru")
    assert 'value="Весенние инструменты"' in russian.content.decode()


def test_render_button_starts_a_job_and_opens_its_page(client, print_user, campaign):
    brochure = campaign["brochure"]
    client.force_login(print_user)
    url = reverse("admin:publishing_brochure_render", args=[brochure.pk, "print", "ru"])
    assert client.get(url).status_code == 403  # a render changes state: POST only
    response = client.post(url)
    job = Job.objects.get(kind="render_brochure")
    assert response.status_code == 302 and response["Location"] == reverse("admin:publishing_job_change", args=[job.pk])
    assert job.params == {"code": "spring", "locale": "ru", "variant": "print"}
    assert job.status == Job.Status.SUCCEEDED
    page = client.get(reverse("admin:publishing_brochure_change", args=[brochure.pk]))
    assert reverse("admin:publishing_artifact_download", args=[job.artifact_id]) in page.content.decode()


def test_action_renders_every_language(client, print_user, campaign):
    client.force_login(print_user)
    response = client.post(reverse("admin:publishing_brochure_changelist"), {
        "action": "render_screen_all", "_selected_action": [campaign["brochure"].pk]})
    assert response.status_code == 302
    assert sorted(Job.objects.values_list("params__locale", flat=True)) == ["bg", "en", "fi", "ru"]
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}


def test_user_without_job_permission_cannot_render(client, django_user_model, campaign):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)
    url = reverse("admin:publishing_brochure_render", args=[campaign["brochure"].pk, "print", "en"])
    assert client.post(url).status_code == 403
    assert not Job.objects.exists()
