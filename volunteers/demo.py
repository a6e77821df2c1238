"""Demo volunteers: the "volunteer" login is an active volunteer with training, shifts and hours;
other (synthetic) people stand at every vetting step; each opportunity kind has shifts.

Idempotent: natural keys (phone, uuid5 of a fixed name, client tokens) make a rerun update, not add.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from accounts.demo_support import DemoContext
from accounts.models import User
from services.models import Organisation, Township
from volunteers import actions
from volunteers.models import Booking, HourLog, Opportunity, Shift, StatusChange, TrainingCourse, Volunteer

TEAM = "新密市社区矫正志愿者协会"
NS = uuid.UUID("6f1c2a0e-6c1f-4d0b-9a59-1c2d3e4f5a6b")
Kind = Opportunity.Kind
Status = Volunteer.Status

# kind, title, place, public, required course codes
OPPORTUNITIES = [
    (Kind.EDUCATION_SESSION, "法治教育集中学习", "青屏街道司法所会议室", False, ["legal_basics"]),
    (Kind.LABOUR_SUPERVISION, "社区公益劳动现场协助", "新密市青屏公园", False, ["legal_basics", "confidentiality"]),
    (
        Kind.MENTORING_MEETING,
        "一对一帮教谈心",
        "新华路街道社区服务中心",
        False,
        ["working_with_supervisees", "confidentiality"],
    ),
    (Kind.SKILLS_TUTORING, "电脑与手机应用技能辅导", "新密市职业技能培训中心", False, ["confidentiality"]),
    (Kind.JOB_FAIR_HELP, "春风行动招聘会志愿服务", "新密市人民广场", True, []),
    (Kind.OUTREACH_EVENT, "社区矫正普法宣传日", "新密市文化广场", True, []),
]
PATH = [Status.APPLIED, Status.INTERVIEWED, Status.BACKGROUND_CHECKED, Status.TRAINED, Status.ACTIVE]


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NS, name)


def _profile(user: User, *, team: Organisation, status: str, phone: str, ctx: DemoContext) -> Volunteer:
    township = Township.objects.order_by("code")[ctx.rng.randrange(Township.objects.count())]
    volunteer, created = Volunteer.objects.update_or_create(
        user=user,
        defaults={
            "organisation": team,
            "full_name": user.full_name,
            "phone": phone,
            "email": user.email,
            "township": township,
            "status": status,
            "skills": ctx.rng.choice(["法律咨询", "心理疏导", "电脑技能", "农业技术", "家政培训"]),
            "languages": "普通话、河南话",
            "availability": ctx.rng.choice(["周末全天", "工作日晚上", "周三下午"]),
            "motivation": "希望帮助社区矫正对象顺利回归社会。",
            "consent_at": timezone.now(),
            "consent_version": actions.CONSENT_VERSION,
        },
    )
    if not volunteer.status_changes.exists():
        steps = PATH[: PATH.index(status) + 1] if status in PATH else [*PATH[:2], status]
        previous = ""
        for step in steps:
            StatusChange.objects.create(volunteer=volunteer, from_status=previous, to_status=step, note="演示数据")
            previous = step
    return volunteer


def _train(volunteer: Volunteer, codes: list[str], completed_on: dt.date) -> None:
    for course in TrainingCourse.objects.filter(code__in=codes):
        actions.record_training(volunteer=volunteer, course=course, completed_on=completed_on, actor=None)


def _recount(shift: Shift) -> None:
    booked = shift.bookings.filter(status=Booking.Status.BOOKED).count()
    Shift.objects.filter(pk=shift.pk).update(booked_count=booked)


def load(ctx: DemoContext) -> None:
    with actions.mail_suppressed():
        _load(ctx)


def _load(ctx: DemoContext) -> None:
    team = Organisation.objects.get(name=TEAM)
    today = timezone.localdate()
    all_courses = list(TrainingCourse.objects.values_list("code", flat=True))

    # Opportunities and their shifts: two in the past, four ahead.
    shifts: dict[str, list[Shift]] = {}
    for kind, title, place, public, codes in OPPORTUNITIES:
        opportunity, _ = Opportunity.objects.update_or_create(
            organisation=team, title=title, defaults={"kind": kind, "is_public": public, "description": f"{title}。"}
        )
        opportunity.required_courses.set(TrainingCourse.objects.filter(code__in=codes))
        shifts[kind] = []
        for i, days in enumerate([-14, -7, 2, 9, 16, 23]):
            day = today + dt.timedelta(days=days + list(Kind.values).index(kind) % 3)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + 5 * (i % 2), 0)))
            shift, _ = Shift.objects.update_or_create(
                uuid=_key(f"shift:{kind}:{i}"),
                defaults={
                    "opportunity": opportunity,
                    "starts_at": start,
                    "ends_at": start + dt.timedelta(hours=3),
                    "place": place,
                    "capacity": 2 if kind == Kind.MENTORING_MEETING else 6,
                },
            )
            shifts[kind].append(shift)

    # The demo volunteer login: active, trained, with booked shifts and hours.
    user = User.objects.get(username="volunteer")
    if not user.phone:
        user.phone = "+8613900009999"
        user.save(update_fields=["phone"])
    volunteer = _profile(user, team=team, status=Status.ACTIVE, phone="+8613900009999", ctx=ctx)
    _train(volunteer, all_courses, today - dt.timedelta(days=90))
    # The printed login line names the team the volunteer serves in.
    ctx.logins = [
        (name, role, organisation or team.name) if name == user.username else (name, role, organisation)
        for name, role, organisation in ctx.logins
    ]

    # Other people at every step of vetting.
    statuses = [*PATH, Status.ACTIVE, Status.ACTIVE, Status.ACTIVE, Status.SUSPENDED, Status.WITHDRAWN, Status.APPLIED]
    others = []
    for i, status in enumerate(statuses):
        phone = f"+86139000{i:05d}"
        username = phone.removeprefix("+86")
        person = User.objects.filter(username=username).first() or User(username=username)
        if not person.full_name:
            person.full_name = ctx.faker.name()
        person.email = f"demo-volunteer-{i}@demo.example.cn"
        person.is_active = status in (Status.ACTIVE, Status.SUSPENDED)
        person.set_unusable_password()
        person.save()
        other = _profile(person, team=team, status=status, phone=phone, ctx=ctx)
        if status in (Status.TRAINED, Status.ACTIVE, Status.SUSPENDED):
            _train(other, all_courses, today - dt.timedelta(days=30 + i * 20))
        others.append(other)
    active_others = [v for v in others if v.status == Status.ACTIVE]

    # Mentors for the matching engine: the demo volunteer and the other active ones.
    mentor_setups = [
        ("female", 4, True, ["zh"]),
        ("male", 2, False, ["zh", "zh-x-henan"]),
        ("female", 2, False, ["zh"]),
    ]
    for n, person in enumerate([volunteer, *active_others]):
        sex, places, minors, langs = mentor_setups[n % len(mentor_setups)]
        actions.set_mentoring(
            actor=None, volunteer=person, sex=sex, max_mentees=places, cleared_for_minors=minors, language_codes=langs
        )

    # Past shifts: booked and attended (written directly: the booking actions refuse the past).
    past = [s for kind_shifts in shifts.values() for s in kind_shifts if s.starts_at < timezone.now()]
    for n, shift in enumerate(past):
        people = [volunteer, *active_others] if n % 2 == 0 else active_others
        for person in people[: shift.capacity]:
            # Nobody serves two shifts at the same time: skip a person already booked then.
            if (
                Booking.objects.filter(
                    volunteer=person,
                    status=Booking.Status.BOOKED,
                    shift__starts_at__lt=shift.ends_at,
                    shift__ends_at__gt=shift.starts_at,
                )
                .exclude(shift=shift)
                .exists()
            ):
                continue
            Booking.objects.get_or_create(
                shift=shift,
                volunteer=person,
                status=Booking.Status.BOOKED,
                defaults={"checked_in_at": shift.starts_at, "checked_out_at": shift.ends_at},
            )
            entry, _ = actions.log_hours(
                actor=None,
                volunteer=person,
                shift=shift,
                date=timezone.localdate(shift.starts_at),
                hours=Decimal("3"),
                client_token=_key(f"hours:{shift.pk}:{person.pk}"),
            )
            if (person == volunteer or n % 3 == 0) and entry.status == HourLog.Status.PENDING:
                # A second load finds it decided already; deciding again is refused (one decision per entry).
                actions.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
        _recount(shift)
    actions.log_hours(
        actor=None,
        volunteer=volunteer,
        date=today - dt.timedelta(days=3),
        hours=Decimal("2"),
        activity="普法宣传材料整理",
        client_token=_key("hours:free:volunteer"),
    )

    # Upcoming bookings through the actions (capacity, training and overlap rules apply).
    upcoming = sorted(
        (s for kind_shifts in shifts.values() for s in kind_shifts if s.starts_at > timezone.now()),
        key=lambda s: s.starts_at,
    )
    for n, shift in enumerate(upcoming):
        for person in ([volunteer] if n % 3 == 0 else []) + active_others[: 1 + n % 3]:
            if Booking.objects.filter(shift=shift, volunteer=person, status__in=Booking.LIVE).exists():
                continue
            try:
                actions.book_shift(actor=None, volunteer=person, shift=shift)
            except actions.VolunteerActionError:
                continue  # an overlap or a full shift: the rules hold in the demo too

    counts = Volunteer.objects.filter(organisation=team).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(status=Status.ACTIVE))
    )
    ctx.say(f"Volunteers: {counts['total']} ({counts['active']} active), {Shift.objects.count()} shifts.")
