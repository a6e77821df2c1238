"""Sealing juvenile records (issue 17 item 5; Criminal Procedure Law Art. 286, CCL Art. 54).

Who is sealed on closing (age at the offence, not at the start of correction; the principal penalty), what a
sealed case is hidden from (every list, search, export, statistic and matching run: walked), and how a bureau
administrator opens one for a judicial organ (purpose recorded, time-limited, logged, reported monthly)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db.models import Value
from django.db.models.functions import Replace
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from accounts import scoping
from accounts.roles import Role
from config.errors import ActionError
from coordination import identity
from coordination.models import AccessLog, SealedRecordOpening, Supervisee
from matching import actions as matching_actions
from matching.models import MentorProposal, Proposal
from notifications.models import Notification
from supervision import actions
from supervision.models import Obligation, ReleaseNotice, Rule
from supervision.sealing import actions as sealing
from tests.coordination.factories import make_supervisee
from tests.factories import user_with_role

S = Supervisee.Status
TODAY = timezone.localdate
ANNOUNCEMENT = {"place": "某司法所宣告室", "attendees": "司法所工作人员、家属", "items": "解除矫正宣告"}
REQUEST = {"organ": "某市人民检察院", "reference": "某检未查〔2026〕3号", "purpose": "审查起诉需要查询"}


def _closing_case(world, *, offence_age: int = 17, offence_shift_days: int = 0, principal: int | None = 24, **extra):
    """A person of 19 whose correction (begun at 18) ends today; the offence at ``offence_age``."""
    officer = world.users["officer"]
    born = TODAY() - relativedelta(years=19, days=40)
    s = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=S.INTAKE, date_of_birth=born)
    effective = TODAY() - dt.timedelta(days=300)
    offence = born + relativedelta(years=offence_age) + dt.timedelta(days=offence_shift_days)
    fields = {
        "organ_kind": "court",
        "organ_name": "某市某区人民法院",
        "case_number": "（2025）某0102刑初9号",
        "judgment_date": effective - dt.timedelta(days=10),
        "effective_date": effective,
        "sentence_type": "probation",
        "term_months": 10,
        "offence_date": offence,
        "principal_term_months": principal,
        "start": effective,
        "end": TODAY(),
    }
    fields.update(extra)
    actions.record_sentence(supervisee=s, actor=officer, **fields)
    Supervisee.objects.filter(pk=s.pk).update(status=S.UNDER_CORRECTION)
    s.refresh_from_db()
    return s


def _notices(on=None) -> dict:
    """The three closing notices, sent today by post (a record sealed on closing needs them with the closing)."""
    return {recipient: (on or TODAY(), "post") for recipient in ReleaseNotice.Recipient.values}


def _release(world, s):
    actions.release(supervisee=s, actor=world.users["officer"], released_on=TODAY(), notices=_notices(), **ANNOUNCEMENT)
    s.refresh_from_db()
    return s


@pytest.mark.django_db
def test_the_thresholds_are_rule_book_rows_with_their_law(world):
    rows = {r.code: r for r in Rule.objects.filter(code__in=["sealing_age", "sealing_max_sentence"])}
    assert (rows["sealing_age"].value, rows["sealing_age"].unit) == (18, "years")
    assert (rows["sealing_max_sentence"].value, rows["sealing_max_sentence"].unit) == (5, "years")
    for row in rows.values():
        assert "刑事诉讼法》第二百八十六条" in row.law_zh
        assert "社区矫正法》第五十四条" in row.law_zh
    assert Rule.objects.get(code="sealed_access_hours").unit == "hours"


@pytest.mark.django_db
def test_release_seals_a_minor_at_the_offence_though_adult_when_correction_began(world):
    s = _closing_case(world)
    assert s.is_minor is False  # 18 at the start: the old test would not protect this person
    Obligation.objects.create(supervisee=s, kind="report", rule_code="intake_report", due_at=timezone.now())
    _release(world, s)
    assert s.status == S.RELEASED
    assert s.sealed_at is not None and s.sealed_by is None
    assert "第二百八十六条" in s.seal_ground or "Art. 286" in s.seal_ground  # the ground is written translated
    assert not Obligation.objects.filter(supervisee=s, done_at__isnull=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "sealed"),
    [
        ({"offence_age": 17, "principal": 60}, True),  # five years exactly: sealed
        ({"offence_age": 17, "principal": 61}, False),  # longer than five years
        ({"offence_age": 18}, False),  # on the 18th birthday: no longer under 18
        ({"offence_age": 18, "offence_shift_days": -1}, True),  # the day before
        ({"offence_age": 17, "offence_date": None}, False),  # the offence date is not recorded
        ({"offence_age": 17, "principal": None}, False),  # a suspended sentence without its prison term
        ({"offence_age": 17, "principal": None, "sentence_type": "surveillance", "term_months": 12}, True),
    ],
)
def test_who_is_sealed_on_closing(world, case, sealed):
    s = _closing_case(world, **case)
    _release(world, s)
    assert (s.sealed_at is not None) is sealed


@pytest.mark.django_db
def test_termination_seals_too(world):
    s = _closing_case(world)
    actions.terminate(supervisee=s, actor=world.users["officer"], ground="death", on=TODAY(), notices=_notices())
    s.refresh_from_db()
    assert s.sealed_at is not None
    assert ReleaseNotice.objects.filter(supervisee=s).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["release", "terminate"])
def test_a_case_sealed_on_closing_records_its_notices_with_the_closing(world, step):
    """Sealed on closing, the record takes no later entry (the sealing veto refuses the "notice" step), so the
    notices to the deciding organ, procuratorate and public security (CCL Art. 44) go with the closing: without
    them nothing is written; with them they are on the sealed record."""
    s = _closing_case(world)
    officer = world.users["officer"]

    def close(notices):
        if step == "release":
            return actions.release(supervisee=s, actor=officer, released_on=TODAY(), notices=notices, **ANNOUNCEMENT)
        return actions.terminate(supervisee=s, actor=officer, ground="death", on=TODAY(), notices=notices)

    partial = _notices()
    del partial["public_security"]
    with translation.override("en"), pytest.raises(ActionError) as refused:
        close(partial)
    assert set(refused.value.message_dict) == {"notice_public_security_on"}
    assert "sealed" in refused.value.message_dict["notice_public_security_on"][0]
    s.refresh_from_db()
    assert (s.status, s.sealed_at) == (S.UNDER_CORRECTION, None)  # nothing written: not closed, not sealed
    assert not ReleaseNotice.objects.filter(supervisee=s).exists()

    close(_notices())
    s.refresh_from_db()
    assert s.sealed_at is not None
    assert sorted(ReleaseNotice.objects.filter(supervisee=s).values_list("recipient", "method")) == [
        ("deciding_organ", "post"),
        ("procuratorate", "post"),
        ("public_security", "post"),
    ]
    # And indeed nothing can be added afterwards.
    with pytest.raises(PermissionDenied):
        actions.record_release_notice(
            supervisee=s, actor=officer, recipient="procuratorate", sent_on=TODAY(), method="post"
        )


@pytest.mark.django_db
def test_the_release_page_and_api_ask_for_the_notices_of_a_case_sealed_on_closing(world):
    s = _closing_case(world)
    officer = world.users["officer"]
    url = reverse("supervision:lifecycle-step", kwargs={"uuid": s.uuid, "step": "release"})
    client = Client()
    client.force_login(officer)
    with translation.override("en"):
        english = reverse("supervision:lifecycle-step", kwargs={"uuid": s.uuid, "step": "release"})
    page = client.get(english)
    assert page.status_code == 200
    assert "This record is sealed when the case closes." in page.content.decode()
    assert "本案结案时将封存档案。" in client.get(url).content.decode()
    body = {"held_on": TODAY().isoformat(), **ANNOUNCEMENT, "confirmed": "yes"}
    # Not confirmed yet: the page says what is wrong before it asks for the confirmation, all of it at once.
    unconfirmed = {key: value for key, value in body.items() if key != "confirmed"}
    refused = client.post(url, {**unconfirmed, "place": ""})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {
        "place",
        "notice_deciding_organ_on",
        "notice_procuratorate_on",
        "notice_public_security_on",
    }
    refused = client.post(url, body)
    assert refused.status_code == 400
    message = refused.context["form"].errors["notice_deciding_organ_on"][0]
    api = APIClient()
    api.force_authenticate(officer)
    record = api.get(f"/api/v1/supervision/supervisees/{s.uuid}/").json()
    assert record["sealed_on_closing"] is True and "第二百八十六条" in record["sealed_on_closing_reason"]
    api_url = f"/api/v1/supervision/supervisees/{s.uuid}/release/"
    answer = api.post(api_url, {"held_on": TODAY().isoformat(), **ANNOUNCEMENT}, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"]["notice_deciding_organ_on"] == [message]  # the same rule, the same words
    s.refresh_from_db()
    assert s.status == S.UNDER_CORRECTION
    notices = {}
    for recipient in ReleaseNotice.Recipient.values:
        notices[f"notice_{recipient}_on"] = TODAY().isoformat()
        notices[f"notice_{recipient}_method"] = "system"
    done = client.post(url, {**body, **notices})
    # The officer is not sent to the record's page, which is gone from their view with the seal.
    assert done.status_code == 302 and done.url == reverse("supervision:today")
    s.refresh_from_db()
    assert s.sealed_at is not None
    assert ReleaseNotice.objects.filter(supervisee=s, method="system").count() == 3


@pytest.mark.django_db
def test_the_offence_date_is_checked_on_the_page_and_the_api_alike(world):
    s = make_supervisee(office=world.city.office, actor=world.users["bureau"], status=S.INTAKE)
    effective = TODAY() - dt.timedelta(days=3)
    body = {
        "organ_kind": "court",
        "organ_name": "某市某区人民法院",
        "judgment_date": (effective - dt.timedelta(days=5)).isoformat(),
        "effective_date": effective.isoformat(),
        "sentence_type": "probation",
        "offence_date": (effective - dt.timedelta(days=1)).isoformat(),  # after the judgment
        "start": effective.isoformat(),
        "end": (effective + dt.timedelta(days=365)).isoformat(),
    }
    message = gettext("The offence cannot be dated after the judgment.")
    page = Client()
    page.force_login(world.users["officer"])
    response = page.post(reverse("supervision:lifecycle-step", args=[s.uuid, "sentence"]), body)
    assert response.status_code == 400
    assert message in response.content.decode()
    api = APIClient()
    api.force_authenticate(world.users["officer"])
    response = api.post(f"/api/v1/supervision/supervisees/{s.uuid}/sentence/", body, format="json")
    assert response.status_code == 400, response.content
    assert message in response.content.decode()
    body["offence_date"] = (effective - dt.timedelta(days=400)).isoformat()
    body["principal_term_months"] = 24
    response = api.post(f"/api/v1/supervision/supervisees/{s.uuid}/sentence/", body, format="json")
    assert response.status_code == 201, response.content
    assert s.sentences.get().principal_term_months == 24


# --- the walk: every list, search, export, statistic and matching entry point ------------------------------


def _api_list_routes() -> list[str]:
    """Every API route under /api/v1/ with no path parameter (the lists and the parameterless reads)."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/v1/") and "<" not in route:
                found.append("/" + route.replace("^", "").replace("$", "").replace("\\.", "."))

    walk(get_resolver().url_patterns)
    return sorted({route for route in found if "(?P" not in route and "format" not in route})


