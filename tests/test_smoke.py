import pytest
from django.conf import settings


def test_languages_configured_in_one_place():
    codes = [code for code, _ in settings.LANGUAGES]
    assert codes[:5] == ["en", "fi", "hu", "ru", "bg"]
    assert [lang["code"] for lang in settings.PARLER_LANGUAGES[None]] == codes


@pytest.mark.django_db
def test_admin_login_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
