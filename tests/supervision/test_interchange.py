"""Case interchange between deployments (issue 15, item 8): the schema file is current, an export validates,
export → import loses nothing (also over generated cases), a broken package is refused by path and writes
nothing, a second import is refused, and only the right people export and import."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from coordination.models import AccessLog, Supervisee
from supervision.interchange import actions
from supervision.interchange import format as fmt
from supervision.interchange.models import ImportedCase
from supervision.interchange.package import PackageRefused
from supervision.models import CorrectionPlan, LegalDocument, Obligation, SanctionGround, Sentence
from supervision.movement.models import (
    LocationDataAccess,
    MonitoringPeriod,
    MovementRequest,
    ProhibitionBreach,
    ProhibitionOrder,
)
from supervision.reporting.models import CheckIn, LostContactEpisode, ReportingOverride, SearchStep, Visit
from tests.coordination.factories import make_supervisee

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30, 15, 123456))
EDGE = '李\u00a0"引号" \\ / <b>&amp; 😀 é\u200b\t换行\n末'


def rich_case(
    world, supervisee=None, *, text: str = "测试", obligations: int = 2, check_ins: int = 2, requests: int = 2
):
    """A case with a row in every section, references between them, and the given text everywhere."""
    s = supervisee or world.supervisee
    officer, bureau = world.users["officer"], world.users["bureau"]
    sentence = Sentence.objects.create(
        supervisee=s,
        organ_kind="court",
        organ_name="新密市人民法院" + text[:50],
        case_number="(2026)豫0183刑初1号",
        judgment_date=TODAY - dt.timedelta(days=40),
        effective_date=TODAY - dt.timedelta(days=30),
        sentence_type="probation",
        term_months=12,
        start=TODAY - dt.timedelta(days=30),
        end=TODAY + dt.timedelta(days=335),
        created_by=officer,
    )
    LegalDocument.objects.create(sentence=sentence, kind="judgment", received_at=TODAY, recorded_by=officer)
    CorrectionPlan.objects.create(
        supervisee=s,
        version=1,
        supervision_level="ordinary",
        risk_level="medium",
        classification_reasons=text,
        reporting_mode="in_person",
        reporting_interval_days=7,
        education_goals=text,
        next_review_on=TODAY + dt.timedelta(days=90),
        created_by=officer,
    )
    ReportingOverride.objects.create(
        supervisee=s, reporting_mode="phone", interval_days=14, reason=text[:300], created_by=officer
    )
    order = ProhibitionOrder.objects.create(
        supervisee=s, kind="places", text=text, start=TODAY, end=TODAY + dt.timedelta(days=100), recorded_by=officer
    )
    breach = ProhibitionBreach.objects.create(order=order, occurred_on=TODAY, facts=text, recorded_by=officer)
    made_requests = []
    for n in range(requests):
        decided = n % 2 == 0
        made_requests.append(
            MovementRequest.objects.create(
                supervisee=s,
                kind="entry" if n % 3 == 0 else "relocation",
                state="approved" if decided else "submitted",
                route="bureau",
                route_reason=text[:300],
                start=TODAY + dt.timedelta(days=n),
                end=TODAY + dt.timedelta(days=n + 3),
                reason=text,
                place=text[:300],
                order=order if n % 3 == 0 else None,
                receiving_county="开封市龙亭区司法局",
                reply_agrees=True if decided else None,
                applied_by=officer,
                decided_by=bureau if decided else None,
                decided_at=NOW if decided else None,
                decision_note=text[:300],
            )
        )
    first = MonitoringPeriod.objects.create(
        supervisee=s,
        ground="prohibition_breach",
        facts=text,
        start=TODAY,
        months=3,
        end=TODAY + dt.timedelta(days=91),
        device_id="DEV-1",
        approved_by=bureau,
    )
    extension = MonitoringPeriod.objects.create(
        supervisee=s,
        ground="prohibition_breach",
        facts=text,
        extends=first,
        assessment=text,
        start=TODAY + dt.timedelta(days=92),
        months=1,
        end=TODAY + dt.timedelta(days=122),
        approved_by=bureau,
    )
    LocationDataAccess.objects.create(
        period=extension,
        accessed_by="王警官",
        accessed_at=NOW,
        system="公安系统",
        purpose=text[:300],
        recorded_by=officer,
    )
    episode = LostContactEpisode.objects.create(
        supervisee=s,
        trigger="officer",
        lost_since=TODAY,
        opened_at=NOW,
        opened_by=officer,
        note=text,
        found_at=NOW + dt.timedelta(days=2),
        outcome="found",
        closed_at=NOW + dt.timedelta(days=2),
        closed_by=officer,
    )
    SearchStep.objects.create(episode=episode, kind="phone", taken_at=NOW, result=text, recorded_by=officer)
    Visit.objects.create(
        supervisee=s,
        kind="home",
        state="done",
        done_on=TODAY,
        people_seen=text[:300],
        findings=text,
        recorded_by=officer,
    )
    made_obligations = []
    for n in range(obligations):
        source = made_requests[n] if n < len(made_requests) else None
        made_obligations.append(
            Obligation.objects.create(
                supervisee=s,
                kind="request_decision" if source else "report",
                rule_code="movement_decision",
                due_at=NOW + dt.timedelta(days=n),
                done_at=NOW if source is None or n % 2 else None,
                done_by=officer if source is None or n % 2 else None,
                source_type_id=None,
                source_id=None,
            )
        )
        if source is not None:
            from django.contrib.contenttypes.models import ContentType

            Obligation.objects.filter(pk=made_obligations[-1].pk).update(
                source_type=ContentType.objects.get_for_model(MovementRequest), source_id=source.pk
            )
    for n in range(check_ins):
        CheckIn.objects.create(
            supervisee=s,
            method="in_person",
            state="confirmed",
            occurred_at=NOW - dt.timedelta(days=n),
            late=bool(n % 2),
            report={"law_abiding": True, "work": text},
            recorded_by=officer,
            confirmed_by=officer,
            confirmed_at=NOW,
            obligation=made_obligations[0] if made_obligations and n == 0 else None,
        )
    from django.contrib.contenttypes.models import ContentType

    SanctionGround.objects.create(
        supervisee=s,
        code="lost_contact",
        occurred_on=TODAY,
        facts=text,
        source_type=ContentType.objects.get_for_model(LostContactEpisode),
        source_id=episode.pk,
        recorded_by=officer,
    )
    SanctionGround.objects.create(
        supervisee=s,
        code="prohibition_breach",
        occurred_on=TODAY,
        facts=text,
        source_type=ContentType.objects.get_for_model(ProhibitionBreach),
        source_id=breach.pk,
        recorded_by=officer,
    )
    return s


LOCAL = ("exported_at", "exported_by", "source_deployment", "source_case_id")


def comparable(package: dict) -> dict:
    """The package without what is local to a deployment: ids, the case number, the township and the staff
    names (the receiving deployment records them on the stored package, not on accounts)."""
    out = copy.deepcopy(package)
    for key in LOCAL:
        out.pop(key)
    out["person"].pop("case_number")
    out["person"].pop("township")

    def scrub(section: fmt.Section, rows: list[dict]) -> None:
        for row in rows:
            for name in section.fields:
                if name != fmt.SOURCE and fmt.is_person(section.model._meta.get_field(name)):
                    row[name] = row[name] is not None
            for child in section.children:
                scrub(child, row[child.key])

    for section in fmt.SECTIONS:
        scrub(section, out[section.key])
    return out


def elsewhere(supervisee: Supervisee) -> None:
    """The package arrives on another deployment: the person is not registered there."""
    Supervisee.objects.filter(pk=supervisee.pk).update(resident_id_hash=f"elsewhere-{supervisee.pk}".ljust(64, "x"))


def round_trip(world, supervisee: Supervisee) -> tuple[dict, dict]:
    sent = actions.export_case(supervisee=supervisee, actor=world.users["officer"])
    elsewhere(supervisee)
    received = actions.import_case(
        data=json.loads(json.dumps(sent)), actor=world.users["other_officer"], judicial_office=world.city.other_office
    )
    again = actions.export_case(supervisee=received, actor=world.users["other_officer"])
    return sent, again


def test_the_schema_file_is_current():
    call_command("interchange_schema", "--check")
    on_disk = json.loads(fmt.SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(on_disk)
    assert on_disk["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_an_exported_case_validates_and_its_read_is_logged(world):
    rich_case(world)
    sent = actions.export_case(supervisee=world.supervisee, actor=world.users["officer"])
    assert actions.check_package(sent) == []
    schema = json.loads(fmt.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(json.loads(json.dumps(sent)))) == []
    assert sent["person"]["resident_id"] and "*" not in sent["person"]["resident_id"]
    assert sent["movement_requests"][0]["applied_by"] == world.users["officer"].get_full_name()
    assert sent["movement_requests"][0]["order"] == 1
    assert sent["obligations"][0]["source"] == {"section": "movement_requests", "ref": 1}
    assert sent["monitoring_periods"][1]["extends"] == 1
    assert sent["archive_index"][0]["kind"] == "legal_document.judgment"
    assert sent["sanction_grounds"][1]["source"] == {
        "section": "prohibition_orders",
        "ref": 1,
        "item": {"key": "breaches", "ref": 1},
    }
    assert AccessLog.objects.filter(
        user=world.users["officer"], supervisee=world.supervisee, purpose="interchange"
    ).exists()


def test_export_then_import_loses_nothing(world):
    rich_case(world, text=EDGE)
    sent, again = round_trip(world, world.supervisee)
    assert comparable(again) == comparable(sent)
    imported = ImportedCase.objects.get()
    assert imported.source_case_id == str(world.supervisee.uuid)
    assert imported.supervisee.judicial_office == world.city.other_office
    assert imported.supervisee.case_number != world.supervisee.case_number
    assert imported.package["movement_requests"][0]["applied_by"] == world.users["officer"].get_full_name()


texts = st.one_of(
    st.sampled_from(["张三", "社区矫正", "a", EDGE, "  前后空格  ", "’‘“”—…", "𠀀𪚥"]),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=60),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    text=texts,
    obligations=st.integers(min_value=0, max_value=4),
    check_ins=st.integers(min_value=0, max_value=4),
    requests=st.integers(min_value=0, max_value=4),
)
def test_round_trip_over_generated_cases(world, text, obligations, check_ins, requests):
    with transaction.atomic():
        person = make_supervisee(office=world.city.office, actor=world.users["bureau"])
        rich_case(world, person, text=text, obligations=obligations, check_ins=check_ins, requests=requests)
        sent, again = round_trip(world, person)
        assert comparable(again) == comparable(sent)
        transaction.set_rollback(True)


def test_a_broken_package_gives_errors_by_path_and_writes_nothing(world):
    rich_case(world)
    sent = actions.export_case(supervisee=world.supervisee, actor=world.users["officer"])
    elsewhere(world.supervisee)
    broken = copy.deepcopy(sent)
    broken["person"]["sex"] = "unknown"
    del broken["person"]["date_of_birth"]
    broken["movement_requests"][0]["start"] = "2026-13-40"
    broken["obligations"][0]["surprise"] = 1
    errors = actions.check_package(broken)
    paths = {e["path"] for e in errors}
    assert {"/person/sex", "/person/date_of_birth", "/movement_requests/0/start", "/obligations/0/surprise"} <= paths
    assert all(e["message"] for e in errors)
    with translation.override("zh-hans"):
        chinese = {e["path"]: e["message"] for e in actions.check_package(broken)}
    assert chinese["/person/date_of_birth"] == "缺少此字段。"
    assert chinese["/person/sex"] == "不是允许的取值之一。"
    # Valid for the schema, refused by the database's rules late in the import: nothing stays.
    late = copy.deepcopy(sent)
    late["sanction_grounds"][0]["code"] = "lost_contact"
    late["monitoring_periods"][0]["months"] = 5
    before = (Supervisee.objects.count(), Sentence.objects.count(), ImportedCase.objects.count())
    with pytest.raises(PackageRefused) as refused:
        actions.import_case(data=late, actor=world.users["bureau"], judicial_office=world.city.other_office)
    assert any(e["path"].startswith("/monitoring_periods/0") for e in refused.value.errors)
    assert (Supervisee.objects.count(), Sentence.objects.count(), ImportedCase.objects.count()) == before
    nul = copy.deepcopy(sent)
    nul["visits"][0]["findings"] = "a\x00b"
    assert [e["path"] for e in actions.check_package(nul)] == ["/visits/0/findings"]
    dangling = copy.deepcopy(sent)
    dangling["movement_requests"][0]["order"] = 9
    assert [e["path"] for e in actions.check_package(dangling)] == ["/movement_requests/0/order"]


def test_a_second_import_of_the_same_package_is_refused(world):
    sent = actions.export_case(supervisee=world.supervisee, actor=world.users["officer"])
    elsewhere(world.supervisee)
    actions.import_case(data=sent, actor=world.users["bureau"], judicial_office=world.city.other_office)
    count = Supervisee.objects.count()
    with pytest.raises(PackageRefused) as refused:
        actions.import_case(data=sent, actor=world.users["bureau"], judicial_office=world.city.other_office)
    assert refused.value.errors[0]["path"] == "/source_case_id"
    assert Supervisee.objects.count() == count


@pytest.mark.parametrize("role", ["other_officer", "volunteer", "provider", "social_worker"])
def test_only_the_office_and_the_bureau_export(world, role):
    with pytest.raises(PermissionDenied):
        actions.export_case(supervisee=world.supervisee, actor=world.users[role])


@pytest.mark.parametrize("role", ["officer", "volunteer", "provider", "social_worker"])
def test_only_the_bureau_and_the_receiving_office_import(world, role):
    sent = actions.export_case(supervisee=world.supervisee, actor=world.users["bureau"])
    elsewhere(world.supervisee)
    with pytest.raises(PermissionDenied):
        actions.import_case(data=sent, actor=world.users[role], judicial_office=world.city.other_office)
    assert not ImportedCase.objects.exists()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_package_and_import(world):
    rich_case(world)
    url = reverse("supervision-package", args=[world.supervisee.uuid])
    assert login(world.users["provider"]).get(url).status_code in (403, 404)
    assert login(world.users["other_officer"]).get(url).status_code in (403, 404)
    response = login(world.users["officer"]).get(url)
    assert response.status_code == 200
    sent = response.json()
    assert sent["format"] == fmt.FORMAT
    elsewhere(world.supervisee)
    imports = reverse("supervision-import-list")
    bad = dict(sent, person=dict(sent["person"], sex="x"))
    response = login(world.users["other_officer"]).post(
        imports, {"judicial_office": world.city.other_office.pk, "package": bad}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "/person/sex" in response.json()["errors"]
    assert not ImportedCase.objects.exists()
    response = login(world.users["provider"]).post(
        imports, {"judicial_office": world.city.other_office.pk, "package": sent}, content_type="application/json"
    )
    assert response.status_code == 403
    response = login(world.users["other_officer"]).post(
        imports, {"judicial_office": world.city.other_office.pk, "package": sent}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["uuid"] == str(ImportedCase.objects.get().supervisee.uuid)
    again = login(world.users["other_officer"]).post(
        imports, {"judicial_office": world.city.other_office.pk, "package": sent}, content_type="application/json"
    )
    assert again.status_code == 400
    assert "/source_case_id" in again.json()["errors"]


def test_pages_download_preview_and_import(world):
    rich_case(world)
    case_page = login(world.users["officer"]).get(reverse("supervision:movement-case", args=[world.supervisee.uuid]))
    download = reverse("supervision:interchange-export", args=[world.supervisee.uuid])
    assert download in case_page.content.decode()
    response = login(world.users["officer"]).get(download)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert login(world.users["other_officer"]).get(download).status_code in (403, 404)
    elsewhere(world.supervisee)
    page = reverse("supervision:interchange-import")
    client = login(world.users["other_officer"])
    assert client.get(page).status_code == 200
    broken = json.loads(body)
    broken["person"]["sex"] = "x"
    shown = client.post(
        page,
        {
            "judicial_office": world.city.other_office.pk,
            "package": SimpleUploadedFile("case.json", json.dumps(broken).encode()),
        },
    )
    assert shown.status_code == 200
    assert "/person/sex" in shown.content.decode()
    preview = client.post(
        page, {"judicial_office": world.city.other_office.pk, "package": SimpleUploadedFile("case.json", body)}
    )
    assert preview.status_code == 200
    assert world.supervisee.name in preview.content.decode()
    assert not ImportedCase.objects.exists()
    done = client.post(
        page,
        {
            "judicial_office": world.city.other_office.pk,
            "package_json": preview.context["package_json"],
            "confirm": "on",
        },
    )
    imported = ImportedCase.objects.get()
    assert done.status_code == 302
    assert str(imported.supervisee.uuid) in done["Location"]
    assert login(world.users["volunteer"]).get(page).status_code == 403


def test_the_import_list_is_scoped_and_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    sent = actions.export_case(supervisee=world.supervisee, actor=world.users["officer"])
    elsewhere(world.supervisee)
    actions.import_case(data=sent, actor=world.users["other_officer"], judicial_office=world.city.other_office)
    second = make_supervisee(office=world.city.office, actor=world.users["bureau"])
    sent = actions.export_case(supervisee=second, actor=world.users["officer"])
    elsewhere(second)
    actions.import_case(data=sent, actor=world.users["bureau"], judicial_office=world.city.other_office)
    url = reverse("supervision-import-list")
    client = login(world.users["other_officer"])
    with django_assert_max_num_queries(8):
        rows = client.get(url).json()
    rows = rows.get("results", rows)
    assert len(rows) == 2
    assert login(world.users["officer"]).get(url).json().get("results", []) == []