def _pages(w, person) -> dict[str, str]:
    need = person.needs.first()
    rows = reverse("bureau:dashboard-rows")
    return {
        "caseload": reverse("coordination:caseload"),
        "caseload search": reverse("coordination:caseload") + f"?q={person.name}",
        "caseload export": reverse("coordination:caseload-export"),
        "case record": reverse("coordination:supervisee", args=[person.uuid]),
        "provider inbox": reverse("coordination:inbox"),
        "overdue referrals": reverse("coordination:overdue"),
        "mentees": reverse("coordination:mentees"),
        "today": reverse("supervision:today"),
        "calendar feed": reverse("supervision:feed", args=[actions.feed_for(user=w.users["officer"]).token]),
        "lost contact": reverse("supervision:episodes"),
        "matching": reverse("matching:index"),
        "matching need": reverse("matching:need", args=[need.pk]),
        "figure rows: in correction": rows + "?key=now.serving",
        "figure rows: needs open": rows + "?key=now.needs_open",
        "figure rows search": rows + f"?key=now.serving&q={person.name}",
        "records register": reverse("records:register"),
        "case archives": reverse("archive:list"),
        "case archives search": reverse("archive:list") + f"?q={person.name}",
        "retention report": reverse("archive:retention"),
        "interchange export": reverse("supervision:interchange-export", args=[person.uuid]),
        "inbox": reverse("notifications:inbox"),
        "case notifications": reverse("coordination:notifications"),
        "investigations": reverse("supervision:investigations"),
        "counselling": reverse("supervision:counselling-cases"),
        "assessments": reverse("supervision:assessments"),
        "education sessions": reverse("supervision:education-sessions"),
        "access log": reverse("coordination:access-log"),
        "access log search": reverse("coordination:access-log") + f"?person={person.name}",
    }


