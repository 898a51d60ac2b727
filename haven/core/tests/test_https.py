"""HAVEN_HTTPS=true: Secure cookies, HSTS, redirect to https behind the proxy — and Django's
deployment check has nothing left to say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def deploy_check(tmp_path: Path, https: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HAVEN_DATA_DIR": str(tmp_path), "HAVEN_HTTPS": https}
    environment.pop("HAVEN_DATABASE_URL", None)
    # The browser tests' live server sets this in the test process; a deployment never has it.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import django, sys; django.setup();"
        "from django.conf import settings as s;"
        "from django.core.management import call_command;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS);"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**environment, "DJANGO_SETTINGS_MODULE": "haven.settings"},
        cwd=ROOT,
        timeout=120,
    )


def test_the_deployment_check_is_clean_in_https_mode(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, "true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "True True True ('HTTP_X_FORWARDED_PROTO', 'https') 31536000"
    )
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_a_mistyped_setting_is_named_on_one_line(tmp_path: Path) -> None:
    from haven.core.tests.test_cli import haven

    for variable, value, message in [
        ("HAVEN_HTTPS", "ture", "haven: error: HAVEN_HTTPS='ture': write true or false"),
        ("HAVEN_LOGIN_FAILURE_LIMIT", "0", "haven: error: HAVEN_LOGIN_FAILURE_LIMIT=0: at least 1"),
    ]:
        result = haven("token", "list", data_dir=tmp_path, env={variable: value})
        assert result.returncode == 2
        assert result.stderr.strip() == message
