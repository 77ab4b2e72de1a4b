"""`make run` with a wildcard HOST (0.0.0.0, ::) accepts this machine's names
and addresses, says which, and keeps a PIM_ALLOWED_HOSTS the operator set.

The Makefile runs for real with `-o setup` (nothing installed or migrated)
and a stand-in for the virtualenv's Python that prints what it was given."""

import os
import socket
import subprocess

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

FAKE_PYTHON = """#!/bin/sh
echo "PYTHON $* | PIM_ALLOWED_HOSTS=$PIM_ALLOWED_HOSTS"
"""


def make_run(tmp_path, **env):
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PIM_ALLOWED_HOSTS", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    environment.update(env)
    result = subprocess.run(["make", "-s", "-o", "setup", "run", f"PY={python}"], cwd=django_settings.BASE_DIR,
                            env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    serve = next(line for line in result.stdout.splitlines() if line.startswith("PYTHON manage.py serve"))
    return result.stdout, serve.split("PIM_ALLOWED_HOSTS=", 1)[1]


def test_wildcard_host_accepts_the_machine_names_and_says_so(tmp_path):
    output, hosts = make_run(tmp_path, HOST="0.0.0.0", PORT="9000")
    names = hosts.split(",")
    assert {"127.0.0.1", "localhost", "[::1]", socket.gethostname()} <= set(names)
    assert "serve --host 0.0.0.0 --port 9000" in output
    assert f"accepted host names: {hosts}" in output and "PIM_ALLOWED_HOSTS=name1,name2" in output
    # Django, given that list, answers a request for the machine's name and refuses others.
    with override_settings(ALLOWED_HOSTS=names):
        from django.test import Client

        assert Client().get("/admin/login/", HTTP_HOST=f"{socket.gethostname()}:9000").status_code == 200
        assert Client().get("/admin/login/", HTTP_HOST="evil.example").status_code == 400


@pytest.mark.parametrize("env, expected", [
    ({"HOST": "0.0.0.0", "PIM_ALLOWED_HOSTS": "pim.example.com"}, "pim.example.com"),
    ({"HOST": "127.0.0.1"}, ""),  # the settings' default applies
    ({}, ""),
])
def test_explicit_hosts_and_specific_addresses_are_left_alone(tmp_path, env, expected):
    output, hosts = make_run(tmp_path, **env)
    assert hosts == expected
    assert ("accepted host names" in output) == (env.get("HOST") == "0.0.0.0")
