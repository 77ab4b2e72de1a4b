"""Production configuration: `check --deploy` passes, security headers are
sent, static files are served by WhiteNoise, media can move to S3."""

import json
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from pim.middleware import site_policy
from tests.publishing.helpers import make_channel, make_complete_product

PRODUCTION_ENV = {
    "PIM_DEBUG": "0",
    "PIM_SECRET_KEY": secrets.token_urlsafe(50),
    "PIM_ALLOWED_HOSTS": "pim.example.com",
    "PIM_BASE_URL": "https://pim.example.com",
}


def _run(code, **env):
    """Run Python with fresh settings under the given environment; returns stdout."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PIM_", "PYTEST_", "DJANGO_")) and key not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"DJANGO_SETTINGS_MODULE": "pim.settings", **env})
    if "DATABASE_URL" in os.environ:
        environment["DATABASE_URL"] = os.environ["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=environment,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _settings_of(names, **env):
    """The named settings as pim/settings.py computes them under ``env``
    (the module run afresh in this process; Django's own settings untouched)."""
    return {name: value for name, value in _settings_module(**env).items() if name in names}


def _settings_module(**env):
    keep = {key: value for key, value in os.environ.items()
            if not key.startswith(("PIM_", "PYTEST_")) and key not in ("REDIS_URL",)}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({**keep, **env})
    try:
        return runpy.run_path(str(Path(django_settings.BASE_DIR) / "pim" / "settings.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_check_deploy_passes_with_the_documented_production_environment():
    output = _run(
        "import django, sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION_ENV,
    )
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_warns_without_https_settings():
    env = {**PRODUCTION_ENV, "PIM_BASE_URL": "http://pim.example.com"}
    code = (
        "import django, sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy'])"
    )
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="pim.settings", **env)
    environment.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert "security.W004" in result.stderr + result.stdout  # no HSTS over plain HTTP


def test_https_base_url_turns_on_hsts_redirect_and_secure_cookies():
    values = _settings_of(
        ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CSRF_TRUSTED_ORIGINS", "DEBUG"],
        **PRODUCTION_ENV,
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31_536_000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "CSRF_TRUSTED_ORIGINS": ["https://pim.example.com"], "DEBUG": False,
    }
    overridden = _settings_of(["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"],
                              **PRODUCTION_ENV, PIM_SECURE_SSL_REDIRECT="0", PIM_HSTS_SECONDS="300",
                              PIM_HSTS_PRELOAD="0")
    assert overridden == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 300, "SECURE_HSTS_PRELOAD": False}


def test_plain_http_development_defaults_stay_relaxed():
    values = _settings_of(["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"],
                          PIM_DEBUG="1", PIM_SECRET_KEY="x" * 60)
    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}


def test_s3_media_storage_resolves_from_the_environment_without_network():
    from django.utils.module_loading import import_string

    configured = _settings_module(
        PIM_MEDIA_STORAGE="s3", PIM_S3_BUCKET="pim-media", PIM_S3_ENDPOINT_URL="https://s3.example.net",
        PIM_S3_REGION="eu-north-1", PIM_S3_PREFIX="media", PIM_SECRET_KEY="x" * 60,
    )["STORAGES"]["default"]
    storage = import_string(configured["BACKEND"])(**configured["OPTIONS"])  # no request is made
    assert type(storage).__module__ + "." + type(storage).__name__ == "storages.backends.s3.S3Storage"
    assert (storage.bucket_name, storage.endpoint_url, storage.region_name, storage.location) == (
        "pim-media", "https://s3.example.net", "eu-north-1", "media")
    assert storage.file_overwrite is False and storage.querystring_auth is False