# Where each role sees the person before the seal (so that the walk can fail): the rest must not show them
# after it either.
SEEN_BEFORE = {
    "bureau": {
        "caseload",
        "caseload search",
        "caseload export",
        "case record",
        "matching need",
        "figure rows: in correction",
        "figure rows: needs open",
        "figure rows search",
        "interchange export",
        "investigations",
        "access log",
        "access log search",
        "/api/v1/supervisees/",
        "/api/v1/referrals/",
        "/api/v1/supervision/obligations/",
        "/api/v1/supervision/investigations/",
    },
    "officer": {
        "caseload",
        "caseload search",
        "caseload export",
        "case record",
        "investigations",
        "inbox",
        "/api/v1/supervisees/",
        "/api/v1/notifications/",
    },
    "provider": {"provider inbox", "inbox", "/api/v1/referrals/", "/api/v1/notifications/"},
    "volunteer": {"mentees"},
}


# The audit trail keeps the reads of a sealed record for the bureau (the openings report counts them): it is
# the one list that names the record after the seal, by id only.
# The sealed-records list itself names them by case number, for the bureau administrator who opens one.
AUDIT_TRAIL = {"/api/v1/access-log/", "/api/v1/supervision/sealed-records/"}
# The access-log page names a sealed record by its case number only: there the name must not show.
BY_CASE_NUMBER = {"access log", "access log search"}


