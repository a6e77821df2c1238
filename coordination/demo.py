"""Demo cases: ~60 synthetic supervisees (Faker zh_CN, well-formed synthetic ID numbers), needs,
consents and referrals in every state, made through the actions so the events and
notifications are real. 青屏街道司法所 (the demo officer's and social worker's office) gets the
largest caseload; the demo provider's 新密市职业技能培训中心 gets referrals to accept.

Idempotent: offerings are get_or_create'd; supervisees are only created when the demo
office has none yet.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.demo_support import DemoContext
from accounts.models import User
from coordination import actions, identity
from coordination.models import (
    CorrectionTeamMember,
    HouseholdType,
    Need,
    OffenceCategory,
    Referral,
    RiskLevel,
    SentenceType,
    Sex,
    Supervisee,
    SupervisionLevel,
)
from notifications.models import Notification
from services.demo import ROADS
from services.models import Organisation, ServiceCategory, ServiceOffering

DEMO_OFFICE = "青屏街道司法所"
DEMO_PROVIDER = "新密市职业技能培训中心"
REGION = "410183"  # 新密市's administrative division code (public)

# (organisation, category code, offering name, capacity). Named apart from the directory demo's offerings.
OFFERINGS = [
    (DEMO_PROVIDER, "vocational_training", "电工、焊工职业技能培训班", 15),
    (DEMO_PROVIDER, "job_guidance", "就业指导与职业规划", 10),
    ("新密市农业技术推广培训站", "vocational_training", "种植养殖实用技术培训", 20),
    ("新密市惠民家政服务有限公司", "job_placement", "家政服务岗位", 6),
    ("新密市绿源农产品合作社", "job_placement", "农产品分拣包装岗位", 8),
    ("新密市阳光心理咨询中心", "psychological_counselling", "心理咨询（社区矫正对象专场）", 10),
    ("新密市社会救助服务中心", "minimum_living_allowance", "低保申请协办", 30),
    ("新密市社会救助服务中心", "temporary_assistance", "临时救助申请协办", 20),
    ("新密市社会救助服务中心", "medical_assistance", "医疗救助申请协办", 15),
    ("新密市社会救助服务中心", "housing", "住房困难帮扶", 5),
    ("米村镇米村村民委员会", "responsibility_farmland", "责任田落实协调", 10),
    ("新密市启航社会工作服务中心", "legal_aid", "法律咨询与援助转介", 12),
    ("新密市启航社会工作服务中心", "schooling", "复学就学帮扶", 6),
    ("新密市启航社会工作服务中心", "education_session", "社区矫正对象集中教育学习", 40),
    ("超化镇超化村民委员会", "public_interest_labour", "公益劳动岗位", 25),
]

MEETINGS = ["每周三 15:00 司法所", "每周六 10:00 社区活动室", "每两周周五 19:00 电话联系", "每月第一个周日 14:00"]


def _phone(rng) -> str:
    """A synthetic mobile number in a range phonenumbers accepts (139xxxxxxxx)."""
    return f"+86139{rng.randint(10000000, 99999999)}"


def _offerings() -> dict[str, list[ServiceOffering]]:
    by_category: dict[str, list[ServiceOffering]] = {}
    for org_name, code, name, capacity in OFFERINGS:
        organisation = Organisation.objects.filter(name=org_name).first()
        category = ServiceCategory.objects.filter(code=code).first()
        if organisation is None or category is None:
            continue
        offering, _ = ServiceOffering.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "category": category,
                "capacity": capacity,
                "description": f"{name}，面向社区矫正对象，由司法所转介。",
            },
        )
        by_category.setdefault(code, []).append(offering)
    return by_category


def _term_end(start: dt.date, days: int, status: str, today: dt.date) -> dt.date:
    """The end of a term of ``days`` from ``start``; a released person's term has ended (by a few days, at most
    today, never before the start)."""
    end = start + dt.timedelta(days=days)
    if status == Supervisee.Status.RELEASED and end >= today:
        end = max(start + dt.timedelta(days=1), today - dt.timedelta(days=1 + days % 30))
    return end


def load(ctx: DemoContext) -> None:
    offerings = _offerings()
    office = Organisation.objects.filter(name=DEMO_OFFICE).first()
    if office is None:
        ctx.say("Casework: no demo judicial office; skipped.")
        return
    if Supervisee.objects.filter(judicial_office=office).exists():
        ctx.say(f"Casework: demo cases already there ({Supervisee.objects.count()} supervisees).")
        return
    officer = User.objects.get(username="officer")
    social_worker = User.objects.get(username="socialworker")
    bureau = User.objects.get(username="bureau")
    provider = User.objects.get(username="provider")
    volunteer = User.objects.filter(username="volunteer").first()
    other_offices = list(
        Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).exclude(pk=office.pk).order_by("name")
    )
    rng, faker = ctx.rng, ctx.faker
    today = timezone.localdate()
    used: set[str] = set()
    created: list[Supervisee] = []
    for index in range(60):
        judicial_office = office if index < 24 else other_offices[index % len(other_offices)]
        sex = Sex.FEMALE if rng.random() < 0.22 else Sex.MALE
        given = faker.first_name_female() if sex == Sex.FEMALE else faker.first_name_male()
        minor = index in (5, 30)
        age = rng.randint(16, 17) if minor else rng.randint(19, 62)
        born = today - dt.timedelta(days=age * 365 + rng.randint(30, 300))
        sequence = rng.randint(0, 499)
        number = identity.synthetic_resident_id(region=REGION, born=born, sequence=sequence, sex=sex)
        while number in used:
            sequence = (sequence + 1) % 500
            number = identity.synthetic_resident_id(region=REGION, born=born, sequence=sequence, sex=sex)
        used.add(number)
        start = today - dt.timedelta(days=rng.randint(10, 700))
        if minor:
            start = max(start, born + dt.timedelta(days=16 * 365))
            start = min(start, today)
        risk = rng.choices([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH], weights=[5, 3, 1])[0]
        status = Supervisee.Status.INTAKE if index % 11 == 0 else Supervisee.Status.UNDER_CORRECTION
        if index % 17 == 3:
            status = Supervisee.Status.RELEASED
        officer_name = officer.get_full_name() if judicial_office == office else faker.name_male()
        worker_name = social_worker.get_full_name() if judicial_office == office else faker.name_female()
        team = [
            {
                "role": CorrectionTeamMember.Role.OFFICER,
                "name": officer_name,
                "sex": Sex.MALE,
                "user": officer if judicial_office == office else None,
            },
            {
                "role": CorrectionTeamMember.Role.SOCIAL_WORKER,
                "name": worker_name,
                "sex": Sex.FEMALE,
                "user": social_worker if judicial_office == office else None,
            },
            {
                "role": CorrectionTeamMember.Role.FAMILY_CONTACT,
                "name": faker.name(),
                "sex": rng.choice([Sex.MALE, Sex.FEMALE]),
                "phone": _phone(rng),
            },
        ]
        if volunteer and judicial_office == office and index % 4 == 1 and not minor:
            team.append(
                {
                    "role": CorrectionTeamMember.Role.VOLUNTEER,
                    "name": volunteer.get_full_name(),
                    "sex": Sex.FEMALE,
                    "user": volunteer,
                    "meeting_schedule": rng.choice(MEETINGS),
                }
            )
        supervisee = actions.create_supervisee(
            actor=bureau,
            resident_id=number,
            team=team,
            name=faker.last_name() + given,
            given_name=given,
            sex=sex,
            date_of_birth=born,
            phone=faker.phone_number(),
            household_type=rng.choice([HouseholdType.RURAL, HouseholdType.URBAN]),
            township=judicial_office.township,
            address=f"新密市{judicial_office.township.name}{rng.choice(ROADS)}{rng.randint(1, 299)}号",
            judicial_office=judicial_office,
            sentence_type=rng.choices(list(SentenceType), weights=[1, 12, 3, 1])[0],
            offence_category=rng.choice(list(OffenceCategory)),
            correction_start=start,
            correction_end=_term_end(start, rng.randint(180, 1500), status, today),
            risk_level=risk,
            supervision_level={
                RiskLevel.HIGH: SupervisionLevel.STRICT,
                RiskLevel.MEDIUM: SupervisionLevel.ORDINARY,
                RiskLevel.LOW: SupervisionLevel.LENIENT,
            }[risk],
            status=status,
        )
        created.append(supervisee)
        actions.add_note(
            supervisee=supervisee,
            author=bureau,
            body=rng.choice(["入矫宣告已完成，告知报到要求。", "家访：家庭支持良好。", "电话回访，情绪稳定。"]),
            kind=rng.choice(["note", "visit", "call"]),
        )

    _referrals(ctx, created, offerings, social_worker=social_worker, officer=officer, provider=provider, bureau=bureau)
    # The demo should not print dozens of e-mails: its notifications count as delivered.
    Notification.objects.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT, sent_at=timezone.now()
    )
    ctx.say(
        f"Casework: {Supervisee.objects.count()} supervisees, {Need.objects.count()} needs, "
        f"{Referral.objects.count()} referrals."
    )


def _referrals(ctx, supervisees, offerings, *, social_worker, officer, provider, bureau) -> None:
    rng = ctx.rng
    training = offerings.get("vocational_training", [None])[0]
    guidance = offerings.get("job_guidance", [None])[0]
    own = [s for s in supervisees if s.judicial_office.name == DEMO_OFFICE]
    # Every state, at the demo provider (whose staff is the demo user "provider").
    plan = [
        "draft",
        "sent",
        "sent",
        "sent",
        "sent_overdue",
        "sent_overdue",
        "accepted",
        "accepted",
        "in_service",
        "in_service",
        "completed",
        "completed",
        "declined",
        "withdrawn",
        "expired",
    ]
    for index, target in enumerate(plan):
        supervisee = own[index % len(own)]
        offering = training if index % 3 else guidance
        if offering is None:
            return
        need = actions.record_need(
            supervisee=supervisee,
            category=offering.category,
            urgency=rng.choice([1, 2, 3]),
            description=rng.choice(
                ["希望学习一门技能，尽快就业。", "失业在家，需要就业指导。", "有电工基础，想考证。"]
            ),
            actor=social_worker,
        )
        actions.record_consent(supervisee=supervisee, organisation=offering.organisation, recorded_by=social_worker)
        referral = actions.create_referral(
            need=need, offering=offering, actor=social_worker, message="请安排评估。", send=target != "draft"
        )
        if target == "sent_overdue":
            Referral.objects.filter(pk=referral.pk).update(
                deadline=timezone.now() - dt.timedelta(days=rng.randint(1, 5))
            )
            actions.escalate_referral(referral_id=referral.pk)
        elif target == "expired":
            Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - dt.timedelta(days=30))
            actions.escalate_referral(referral_id=referral.pk)
        elif target == "declined":
            actions.apply_verb(referral=referral, verb="decline", actor=provider, reason="本期培训班已满，请下期再报。")
        elif target == "withdrawn":
            actions.apply_verb(referral=referral, verb="withdraw", actor=social_worker, note="对象已自行找到工作。")
        elif target in ("accepted", "in_service", "completed"):
            actions.apply_verb(referral=referral, verb="accept", actor=provider)
            if target in ("in_service", "completed"):
                actions.apply_verb(referral=referral, verb="start", actor=provider)
            if target == "completed":
                actions.apply_verb(
                    referral=referral,
                    verb="complete",
                    actor=provider,
                    grade=rng.choice(["achieved", "partly"]),
                    note="已完成培训并取得结业证书。",
                )
    # Other needs across the city, some sent elsewhere, some still open.
    for supervisee in supervisees[24:]:
        code = rng.choice([c for c in offerings if c not in ("vocational_training", "job_guidance")] or [None])
        if code is None:
            return
        offering = rng.choice(offerings[code])
        need = actions.record_need(
            supervisee=supervisee,
            category=offering.category,
            urgency=rng.choice([1, 2, 3]),
            description="",
            actor=bureau,
        )
        if rng.random() < 0.5:
            actions.record_consent(supervisee=supervisee, organisation=offering.organisation, recorded_by=bureau)
            actions.create_referral(need=need, offering=offering, actor=bureau, send=True)
    # A few open needs in the demo office, waiting for a referral.
    categories = list(
        ServiceCategory.objects.filter(code__in=["minimum_living_allowance", "psychological_counselling"])
    )
    for supervisee in own[15:22]:
        if categories:
            actions.record_need(
                supervisee=supervisee,
                category=rng.choice(categories),
                urgency=2,
                description="家庭经济困难。",
                actor=officer,
            )
