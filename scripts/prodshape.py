"""The production shape, run for real: gunicorn (2 workers), a Celery worker and beat, PostgreSQL, Redis.

    .venv/bin/python scripts/prodshape.py            # PRODSHAPE_PG / PRODSHAPE_REDIS to point elsewhere

It makes a fresh database with the owner and app roles of deploy/postgres/ (the processes connect
as the non-superuser app role), migrates as the owner, loads the demo city, starts the processes
on loopback ports (no eager Celery), and drives:

1. one referral sent through the API, until the provider's e-mail notification is delivered by the worker;
2. one matching run started through the API, until it is done;
3. one shift reminder, from the task on the broker to the volunteer's e-mail;
4. a backup (``manage.py backup``), a restore into a fresh database (``manage.py restore_backup``),
   and a supervisee page served by gunicorn from the restored database.

It fails on any 5xx in gunicorn's access logs (but /readyz's 503 while the worker and beat start) and on any task or notification left unfinished,
stops every process it started, drops what it created, and prints the time each part took.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
BIN = Path(PY).parent
PG = os.environ.get("PRODSHAPE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("PRODSHAPE_REDIS", "redis://127.0.0.1:6379/13")
PASSWORD = "Demo-2026-cc"  # noqa: S105 - the demo users' shared password (README)
TAG = f"{os.getpid()}_{int(time.time())}"
DB = f"cc_prodshape_{TAG}"
RESTORED_DB = f"{DB}_restored"
OWNER, APP = f"cc_ps_owner_{TAG}", f"cc_ps_app_{TAG}"

timings: list[tuple[str, float]] = []
processes: list[tuple[str, subprocess.Popen]] = []
access_logs: list[Path] = []


class Failed(Exception):
    pass


def log(message: str) -> None:
    print(f"[prodshape {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def part(name: str):
    """Context manager that records how long a part took."""

    class _Timer:
        def __enter__(self):
            log(f"-- {name}")
            self.started = time.perf_counter()

        def __exit__(self, *exc):
            timings.append((name, time.perf_counter() - self.started))

    return _Timer()


def wait_for(what: str, probe: Callable[[], object], timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    raise Failed(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str, db: str = "postgres", variables: dict[str, str] | None = None, file: Path | None = None) -> str:
    args = ["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-qAt"]
    for key, value in (variables or {}).items():
        args += ["-v", f"{key}={value}"]
    args += ["-f", str(file)] if file else ["-c", sql]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def url_for(role: str, db: str) -> str:
    host = PG.split("@", 1)[-1]
    return f"postgres://{role}@{host}/{db}"


def base_env(tmp: Path, database_url: str) -> dict[str, str]:
    redis_db = int(REDIS.rsplit("/", 1)[-1])
    redis_base = REDIS.rsplit("/", 1)[0]
    env = dict(os.environ)
    env.update(
        {
            "SECRET_KEY": "prodshape-only-not-secret",
            "FIELD_ENCRYPTION_KEY": "prodshape-field-key-not-secret",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": f"{redis_base}/{redis_db}",
            "CACHE_URL": f"{redis_base}/{redis_db + 1}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp / "mail"),
            "MEDIA_ROOT": str(tmp / "media"),
            "VAR_DIR": str(tmp / "var"),
            "LOG_FORMAT": "json",
            "METRICS_TOKEN": "prodshape-metrics-token",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prom"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    for name in ("DEBUG", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    return env


def start(name: str, args: list[str], env: dict[str, str], tmp: Path) -> subprocess.Popen:
    out = open(tmp / f"{name}.log", "w")  # noqa: SIM115 - kept open while the process runs
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    processes.append((name, proc))
    log(f"started {name} (pid {proc.pid})")
    return proc


def start_gunicorn(name: str, env: dict[str, str], tmp: Path, workers: int = 2) -> str:
    port = free_port()
    access = tmp / f"{name}-access.log"
    access_logs.append(access)
    start(
        name,
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "20",
            "--max-requests",
            "1000",
            "--max-requests-jitter",
            "100",
            "--access-logfile",
            str(access),
        ],
        env,
        tmp,
    )
    base = f"http://127.0.0.1:{port}"

    def live():
        try:
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_for(f"{name} to answer /healthz", live, 60)
    return base


def stop_all() -> None:
    for _name, proc in reversed(processes):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for name, proc in reversed(processes):
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in 30 s: killing it")
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    processes.clear()


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    check(page, 200)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=20,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise Failed(f"login as {username} answered {response.status_code}")
    verify = f"{base}/accounts/two-factor/verify/"
    if session.get(verify, timeout=10, allow_redirects=False).status_code == 200:
        # Officers and the bureau pass a second factor (docs/security.md); the demo enrols them with a known key.
        from django_otp.oath import totp

        sys.path.insert(0, str(ROOT))
        from accounts.demo_support import DEMO_TOTP_KEY_HEX

        def answer_with_the_current_code():
            return session.post(
                verify,
                data={
                    "code": f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                headers={"Referer": verify},
                timeout=20,
                allow_redirects=False,
            )

        answer = answer_with_the_current_code()
        if answer.status_code == 200:
            # A code is accepted once (django-otp refuses a replay): a second login within the same 30 s
            # window (the restore drill signs in again on the restored copy) waits for the next code.
            time.sleep(31 - time.time() % 30)
            answer = answer_with_the_current_code()
        if answer.status_code != 302 or "/two-factor/" in answer.headers.get("Location", ""):
            raise Failed(f"the second factor for {username} answered {answer.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = base + "/"
    return session


def check(response: requests.Response, *expected: int) -> requests.Response:
    if response.status_code not in expected:
        raise Failed(f"{response.request.method} {response.url} answered {response.status_code}: {response.text[:300]}")
    return response


def mails(tmp: Path) -> str:
    folder = tmp / "mail"
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.glob("*"))) if folder.exists() else ""


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="prodshape-"))
    (tmp / "prom").mkdir()
    owner_env = base_env(tmp, url_for(OWNER, DB))
    app_env = base_env(tmp, url_for(APP, DB))
    os.environ.update(app_env)
    os.environ["DATABASE_URL"] = f"{PG}/{DB}"  # this script reads and arranges as the superuser
    sys.path.insert(0, str(ROOT))
    ok = False
    try:
        with part("database, roles, migrate, demo city"):
            psql(f'CREATE DATABASE "{DB}"')
            roles = {"owner_role": OWNER, "app_role": APP, "db": DB, "owner_password": "'x'", "app_password": "'x'"}
            psql("", variables=roles, file=ROOT / "deploy/postgres/01-roles.sql")
            subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=owner_env, check=True)
            psql("", db=DB, variables=roles, file=ROOT / "deploy/postgres/02-grants.sql")
            subprocess.run(
                [PY, "manage.py", "load_demo", "-v", "0"],
                cwd=ROOT,
                env=app_env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            import redis

            for url in (app_env["CELERY_BROKER_URL"], app_env["CACHE_URL"]):
                redis.Redis.from_url(url).flushdb()

        import django

        django.setup()
        from django.db import connection

        from config.celery import app as celery_app

        with part("start gunicorn (2 workers), a Celery worker and beat; wait for /readyz"):
            base = start_gunicorn("gunicorn", app_env, tmp)
            start(
                "worker",
                [str(BIN / "celery"), "-A", "config", "worker", "-l", "info", "-c", "2", "-n", f"ps{TAG}@%h"],
                app_env,
                tmp,
            )
            start(
                "beat",
                [str(BIN / "celery"), "-A", "config", "beat", "-l", "info", "--pidfile", str(tmp / "beat.pid")],
                app_env,
                tmp,
            )

            def ready():
                response = requests.get(f"{base}/readyz", timeout=10)
                return response.status_code == 200 or (log(f"not ready yet: {response.json()['failed']}") and False)

            wait_for("/readyz to answer 200", ready, 120, every=3)

        with part("referral: sent through the API, provider's e-mail delivered by the worker"):
            from coordination.models import Need, Referral
            from notifications.models import Notification
            from services.models import Membership, ServiceOffering

            officer = login(base, "officer")
            office_ids = Membership.objects.filter(user__username="officer", is_active=True).values_list(
                "organisation_id", flat=True
            )
            need, offering = None, None
            for candidate in Need.objects.filter(
                status=Need.Status.OPEN, supervisee__judicial_office_id__in=office_ids
            ):
                offering = ServiceOffering.objects.filter(
                    category_id=candidate.category_id, is_active=True, organisation__memberships__role="provider_staff"
                ).first()
                if offering is not None:
                    need = candidate
                    break
            if need is None:
                raise Failed("the demo city has no open need of the officer's office with a staffed offering")
            response = check(
                officer.post(
                    f"{base}/api/v1/referrals/",
                    json={
                        "need": need.pk,
                        "offering": str(offering.uuid),
                        "send": True,
                        "override_consent": True,
                        "note": "production-shape test",
                    },
                    timeout=20,
                ),
                201,
            )
            referral = Referral.objects.get(uuid=response.json()["uuid"])
            request_id = response.headers["X-Request-ID"]
            rows = Notification.objects.about(referral).filter(
                channel=Notification.Channel.EMAIL,
                recipient__memberships__organisation=offering.organisation,
            )
            if not rows.exists():
                raise Failed("sending the referral wrote no e-mail notification for the provider")
            try:
                wait_for(
                    "the provider's e-mail notification to be sent by the worker",
                    lambda: not rows.exclude(status=Notification.Status.SENT).exists(),
                    60,
                )
            except Failed:
                log(f"notifications: {list(rows.values_list('status', 'attempts', 'last_error'))}")
                raise
            emails = set(rows.values_list("recipient__email", flat=True))
            wait_for("the e-mail in the mail folder", lambda: all(e in mails(tmp) for e in emails), 10)
            log(f"referral {referral.uuid} delivered to {sorted(emails)}")
            worker_log = (tmp / "worker.log").read_text(errors="replace")
            if f'"request_id": "{request_id}"' not in worker_log:
                raise Failed(f"the worker's JSON log lines do not carry the request id {request_id}")

        with part("matching run: started through the API, done by the worker"):
            response = check(
                officer.post(f"{base}/api/v1/matching/runs/", json={"office": office_ids[0]}, timeout=20), 201, 202
            )
            run_id = response.json()["id"]

            def run_done():
                status = check(officer.get(f"{base}/api/v1/matching/runs/{run_id}/", timeout=10), 200).json()["status"]
                if status == "failed":
                    raise Failed(f"matching run {run_id} failed")
                return status == "done"

            wait_for(f"matching run {run_id} to be done", run_done, 180, every=1)

        with part("shift reminder: task on the broker, volunteer's e-mail sent by the worker"):
            from django.utils import timezone

            from volunteers import actions as volunteer_actions
            from volunteers.models import Opportunity, Volunteer

            volunteer = Volunteer.objects.select_related("user").get(user__username="volunteer")
            opportunity = Opportunity.objects.order_by("pk").first()
            starts = timezone.now() + dt.timedelta(hours=6)
            shift = volunteer_actions.create_shift(
                actor=None,
                opportunity=opportunity,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place="prodshape",
                capacity=3,
            )
            booking = volunteer_actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
            celery_app.send_task("volunteers.send_shift_reminders")
            wait_for(
                "the reminder to be claimed and mailed",
                lambda: (
                    type(booking).objects.filter(pk=booking.pk, reminder_sent_at__isnull=False).exists()
                    and volunteer.user.email in mails(tmp)
                ),
                60,
            )

        with part("nothing left: broker queue empty, no task running, nothing undelivered"):
            from matching.models import MatchRun

            broker = redis.Redis.from_url(app_env["CELERY_BROKER_URL"])

            def drained():
                inspect = celery_app.control.inspect(timeout=2)
                active = inspect.active() or {}
                return broker.llen("celery") == 0 and not any(active.values())

            wait_for("the broker queue to drain and the worker to be idle", drained, 60, every=2)
            left = {
                "notifications not sent": Notification.objects.exclude(status=Notification.Status.SENT)
                .filter(channel__in=["email", "sms"], created_at__gte=referral.created_at)
                .count(),
                "runs not finished": MatchRun.objects.filter(status__in=["queued", "running"]).count(),
            }
            from operations.models import FailedTask

            left["failed tasks"] = FailedTask.objects.count()
            if any(left.values()):
                raise Failed(f"left unfinished: {left}")
            metrics = check(
                requests.get(
                    f"{base}/metrics", headers={"Authorization": "Bearer prodshape-metrics-token"}, timeout=10
                ),
                200,
            ).text
            for needle in (
                "django_http_requests_latency_seconds_by_view_method",
                "cc_celery_task_seconds",
                "cc_backlog",
            ):
                if needle not in metrics:
                    raise Failed(f"/metrics lacks {needle}")

        with part("backup, restore into a fresh database, supervisee page from the restored copy"):
            backups = tmp / "backups"
            out = (
                subprocess.run(
                    [PY, "manage.py", "backup", str(backups)],
                    cwd=ROOT,
                    env=owner_env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            psql(f'CREATE DATABASE "{RESTORED_DB}" OWNER "{OWNER}"')
            subprocess.run(
                [
                    PY,
                    "manage.py",
                    "restore_backup",
                    out,
                    "--database-url",
                    url_for(OWNER, RESTORED_DB),
                    "--media-root",
                    str(tmp / "media-restored"),
                ],
                cwd=ROOT,
                env=owner_env,
                check=True,
            )
            psql("", db=RESTORED_DB, variables=roles, file=ROOT / "deploy/postgres/02-grants.sql")
            psql(f'GRANT CONNECT ON DATABASE "{RESTORED_DB}" TO "{APP}"')
            restored_env = dict(app_env, DATABASE_URL=url_for(APP, RESTORED_DB))
            restored_base = start_gunicorn("gunicorn-restored", restored_env, tmp, workers=1)
            from coordination.models import Supervisee

            supervisee = Supervisee.objects.filter(judicial_office_id__in=office_ids).order_by("pk").first()
            page = check(
                login(restored_base, "officer").get(
                    f"{restored_base}/casework/supervisees/{supervisee.uuid}/", timeout=20
                ),
                200,
            )
            if supervisee.name not in page.text:
                raise Failed("the restored site's supervisee page does not show the supervisee")

        with part("stop every process; no 5xx in the access logs"):
            stop_all()
            errors = [
                line
                for path in access_logs
                if path.exists()
                for line in path.read_text().splitlines()
                if re.search(r'" 5\d\d ', line) and "GET /readyz " not in line
            ]
            if errors:
                raise Failed("5xx answers:\n" + "\n".join(errors[:20]))
        connection.close()
        ok = True
    except (Failed, subprocess.CalledProcessError) as exc:
        log(f"FAILED: {exc}")
        if isinstance(exc, subprocess.CalledProcessError):
            log(f"stderr: {exc.stderr}")
        for name, _proc in processes:
            tail = (tmp / f"{name}.log").read_text(errors="replace").splitlines()[-30:]
            log(f"last lines of {name}:\n" + "\n".join(tail))
    finally:
        stop_all()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        for db in (RESTORED_DB, DB):
            subprocess.run(
                ["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
                capture_output=True,
            )
        for role in (APP, OWNER):
            subprocess.run(["psql", f"{PG}/postgres", "-qc", f'DROP ROLE IF EXISTS "{role}"'], capture_output=True)
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"logs kept in {tmp}")
    print("\nproduction-shape test: " + ("PASSED" if ok else "FAILED"))
    print(f"{'part':<80} {'seconds':>8}")
    for name, seconds in timings:
        print(f"{name:<80} {seconds:8.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