def test_local_media_storage_is_the_default():
    values = _settings_of(["STORAGES"], PIM_SECRET_KEY="x" * 60)
    assert values["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "pim.staticfiles.StaticFilesStorage"


def test_unknown_media_storage_is_refused():
    with pytest.raises(ValueError, match="PIM_MEDIA_STORAGE must be one of local, s3"):
        _settings_module(PIM_MEDIA_STORAGE="ftp", PIM_SECRET_KEY="x" * 60)


def test_rq_backend_configuration_passes_the_system_checks():
    output = _run(
        "import django; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--fail-level', 'WARNING']); "
        "from django.conf import settings; print(settings.TASKS['default']['BACKEND'], "
        "settings.RQ_QUEUES['default']['URL'], 'django_rq' in settings.INSTALLED_APPS)",
        PIM_TASKS_BACKEND="rq", REDIS_URL="redis://redis.example:6380/3", PIM_SECRET_KEY="x" * 60,
    )
    assert "django_tasks_rq.RQBackend redis://redis.example:6380/3 True" in output


@pytest.fixture
def published_page(db, settings):
    channel = make_channel("web", languages=("en",))
    product = make_complete_product(names={"en": "Cordless drill"})
    from publishing.services import publish
    from publishing.sequencing import stamp_pending

    publish(product, channel)
    stamp_pending()
    from publishing.models import ProductSnapshot

    return ProductSnapshot.objects.get(channel=channel, sku=product.sku, locale="en").document["url"]


def test_public_pages_carry_csp_and_security_headers(published_page, client):
    from urllib.parse import urlsplit

    response = client.get(urlsplit(published_page).path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert b'type="application/ld+json"' in response.content


def test_media_on_another_origin_is_allowed_for_images(settings):
    settings.PIM_MEDIA_URL = "https://cdn.example.net/pim/"
    settings.PIM_BASE_URL = "https://pim.example.com"
    settings.PIM_HTTPS = True
    policy = site_policy()
    assert "img-src 'self' data: https://cdn.example.net;" in policy
    assert policy.endswith("upgrade-insecure-requests")


def test_admin_and_api_docs_keep_their_own_needs_and_json_gets_a_deny_all_policy(admin_client, db):
    assert "Content-Security-Policy" not in admin_client.get("/admin/")
    assert "Content-Security-Policy" not in Client().get("/api/docs/")
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    feed = Client().get("/api/v1/channels/web/products/")
    assert feed["Content-Type"].startswith("application/json")
    assert feed["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_static_files_are_served_by_whitenoise_without_runserver(client):
    response = client.get("/static/web/site.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert "max-age" in response["Cache-Control"]


def test_static_urls_are_plain_before_collectstatic_and_hashed_after(tmp_path, settings):
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.files.storage import storages
    from django.utils.functional import empty

    from pim.staticfiles import StaticFilesStorage

    root = tmp_path / "static"
    assert StaticFilesStorage(location=root).url("web/site.css") == "/static/web/site.css"
    settings.STATIC_ROOT = root
    storages._storages.pop("staticfiles", None)
    staticfiles_storage._wrapped = empty
    try:
        # The web app's files are enough (compressing Swagger UI takes long).
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["admin", "drf_spectacular_sidecar", "rest_framework", "parler", "catalog"])
    finally:
        storages._storages.pop("staticfiles", None)
        staticfiles_storage._wrapped = empty
    hashed = StaticFilesStorage(location=root).url("web/site.css")
    assert hashed.startswith("/static/web/site.") and hashed != "/static/web/site.css"
    assert list((root / "web").glob("site.*.css.gz"))  # compressed copies for WhiteNoise


def test_production_responses_carry_hsts_and_secure_cookies(tmp_path):
    """Headers of real responses under the production environment (settings
    read afresh in a new process): HSTS over HTTPS, plain HTTP redirected."""
    output = _run(
        "import django, json; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='pim.example.com'); "
        "plain = client.get('/admin/login/'); "
        "secure = client.get('/admin/login/', secure=True); "
        "cookie = secure.cookies.get('csrftoken'); "
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location')], "
        "'status': secure.status_code, 'hsts': secure.get('Strict-Transport-Security'), "
        "'cookie_secure': bool(cookie and cookie['secure']), 'nosniff': secure.get('X-Content-Type-Options')}))",
        **PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    seen = json.loads(output.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://pim.example.com/admin/login/"]
    assert seen["status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookie_secure"] is True
    assert seen["nosniff"] == "nosniff"