def _shows(response, person, *, search: bool = False, by_case_number: bool = False) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    if by_case_number:
        return person.name in text.replace(f"person={person.name}", "").replace(f'value="{person.name}"', "")
    # A search page repeats the name searched for: there only the record's own ids count.
    needles = (str(person.uuid), person.case_number) if search else (person.name, person.given_name)
    return any(needle in text for needle in (*needles, str(person.uuid), person.case_number))


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(SEEN_BEFORE))
def test_a_sealed_case_is_in_no_list_search_export_statistic_or_matching_run(world, role):
    person = world.supervisee
    Supervisee.objects.filter(pk=person.pk).update(name="封存测试甲", given_name="测试甲")
    # The notices written before the rename (the referrals' own) name the person as they were called then.
    Notification.objects.about_person(person).update(
        subject=Replace("subject", Value(person.name), Value("封存测试甲"))
    )
    person.refresh_from_db()
    actions.sync_obligations(supervisee=person)
    actions.record_investigation(
        actor=world.users["officer"],
        judicial_office=world.city.office,
        organ_kind="court",
        organ_name="某法院",
        subject_name=person.name,
        subject_resident_id=identity.decrypt(person.resident_id_encrypted),
        received_on=TODAY(),
    )
    AccessLog.objects.create(
        user=world.users["officer"], action=AccessLog.Action.READ, object_type="supervisee", supervisee=person
    )
    user = world.users[role]
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    routes = [route for route in _api_list_routes() if route not in AUDIT_TRAIL]
    targets = {**_pages(world, person), **{route: route for route in routes}}

    def walk() -> dict[str, bool]:
        seen = {}
        for label, url in targets.items():
            client = api if label.startswith("/api/") else page
            response = client.get(url)
            seen[label] = response.status_code == 200 and _shows(
                response, person, search="search" in label, by_case_number=label in BY_CASE_NUMBER
            )
        return seen

    before = walk()
    assert {label for label, shown in before.items() if shown} >= SEEN_BEFORE[role]
    sealing.seal(supervisee=person, ground="测试")
    after = walk()
    assert [label for label, shown in after.items() if shown] == []


