"""Settings come from the environment and are safe by default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Variables that would change what is being tested are removed from the child's environment.
SCRUB = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "ALLOWED_HOSTS",
    "STATIC_MANIFEST",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    child_env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    child_env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(ROOT / "var"), **env})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=120
    )


def test_debug_is_off_unless_asked():
    result = run_python("from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_secret_key_is_required_without_debug():
    result = run_python("import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_secret_key_and_with_sqlite_under_var():
    result = run_python(
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE']); "
        "print(settings.DATABASES['default']['NAME']); print(settings.CELERY_TASK_ALWAYS_EAGER); "
        "print(settings.CACHES['default']['BACKEND'])",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    engine, name, eager, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("var/db.sqlite3")
    assert eager == "True"  # no broker: tasks run in-process
    assert cache.endswith("LocMemCache")


def test_broker_and_cache_urls_switch_to_redis():
    result = run_python(
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER); "
        "print(settings.CACHES['default']['BACKEND'])",
        DEBUG="1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/9",
        CACHE_URL="redis://127.0.0.1:6379/8",
    )
    assert result.returncode == 0, result.stderr
    eager, cache = result.stdout.split()
    assert eager == "False"
    assert cache == "config.cache.ForgivingRedisCache"  # Redis, degrading to no cache when it is down


def test_a_malformed_boolean_is_refused_with_its_name():
    result = run_python("import django; django.setup()", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_reports_no_warnings_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in SCRUB},
            "SECRET_KEY": "k8#Jq2!vN0xR7@tL5pW9&zY3cE6uB1mH4gD0sF8aQ2wX5nV7bM9",
            "ALLOWED_HOSTS": "cc.example.cn",
            "FIELD_ENCRYPTION_KEY": "r4Vt9pLx2Qw8Zk1Nb6Hs3Jd7Fg0Mc5Ye",  # production needs its own field key
            "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_times_are_aware_and_shown_in_shanghai_time():
    import datetime as dt

    from django.utils import timezone

    assert timezone.is_aware(timezone.now())
    midnight_utc = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)
    assert timezone.localtime(midnight_utc).strftime("%Y-%m-%d %H:%M") == "2026-01-01 08:00"


def test_pages_are_chinese_without_a_prefix_and_english_under_en(client, db):
    chinese = client.get("/no-such-page/")
    english = client.get("/en/no-such-page/")
    assert chinese["Content-Language"] == "zh-hans"
    assert english["Content-Language"] == "en"
