import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from coordination.models import AccessLog, AppendOnlyError


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/casework/supervisees/{s}/",
        "/api/v1/supervisees/{s}/",
        "/casework/referrals/{r}/",
        "/api/v1/referrals/{r}/",
    ],
)
def test_one_row_per_read(world, url):
    officer = world.users["officer"]
    url = url.format(s=world.supervisee.uuid, r=world.referrals["sent"].uuid)
    before = AccessLog.objects.count()
    client = _client(officer)
    assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == before + 1
    assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == before + 2
    row = AccessLog.objects.order_by("-pk").first()
    assert (row.user, row.username, row.action, row.supervisee) == (officer, officer.username, "read", world.supervisee)
    assert row.path.endswith(url)


def test_refused_reads_write_no_row_and_lists_one_per_record(world):
    before = AccessLog.objects.count()
    assert _client(world.users["other_officer"]).get(f"/api/v1/supervisees/{world.supervisee.uuid}/").status_code == 404
    assert AccessLog.objects.count() == before
    listed = _client(world.users["officer"]).get("/api/v1/supervisees/").json()["results"]
    assert AccessLog.objects.count() == before + len(listed) == before + 1  # issue 11, finding 11


def test_an_export_is_one_row(world):
    before = AccessLog.objects.count()
    response = _client(world.users["officer"]).get("/casework/caseload/export.csv?risk_level=medium")
    body = b"".join(response.streaming_content).decode()
    assert world.supervisee.name in body and world.other_supervisee.name not in body
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.latest("pk").action == "export"


def test_nobody_can_change_or_delete_an_entry(world):
    _client(world.users["officer"]).get(f"/casework/supervisees/{world.supervisee.uuid}/")
    row = AccessLog.objects.latest("pk")
    row.purpose = "tampered"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(purpose="tampered")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=row.pk).purpose == "casework"


@pytest.mark.postgres
def test_postgres_refuses_raw_updates(world):
    _client(world.users["officer"]).get(f"/casework/supervisees/{world.supervisee.uuid}/")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("update coordination_accesslog set purpose = 'x'")


def test_the_bureau_browses_the_log(world):
    _client(world.users["officer"]).get(f"/casework/supervisees/{world.supervisee.uuid}/")
    page = _client(world.users["bureau"]).get("/casework/access-log/")
    assert world.users["officer"].get_full_name() in page.content.decode()
    assert _client(world.users["bureau"]).get("/api/v1/access-log/").json()["count"] >= 1


def _page(client, query: str = "") -> str:
    response = client.get(f"/casework/access-log/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_access_log_names_people_and_records_instead_of_logins_and_ids(world):
    officer = world.users["officer"]
    _client(officer).get(f"/casework/referrals/{world.referrals['sent'].uuid}/")
    row = AccessLog.objects.latest("pk")
    page = _page(_client(world.users["bureau"]))
    assert officer.get_full_name() in page and f">{officer.username}<" not in page
    assert world.supervisee.name in page and f"矫正编号…{world.supervisee.case_number[-4:]}" in page
    assert f">{row.object_id[:8]}" not in page and f'title="{row.object_id}"' not in page
    assert "个案工作" in page and ">casework<" not in page  # the purpose in Chinese


def test_the_access_log_filters_by_person_user_purpose_and_date(world):
    officer, other = world.users["officer"], world.users["other_officer"]
    _client(officer).get(f"/casework/supervisees/{world.supervisee.uuid}/")
    _client(other).get(f"/casework/supervisees/{world.other_supervisee.uuid}/")
    _client(officer).get(f"/api/v1/supervisees/{world.supervisee.uuid}/")
    bureau = _client(world.users["bureau"])
    total = AccessLog.objects.count()
    assert f"共 {total} 条记录" in _page(bureau)

    by_person = _page(bureau, f"?person={world.other_supervisee.case_number}")
    assert by_person.count('data-testid="access-row"') == 1 and world.other_supervisee.name in by_person
    assert world.supervisee.name not in by_person.split("<tbody>")[1]

    by_user = _page(bureau, f"?user={other.username}")
    assert by_user.count('data-testid="access-row"') == AccessLog.objects.filter(user=other).count() == 1

    by_purpose = _page(bureau, "?purpose=api")
    assert by_purpose.count('data-testid="access-row"') == AccessLog.objects.filter(purpose__startswith="api").count()
    assert by_purpose.count('data-testid="access-row"') >= 1

    today = timezone.localdate()
    assert _page(bureau, f"?since={today + dt.timedelta(days=1)}").count('data-testid="access-row"') == 0
    # Every entry is from today, the reviews of the log itself (one row per page shown) included.
    so_far = AccessLog.objects.count()
    assert _page(bureau, f"?since={today}&until={today}").count('data-testid="access-row"') == so_far

    bad = _page(bureau, "?since=not-a-date")
    assert 'class="error" id="id_since-error"' in bad


def test_nobody_but_the_bureau_opens_the_access_log(world):
    assert _client(world.users["officer"]).get("/casework/access-log/").status_code in (403, 404)


def test_reading_the_access_log_is_recorded_once_per_page_shown(world):
    """The log names people, so reviewing it is recorded too: one row per page shown, not one per entry."""
    _client(world.users["officer"]).get(f"/casework/supervisees/{world.supervisee.uuid}/")
    bureau = world.users["bureau"]
    before = AccessLog.objects.count()
    page = _page(_client(bureau), "?page=1")
    reviews = AccessLog.objects.filter(purpose="audit review")
    assert AccessLog.objects.count() == before + 1 and reviews.count() == 1
    review = reviews.get()
    assert review.user == bureau and review.supervisee_id is None and review.get_object_type_display() == "访问日志页面"
    assert world.supervisee.name in page
    _page(_client(bureau), "?show=id-probes")  # no entry names anyone: nothing to record
    assert reviews.count() == 1


def test_switching_to_token_uses_is_not_a_filter(world):
    bureau = _client(world.users["bureau"])
    page = _page(bureau, "?show=token-uses")
    assert "尚无 API 令牌被使用。" in page
    # No filter was set: no "Clear filters", no "nothing matches these filters".
    for text in ("清除筛选", "没有符合这些筛选条件的记录"):
        assert text not in page
    filtered = _page(bureau, "?show=token-uses&purpose=casework")
    assert "清除筛选" in filtered


def test_every_record_type_the_apps_log_can_be_filtered_by_its_name():
    """Each object_type a selector or action writes has a display name (the 'Record' filter offers it)."""
    import re
    from pathlib import Path

    from coordination.models import ACCESS_OBJECT_TYPES

    root = Path(__file__).resolve().parents[2]
    written = set()
    apps = ("coordination", "matching", "supervision", "volunteers", "accounts", "archive", "records", "bureau")
    for app in (*apps, "operations", "services", "cms", "notifications"):
        for path in (root / app).rglob("*.py"):
            written |= set(re.findall(r'object_type="([a-z _]+)"', path.read_text(encoding="utf-8")))
    assert written and written <= set(ACCESS_OBJECT_TYPES), sorted(written - set(ACCESS_OBJECT_TYPES))