@pytest.mark.django_db
def test_a_sealed_case_is_in_no_matching_run(world):
    person = world.supervisee
    run = matching_actions.start_run(actor=None, queue=False)
    matching_actions.execute_run(run_id=run.pk)
    before = (
        Proposal.objects.filter(need__supervisee=person).count()
        + MentorProposal.objects.filter(supervisee=person).count()
    )
    mentor_run = matching_actions.start_run(actor=None, queue=False, kind="mentors")
    matching_actions.execute_run(run_id=mentor_run.pk)
    Supervisee.objects.filter(pk=person.pk).update(sealed_at=timezone.now())
    Proposal.objects.all().delete()
    MentorProposal.objects.all().delete()
    for kind in ("referrals", "mentors"):
        run = matching_actions.start_run(actor=None, queue=False, kind=kind)
        matching_actions.execute_run(run_id=run.pk)
    assert before >= 0
    assert not Proposal.objects.filter(need__supervisee=person).exists()
    assert not MentorProposal.objects.filter(supervisee=person).exists()


@pytest.mark.django_db
def test_a_sealed_persons_obligations_raise_no_alert(world):
    person = world.supervisee
    overdue = Obligation.objects.create(
        supervisee=person, kind="report", rule_code="intake_report", due_at=timezone.now() - dt.timedelta(days=30)
    )
    Supervisee.objects.filter(pk=person.pk).update(sealed_at=timezone.now())
    assert actions.escalate_obligations(obligation_ids=[overdue.pk]) == 0
    overdue.refresh_from_db()
    assert overdue.escalation_level == 0


# --- opening a sealed record -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_a_bureau_administrator_opens_a_sealed_record(world, sealed):
    for role in ("officer", "social_worker", "provider"):
        page, api = Client(), APIClient()
        page.force_login(world.users[role])
        api.force_authenticate(world.users[role])
        assert (
            page.post(
                reverse("supervision:sealed-open", args=[sealed.uuid]), {**REQUEST, "confirmed": "yes"}
            ).status_code
            == 403
        )
        assert api.post(f"/api/v1/supervision/sealed-records/{sealed.uuid}/open/", REQUEST).status_code == 403
        assert page.get(reverse("coordination:supervisee", args=[sealed.uuid])).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        sealing.open_sealed(supervisee=sealed, actor=world.users["officer"], **REQUEST)
    assert not SealedRecordOpening.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["organ", "reference", "purpose"])
def test_an_opening_needs_the_organ_its_reference_and_the_purpose(world, sealed, missing):
    bureau = world.users["bureau"]
    body = {**REQUEST, missing: "  "}
    with pytest.raises(ActionError) as refused:
        sealing.open_sealed(supervisee=sealed, actor=bureau, **body)
    message = refused.value.message_dict[missing][0]
    page = Client()
    page.force_login(bureau)
    response = page.post(reverse("supervision:sealed-open", args=[sealed.uuid]), {**body, "confirmed": "yes"})
    assert response.status_code == 400 and message in response.content.decode()
    api = APIClient()
    api.force_authenticate(bureau)
    response = api.post(f"/api/v1/supervision/sealed-records/{sealed.uuid}/open/", body, format="json")
    assert response.status_code == 400 and message in response.content.decode()
    assert not SealedRecordOpening.objects.exists()


