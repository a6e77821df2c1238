"""Demo supervision: a sentence record and a believable history for every demo supervisee, then the
obligations of their current state (through the action).

Sentences, documents, status history and announcements are back-dated from the record's start (the
lifecycle actions refuse back-dated steps out of order, so the loader writes these rows itself). Every
third person in intake still lacks the notice of enforcement (the missing-documents alert); two people
under correction are suspended while detained. The coordination demo leaves, on purpose, people under
correction past their end date and people in intake for months; their release and report obligations
are overdue, so the officer's 今日待办 and the bureau's per-office view and clean-up list show them.
Then a correction plan for most people under correction (some with a second version and a pending
classification review). Idempotent: a supervisee with a sentence is left alone; one open obligation per
kind; plans only for people who have none.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo_support import DEMO_PASSWORD, DemoContext
from accounts.models import User
from accounts.roles import Role
from coordination.models import CorrectionTeamMember, Supervisee
from services.models import Membership
from supervision import actions, classification
from supervision.models import (
    Announcement,
    DecidingOrganKind,
    LegalDocument,
    ReleaseNotice,
    Sentence,
    StatusChange,
)
from supervision.portal import actions as portal_actions

S = Supervisee.Status
# The demo city is 新密市 (Zhengzhou, Henan): its court, the intermediate court and the province's prisons.
ORGANS = {
    "probation": (DecidingOrganKind.COURT, "新密市人民法院", "豫0183刑初"),
    "surveillance": (DecidingOrganKind.COURT, "新密市人民法院", "豫0183刑初"),
    "parole": (DecidingOrganKind.COURT, "郑州市中级人民法院", "豫01刑更"),
    "temporary_execution": (DecidingOrganKind.PRISON_ADMINISTRATION, "河南省监狱管理局", ""),
}
ITEMS = "判决（裁定、决定）的主要内容；矫正期限；应当遵守的规定；矫正小组成员及职责"


def _actor(supervisee: Supervisee) -> User | None:
    return (
        User.objects.filter(
            memberships__organisation_id=supervisee.judicial_office_id,
            memberships__role=Role.OFFICE_OFFICER,
            memberships__is_active=True,
        ).first()
        or User.objects.filter(memberships__role=Role.BUREAU_ADMIN).first()
        or User.objects.filter(is_superuser=True).first()
    )


def _history(supervisee, actor, steps, announced_on, ctx):
    for action, frm, to, day in steps:
        StatusChange.objects.create(
            supervisee=supervisee, action=action, from_status=frm, to_status=to, occurred_on=day, actor=actor
        )
    if announced_on:
        Announcement.objects.create(
            supervisee=supervisee,
            kind=Announcement.Kind.INTAKE,
            held_on=announced_on,
            place=f"{supervisee.judicial_office.name}宣告室",
            attendees="司法所工作人员、社会工作者、" + ("监护人" if supervisee.is_minor else "家属代表"),
            items=ITEMS,
            is_public=False,
            guardian_present=supervisee.is_minor,
            recorded_by=actor,
        )


EDUCATION = ["每月参加集中教育学习", "参加法治教育和心理健康讲座", "每月完成社区公益活动"]
HELP = ["协助办理职业技能培训", "联系就业推荐", "协调临时救助与住房", "心理咨询"]
MODES = ["in_person", "phone", "in_person"]


def _officer_of(supervisee: Supervisee) -> User | None:
    row = (
        Membership.objects.filter(
            organisation_id=supervisee.judicial_office_id, role=Role.OFFICE_OFFICER, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    sentences = suspended = 0
    for index, s in enumerate(Supervisee.objects.filter(sentences__isnull=True).order_by("pk")):
        actor = _actor(s)
        if actor is None:
            continue
        kind, organ, code = ORGANS.get(s.sentence_type, ORGANS["probation"])
        effective = s.correction_start
        sentence = Sentence.objects.create(
            supervisee=s,
            organ_kind=kind,
            organ_name=organ,
            case_number=f"（{effective.year}）{code}{rng.randint(10, 999)}号" if code else "",
            judgment_date=effective - dt.timedelta(days=rng.randint(10, 20)),
            effective_date=effective,
            sentence_type=s.sentence_type,
            term_months=max(1, (s.correction_end - s.correction_start).days // 30),
            start=s.correction_start,
            end=s.correction_end,
            deprived_political_rights=index % 9 == 4,
            deprivation_months=12 if index % 9 == 4 else None,
            created_by=actor,
        )
        sentences += 1
        kinds = [LegalDocument.Kind.JUDGMENT, LegalDocument.Kind.ENFORCEMENT_NOTICE]
        if s.status == S.INTAKE and index % 3 == 0:
            kinds = [LegalDocument.Kind.JUDGMENT]  # the notice of enforcement never came
        for kind_ in kinds:
            LegalDocument.objects.create(
                sentence=sentence,
                kind=kind_,
                received_at=effective + dt.timedelta(days=rng.randint(1, 4)),
                receipt_returned_at=effective + dt.timedelta(days=rng.randint(5, 8)),
                recorded_by=actor,
            )
        reported, announced = effective + dt.timedelta(days=rng.randint(2, 9)), None
        if s.status in (S.UNDER_CORRECTION, S.RELEASED):
            announced = reported + dt.timedelta(days=1)
            steps = [
                ("register", S.INTAKE, S.REGISTERED, reported),
                ("announce", S.REGISTERED, S.UNDER_CORRECTION, announced),
            ]
            if s.status == S.UNDER_CORRECTION and suspended < 2 and index % 7 == 2:
                steps.append(("suspend", S.UNDER_CORRECTION, S.SUSPENDED, announced + dt.timedelta(days=30)))
                Supervisee.objects.filter(pk=s.pk).update(status=S.SUSPENDED)
                suspended += 1
            if s.status == S.RELEASED:
                steps.append(("release", S.UNDER_CORRECTION, S.RELEASED, s.correction_end))
            _history(s, actor, steps, announced, ctx)
    created = 0
    for supervisee in Supervisee.objects.order_by("pk"):
        created += actions.sync_obligations(supervisee=supervisee)
    ctx.say(f"Supervision: {sentences} sentences, {suspended} suspended, {created} obligations created.")
    plans = reviews = 0
    active = Supervisee.objects.filter(status=Supervisee.Status.UNDER_CORRECTION).order_by("pk")
    for k, supervisee in enumerate(active):
        if k % 5 == 4 or actions.current_plan(supervisee) is not None:
            continue  # some people still have no plan: the officer writes it
        officer = _officer_of(supervisee) or User.objects.filter(username="bureau").first()
        if officer is None:
            continue
        suggestion = classification.suggest(supervisee)
        team = list(CorrectionTeamMember.objects.filter(supervisee=supervisee, is_active=True))
        actions.write_plan(
            supervisee=supervisee,
            actor=officer,
            supervision_level=supervisee.supervision_level,
            risk_level=supervisee.risk_level,
            classification_reasons="入矫评估：" + "；".join(suggestion.reasons),
            reporting_mode=MODES[k % len(MODES)],
            reporting_interval_days=ctx.rng.choice([7, 14, 30]),
            education_goals=ctx.rng.choice(EDUCATION),
            help_goals=ctx.rng.choice(HELP),
            team=team,
        )
        plans += 1
        if k % 3 == 0:
            actions.write_plan(
                supervisee=supervisee,
                actor=officer,
                supervision_level=supervisee.supervision_level,
                risk_level=supervisee.risk_level,
                classification_reasons="季度复核：表现稳定",
                reporting_mode=MODES[k % len(MODES)],
                reporting_interval_days=14,
                education_goals=ctx.rng.choice(EDUCATION),
                help_goals=ctx.rng.choice(HELP),
                team=team,
                change_note="季度复核，调整教育目标",
            )
        if suggestion.level != supervisee.supervision_level and k % 2 == 0:
            actions.propose_review(
                supervisee=supervisee,
                actor=officer,
                to_level=suggestion.level,
                reasons="依据平台建议及近期表现：" + "；".join(suggestion.reasons),
            )
            reviews += 1
    ctx.say(
        f"Supervision: {plans} correction plans written, {reviews} classification reviews awaiting the office head."
    )
    _phone_page_login(ctx)
    _sealed_juvenile(ctx)


def _sealed_juvenile(ctx: DemoContext) -> None:
    """One synthetic juvenile case released and sealed (CPL Art. 286): 16 at the offence, a suspended
    sentence of one year and six months. It shows in no list; the bureau finds it under 封存档案 by its case
    number. Idempotent: skipped when a sealed record exists."""
    from coordination import actions as casework
    from coordination import identity
    from coordination.demo import DEMO_OFFICE, REGION
    from services.models import Organisation

    if Supervisee.objects.filter(sealed_at__isnull=False).exists():
        ctx.say("Supervision: the sealed demo case is already there.")
        return
    office = Organisation.objects.filter(name=DEMO_OFFICE).first()
    bureau = User.objects.filter(username="bureau").first()
    officer = User.objects.filter(username="officer").first()
    if office is None or bureau is None or officer is None:
        return
    today = timezone.localdate()
    born = today - dt.timedelta(days=19 * 365 + 120)
    number = identity.synthetic_resident_id(region=REGION, born=born, sequence=499, sex="male")
    if Supervisee.objects.filter(resident_id_hash=identity.lookup_hash(number)).exists():
        return
    given = ctx.faker.first_name_male()
    effective = today - dt.timedelta(days=400)
    person = casework.create_supervisee(
        actor=bureau,
        resident_id=number,
        team=[
            {"role": CorrectionTeamMember.Role.OFFICER, "name": officer.get_full_name(), "sex": "male", "user": officer}
        ],
        name=ctx.faker.last_name() + given,
        given_name=given,
        sex="male",
        date_of_birth=born,
        household_type="urban",
        township=office.township,
        judicial_office=office,
        sentence_type="probation",
        offence_category="theft",
        correction_start=effective,
        correction_end=today - dt.timedelta(days=5),
        risk_level="low",
        status=S.INTAKE,
    )
    actions.record_sentence(
        supervisee=person,
        actor=officer,
        organ_kind=DecidingOrganKind.COURT,
        organ_name="新密市人民法院",
        case_number=f"（{effective.year}）豫0183刑初{ctx.rng.randint(10, 999)}号",
        judgment_date=effective - dt.timedelta(days=12),
        effective_date=effective,
        sentence_type="probation",
        term_months=12,
        offence_date=born + dt.timedelta(days=16 * 365 + 200),
        principal_term_months=18,
        start=effective,
        end=today - dt.timedelta(days=5),
    )
    Supervisee.objects.filter(pk=person.pk).update(status=S.UNDER_CORRECTION)
    person.refresh_from_db()
    actions.release(
        supervisee=person,
        actor=officer,
        released_on=today - dt.timedelta(days=5),
        place="青屏街道司法所",
        attendees="司法所工作人员、监护人",
        items=ITEMS,
        guardian_present=True,
        # Sealed on closing, the record takes no later entry: the notices go with the release.
        notices={recipient: (today - dt.timedelta(days=5), "post") for recipient in ReleaseNotice.Recipient.values},
    )
    person.refresh_from_db()
    ctx.say(f"Supervision: one juvenile case released and sealed (case {person.case_number}).")


DEMO_PERSON_PHONE = "13612340001"  # a demo number (never a real person's): the phone page's demo sign-in


def _phone_page_login(ctx: DemoContext) -> None:
    """One person under correction gets their own sign-in, so a newcomer can try the phone page (/me/)."""
    person = Supervisee.objects.filter(account__isnull=False).select_related("account", "judicial_office").first()
    if person is None:
        person = (
            Supervisee.objects.filter(status=Supervisee.Status.UNDER_CORRECTION, is_minor=False)
            .select_related("judicial_office")
            .order_by("pk")
            .first()
        )
        officer = _officer_of(person) if person else None
        if person is None or officer is None:
            return
        portal_actions.grant_login(supervisee=person, actor=officer, phone=DEMO_PERSON_PHONE)
        person.refresh_from_db()
        person.account.set_password(DEMO_PASSWORD)
        person.account.save(update_fields=["password"])
    ctx.logins.append((person.account.username, str(_("the person's own phone page (/me/)")), person.name))