@pytest.mark.django_db
def test_an_opening_is_time_limited_logged_and_reported(world, sealed):
    bureau = world.users["bureau"]
    page = Client()
    page.force_login(bureau)
    record = reverse("coordination:supervisee", args=[sealed.uuid])
    assert page.get(record).status_code == 404
    # Found by its case number (never by name), opened after a confirmation.
    listing = page.get(reverse("supervision:sealed-records"), {"q": sealed.case_number})
    assert sealed.case_number in listing.content.decode() and sealed.name not in listing.content.decode()
    url = reverse("supervision:sealed-open", args=[sealed.uuid])
    assert page.post(url, REQUEST).status_code == 200  # the confirmation page
    assert not SealedRecordOpening.objects.exists()
    response = page.post(url, {**REQUEST, "confirmed": "yes"})
    assert response.status_code == 302 and response.url == record
    opening = SealedRecordOpening.objects.get()
    assert (opening.organ, opening.reference, opening.purpose) == (
        REQUEST["organ"],
        REQUEST["reference"],
        REQUEST["purpose"],
    )
    hours = Rule.objects.get(code="sealed_access_hours").value
    assert opening.expires_at - opening.opened_at == dt.timedelta(hours=hours)
    assert AccessLog.objects.filter(supervisee=sealed, object_type="sealed_opening", user=bureau).exists()
    # Open to this administrator: the record reads, and each read is logged.
    assert page.get(record).status_code == 200
    assert page.get(record).status_code == 200
    assert AccessLog.objects.filter(supervisee=sealed, object_type="supervisee", user=bureau).count() == 2
    # Not to another bureau administrator, and not to anyone once the window closes.
    other = Client()
    other.force_login(user_with_role(Role.BUREAU_ADMIN, world.city.bureau, username="bureau2"))
    assert other.get(record).status_code == 404
    # The monthly report lists the opening with its reads (page and API).
    report = page.get(reverse("supervision:sealed-openings"), {"month": TODAY().strftime("%Y-%m")})
    text = report.content.decode()
    assert REQUEST["reference"] in text and REQUEST["organ"] in text and sealed.case_number in text
    api = APIClient()
    api.force_authenticate(bureau)
    rows = api.get("/api/v1/supervision/sealed-openings/", {"month": TODAY().strftime("%Y-%m")}).json()
    rows = rows.get("results", rows)
    assert [(row["reference"], row["reads"]) for row in rows] == [(REQUEST["reference"], 2)]
    with pytest.raises(Exception):  # noqa: B017  (append-only: any change is refused)
        SealedRecordOpening.objects.filter(pk=opening.pk).update(expires_at=timezone.now())
    later = opening.expires_at + dt.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not scoping.scope(bureau, Supervisee).filter(pk=sealed.pk).exists()


@pytest.mark.django_db
def test_a_bad_month_is_a_400_on_the_report_page_and_api(world):
    page, api = Client(), APIClient()
    page.force_login(world.users["bureau"])
    api.force_authenticate(world.users["bureau"])
    message = gettext("Write the month as YYYY-MM, for example 2026-03.")
    response = page.get(reverse("supervision:sealed-openings"), {"month": "2026-13"})
    assert response.status_code == 400 and message in response.content.decode()
    response = api.get("/api/v1/supervision/sealed-openings/", {"month": "March"})
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.django_db
def test_an_opening_reads_but_never_writes_and_the_own_sign_in_ends_with_the_seal(world):
    s = _closing_case(world)
    from tests.factories import UserFactory

    account = UserFactory(username="own-sealed")
    Supervisee.objects.filter(pk=s.pk).update(account=account)
    s = _release(world, s)
    assert s.sealed_at is not None
    account.refresh_from_db()
    assert not account.is_active
    # The account no longer names the person (people pages, the access log's "who", the admin).
    assert (account.full_name, account.phone, account.username) == ("", "", f"sealed-{account.pk}")
    bureau = world.users["bureau"]
    sealing.open_sealed(supervisee=s, actor=bureau, **REQUEST)
    policy = scoping.policy_for(Supervisee)
    assert policy.can(bureau, "view", s) and policy.can(bureau, "see_resident_id", s)
    for verb in ("manage", "manage_team", "override_consent"):
        assert not policy.can(bureau, verb, s), verb
