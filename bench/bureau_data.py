"""Bureau dashboard dataset: a synthetic city for ``bench/bureau_dashboard.py`` (issue 18).

15 judicial offices (one per township) with four officers and a head each, a bureau administrator
(``bench-bureau``), a bureau head, the head of the first office (``bench-head``); 20,000 supervisees
(Faker zh_CN names; sentence types, levels, risk and status spread as in a county: most under
correction, some released, terminated, suspended, registered or in intake) with their sentence,
correction team officer and status history; a year of weekly-ish check-ins (~600,000), each meeting
a report obligation, plus the open report, visit and release obligations (some overdue and
escalated); ~40,000 needs and 100,000 referrals spread over the year in every state, with their
timestamps, consents and events consistent with the state machine; lost-contact episodes (some
open), movement requests, reward and sanction proposals, education sessions with attendance,
volunteers with a year of approved hours, two years of budget lines with spending and a contract.

Run it on a NEW scratch PostgreSQL database (it migrates it first; ``--reset`` drops and recreates
the database named in DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bureau \\
      .venv/bin/python bench/bureau_data.py [--reset] [--supervisees 20000] [--referrals 100000] [--seed 18]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bureau .venv/bin/python bench/bureau_data.py --check

It refuses SQLite, and any database that holds data it did not write (a user whose name does not
start with ``bench-``), so it never touches a real one; ``--reset`` refuses such a database too.
A database it already loaded needs ``--reset``. Dates are relative to today (Beijing time): the
year is the 365 days up to today.

The biggest tables are written with PostgreSQL COPY (explicit ids, sequences moved past them
afterwards), so back-dated ``created_at`` values stay as generated and it loads in a few minutes.
Printed: the rows and seconds of each step, the total load time, the row counts (``--check``
prints only these) and the load average of the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "bench-only-field-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# A COPY of 600,000 rows streams for longer than the service's 30-second statement limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402

from accounts.models import User  # noqa: E402
from bureau.models import BudgetCategory, BudgetLine, Contract, Expenditure  # noqa: E402
from coordination import conf, identity  # noqa: E402
from coordination.models import (  # noqa: E402
    Consent,
    CorrectionTeamMember,
    Need,
    OffenceCategory,
    Referral,
    ReferralEvent,
    Supervisee,
    SupervisionLevel,
)
from services.models import Membership, Organisation, ServiceCategory, ServiceOffering, Township  # noqa: E402
from supervision import rulebook  # noqa: E402
from supervision.models import (  # noqa: E402
    Attendance,
    CheckIn,
    DecidingOrganKind,
    LostContactEpisode,
    MovementRequest,
    Obligation,
    SanctionGround,
    SanctionProposal,
    Sentence,
    Session,
    StatusChange,
)
from volunteers.models import HourLog, Volunteer  # noqa: E402

BUREAU_NAME = "演练市司法局"  # the bench city's bureau; every bench login starts with "bench-"
PREFIX = "bench-"
OFFICES = 15
OFFICERS_PER_OFFICE = 4
TOWNS = [
    "青屏街道", "新华路街道", "西大街街道", "城关镇", "米村镇", "牛店镇", "平陌镇", "超化镇",
    "苟堂镇", "大隗镇", "刘寨镇", "白寨镇", "岳村镇", "来集镇", "曲梁镇",
]  # fmt: skip
REGION = "410183"
UNUSABLE = make_password(None)  # bench logins sign in only through force_login
TZ = timezone.get_default_timezone()
S = Supervisee.Status
R = Referral.State

# Provider organisations by service category: (kind, name pattern, offerings per category).
PROVIDERS = {
    "job_placement": (Organisation.Kind.EMPLOYER, "演练{}实业有限公司", 4),
    "job_guidance": (Organisation.Kind.TRAINING_PROVIDER, "演练{}就业服务中心", 3),
    "vocational_training": (Organisation.Kind.TRAINING_PROVIDER, "演练{}职业技能培训学校", 4),
    "minimum_living_allowance": (Organisation.Kind.WELFARE_OFFICE, "演练{}民政所", 3),
    "temporary_assistance": (Organisation.Kind.WELFARE_OFFICE, "演练{}救助站", 3),
    "responsibility_farmland": (Organisation.Kind.VILLAGE_COMMITTEE, "演练{}村民委员会", 4),
    "psychological_counselling": (Organisation.Kind.COUNSELLING_CENTRE, "演练{}心理咨询中心", 3),
    "legal_aid": (Organisation.Kind.SOCIAL_WORK_AGENCY, "演练{}法律援助工作站", 2),
    "schooling": (Organisation.Kind.SOCIAL_WORK_AGENCY, "演练{}助学服务社", 2),
    "housing": (Organisation.Kind.WELFARE_OFFICE, "演练{}住房保障服务站", 2),
    "medical_assistance": (Organisation.Kind.WELFARE_OFFICE, "演练{}医疗救助站", 2),
    "education_session": (Organisation.Kind.SOCIAL_WORK_AGENCY, "演练{}社会工作服务中心", 3),
    "public_interest_labour": (Organisation.Kind.VOLUNTEER_TEAM, "演练{}公益服务队", 3),
}
CATEGORY_WEIGHTS = {
    "job_placement": 16, "job_guidance": 10, "vocational_training": 14, "minimum_living_allowance": 8,
    "temporary_assistance": 6, "responsibility_farmland": 4, "psychological_counselling": 10, "legal_aid": 6,
    "schooling": 2, "housing": 3, "medical_assistance": 5, "education_session": 9, "public_interest_labour": 7,
}  # fmt: skip
DECLINE_REASONS = ["名额已满", "不符合招聘条件", "服务时间冲突", "暂不具备接收条件", "本人不愿参加"]
WITHDRAW_NOTES = ["本人已自行就业", "需求已变化", "改派其他服务机构", ""]


def pick(rng: random.Random, weights: dict):
    """One key of ``weights``, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=TZ)


# --- writing rows ---------------------------------------------------------------------------------------


class Ids:
    """Explicit primary keys handed out per table (so rows written by COPY can refer to each other)."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def prime(self, model: type[models.Model]) -> None:
        """Read the table's largest id now: not while a COPY holds the connection (that would deadlock)."""
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def take(self, model: type[models.Model]) -> int:
        self.prime(model)
        value = self.next[model]
        self.next[model] = value + 1
        return value


IDS = Ids()


def copy(model: type[models.Model], objs: Iterable[models.Model]) -> int:
    """Write unsaved instances (with their pk set) by COPY; auto_now fields left empty get now. ``objs`` may be
    a generator taking ids of ``model`` (primed here) but must send no query of its own."""
    IDS.prime(model)
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    now = timezone.now()
    stamped = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields]
    # psycopg adapts plain values itself; only JSON and file fields need Django's conversion (faster by half).
    prepared = [isinstance(f, models.JSONField | models.FileField) for f in fields]
    count = 0
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as stream:
        for obj in objs:
            row = []
            for f, stamp, prepare in zip(fields, stamped, prepared, strict=True):
                value = getattr(obj, f.attname)
                if value is None and stamp:
                    value = now
                row.append(f.get_db_prep_save(value, connection) if prepare else value)
            stream.write_row(row)
            count += 1
    return count


def move_sequences() -> None:
    """After explicit ids: every identity sequence of the project's tables past the largest id."""
    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField | models.BigAutoField) or model._meta.proxy:
                continue
            table = model._meta.db_table
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            sequence = cursor.fetchone()[0]
            if sequence:  # the names come from the models, quoted by the backend
                column, table = connection.ops.quote_name(pk.column), connection.ops.quote_name(table)
                statement = f"SELECT setval(%s, GREATEST((SELECT MAX({column}) FROM {table}), 1))"  # noqa: S608
                cursor.execute(statement, [sequence])


# --- the database guard ---------------------------------------------------------------------------------


def database_state() -> str:
    """'missing', 'empty' (not migrated or nothing in it), 'bench' (this script's data) or 'foreign' (anything else)."""
    try:
        connection.ensure_connection()
    except OperationalError:
        return "missing"
    if "accounts_user" not in connection.introspection.table_names():
        return "empty"
    if User.objects.exclude(username__startswith=PREFIX).exists():
        return "foreign"
    if Supervisee.objects.exclude(judicial_office__parent__name=BUREAU_NAME).exists():
        return "foreign"
    return "bench" if User.objects.exists() else "empty"


def reset_database() -> None:
    """Drop and recreate the database of DATABASE_URL (after the guard said it holds only bench data)."""
    import psycopg
    from psycopg import sql

    db = settings.DATABASES["default"]
    name = db["NAME"]
    connection.close()
    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as admin:
        quoted = sql.Identifier(name)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(quoted))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(quoted))


# --- the city -------------------------------------------------------------------------------------------


@dataclass
class Person:
    """What later steps need to know of one generated supervisee."""

    id: int
    office: int
    officer: int
    status: str
    level: str
    risk: str
    sentence_type: str
    start: dt.date
    end: dt.date
    active_from: dt.date | None  # under correction within the year: check-ins, needs, sessions
    active_to: dt.date | None
    is_minor: bool = False
    overdue_since: dt.date | None = None
    extra: dict = field(default_factory=dict)


class City:
    def __init__(self, seed: int, n_supervisees: int, n_referrals: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.n_supervisees = n_supervisees
        self.n_referrals = n_referrals
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.year_start = self.today - dt.timedelta(days=365)
        self.ids = IDS
        self.people: list[Person] = []
        self.timings: list[tuple[str, int, float]] = []

    def step(self, label: str, func) -> None:
        started = time.perf_counter()
        rows = func()
        seconds = time.perf_counter() - started
        self.timings.append((label, rows, seconds))
        print(f"  {label:<44} {rows:>9,} rows  {seconds:6.1f} s", flush=True)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def moment(self, day: dt.date) -> dt.datetime:
        """A working-hours moment of the day, never later than now."""
        return min(at(day, self.rng.randint(8, 17), self.rng.randint(0, 59)), self.now)

    # --- organisations and people ---

    def organisations(self) -> int:
        users: list[User] = []

        def user(username: str, name: str) -> User:
            row = User(username=username, full_name=name, email=f"{username}@example.invalid", password=UNUSABLE)
            users.append(row)
            return row

        self.bureau = Organisation.objects.create(name=BUREAU_NAME, kind=Organisation.Kind.JUSTICE_BUREAU)
        towns = Township.objects.bulk_create(
            Township(code=f"bench-town-{k:02d}", name=f"演练{name}", kind=Township.Kind.TOWN)
            for k, name in enumerate(TOWNS[:OFFICES])
        )
        self.offices = Organisation.objects.bulk_create(
            Organisation(
                name=f"演练{town.name[2:]}司法所",
                kind=Organisation.Kind.JUDICIAL_OFFICE,
                township=town,
                parent=self.bureau,
            )
            for town in towns
        )
        self.towns = towns
        admin = user("bench-bureau", "局管理员")
        bureau_head = user("bench-bureau-head", "局负责人")
        officers = [
            [user(f"bench-o{k:02d}-{j}", self.fake.name()) for j in range(OFFICERS_PER_OFFICE)] for k in range(OFFICES)
        ]
        heads = [user("bench-head" if k == 0 else f"bench-head-{k:02d}", self.fake.name()) for k in range(OFFICES)]
        self.providers: dict[str, list[Organisation]] = {}
        for code, (kind, pattern, count) in PROVIDERS.items():
            self.providers[code] = Organisation.objects.bulk_create(
                Organisation(name=pattern.format(TOWNS[(i * 5 + len(code)) % len(TOWNS)][:2] + str(i + 1)), kind=kind)
                for i in range(count)
            )
        provider_orgs = [org for orgs in self.providers.values() for org in orgs]
        provider_staff = [user(f"bench-p{i:03d}", self.fake.name()) for i in range(len(provider_orgs))]
        self.teams = Organisation.objects.bulk_create(
            Organisation(name=f"演练志愿者服务队{i + 1}", kind=Organisation.Kind.VOLUNTEER_TEAM) for i in range(2)
        )
        coordinators = [user(f"bench-coord-{i}", self.fake.name()) for i in range(len(self.teams))]
        User.objects.bulk_create(users)
        saved = {u.username: u.pk for u in User.objects.filter(username__startswith=PREFIX)}
        for row in users:
            row.pk = row.id = saved[row.username]
        memberships = [
            Membership(user=admin, organisation=self.bureau, role=Membership.Role.BUREAU_ADMIN),
            Membership(user=bureau_head, organisation=self.bureau, role=Membership.Role.BUREAU_HEAD),
        ]
        for k, office in enumerate(self.offices):
            memberships += [
                Membership(user=o, organisation=office, role=Membership.Role.OFFICE_OFFICER) for o in officers[k]
            ]
            memberships.append(Membership(user=heads[k], organisation=office, role=Membership.Role.OFFICE_HEAD))
        memberships += [
            Membership(user=staff, organisation=org, role=Membership.Role.PROVIDER_STAFF)
            for staff, org in zip(provider_staff, provider_orgs, strict=True)
        ]
        memberships += [
            Membership(user=c, organisation=t, role=Membership.Role.VOLUNTEER_COORDINATOR)
            for c, t in zip(coordinators, self.teams, strict=True)
        ]
        Membership.objects.bulk_create(memberships)
        self.admin, self.bureau_head = admin.pk, bureau_head.pk
        self.officers = [[o.pk for o in row] for row in officers]
        self.heads = [h.pk for h in heads]
        self.staff_of = {org.pk: staff.pk for staff, org in zip(provider_staff, provider_orgs, strict=True)}
        self.coordinators = [c.pk for c in coordinators]
        categories = {c.code: c for c in ServiceCategory.objects.all()}
        self.categories = categories
        offerings = []
        for code, orgs in self.providers.items():
            for org in orgs:
                offerings.append(
                    ServiceOffering(
                        organisation=org,
                        category=categories[code],
                        name=f"{categories[code].name}（{org.name[2:6]}）",
                        capacity=0,
                    )
                )
        ServiceOffering.objects.bulk_create(offerings)
        self.offerings_of: dict[str, list[ServiceOffering]] = defaultdict(list)
        for offering in offerings:
            self.offerings_of[offering.category.code].append(offering)
        return len(users) + len(memberships) + len(offerings) + len(provider_orgs) + OFFICES * 2 + 3

    def supervisees(self) -> int:
        rng, today, year_start = self.rng, self.today, self.year_start
        taken: set[str] = set()
        rows = []
        sequences: Counter = Counter()
        for n in range(self.n_supervisees):
            office = n % OFFICES if rng.random() < 0.7 else rng.randrange(OFFICES)  # some offices larger
            officer = self.officers[office][rng.randrange(OFFICERS_PER_OFFICE)]
            status = pick(
                rng,
                {
                    S.UNDER_CORRECTION: 74,
                    S.RELEASED: 17,
                    S.TERMINATED: 3,
                    S.SUSPENDED: 2,
                    S.REGISTERED: 2.5,
                    S.INTAKE: 1.5,
                },
            )
            sentence_type = pick(rng, {"probation": 76, "parole": 14, "temporary_execution": 6, "surveillance": 4})
            risk = pick(rng, {"low": 62, "medium": 29, "high": 9})
            level = {
                "high": SupervisionLevel.STRICT,
                "medium": pick(rng, {SupervisionLevel.ORDINARY: 8, SupervisionLevel.STRICT: 2}),
                "low": pick(rng, {SupervisionLevel.ORDINARY: 6, SupervisionLevel.LENIENT: 4}),
            }[risk]
            term = dt.timedelta(days=30 * rng.randint(6, 48))
            active_from = active_to = None
            history: list[tuple[str, str, str, dt.date, str]] = []
            if status == S.UNDER_CORRECTION:
                start = today - dt.timedelta(days=rng.randint(5, 3 * 365))
                end = start + term
                if end <= today:
                    end = today + dt.timedelta(days=rng.randint(10, 700))
                active_from, active_to = max(start, year_start), today
            elif status == S.RELEASED:
                end = self.day_between(year_start, today - dt.timedelta(days=1))
                start = end - term
                active_from, active_to = max(start, year_start), end
                history.append(("release", S.UNDER_CORRECTION, S.RELEASED, end, ""))
            elif status == S.TERMINATED:
                stop = self.day_between(year_start, today - dt.timedelta(days=1))
                start = stop - dt.timedelta(days=rng.randint(30, 3 * 365))
                end = max(start + term, stop + dt.timedelta(days=1))
                active_from, active_to = max(start, year_start), stop
                ground = pick(rng, {"revocation": 60, "imprisonment": 25, "death": 5, "other": 10})
                history.append(("terminate", S.UNDER_CORRECTION, S.TERMINATED, stop, ground))
            elif status == S.SUSPENDED:
                stop = today - dt.timedelta(days=rng.randint(1, 180))
                start = stop - dt.timedelta(days=rng.randint(30, 2 * 365))
                end = max(start + term, today + dt.timedelta(days=30))
                active_from, active_to = max(start, year_start), stop
                history.append(("suspend", S.UNDER_CORRECTION, S.SUSPENDED, stop, ""))
            elif status == S.REGISTERED:
                start = today - dt.timedelta(days=rng.randint(0, 9))
                end = start + term
            else:
                # A quarter of the people in intake did not report by the start day: 漏管 today.
                start = today + dt.timedelta(days=rng.randint(0, 10) if rng.random() < 0.75 else -rng.randint(1, 6))
                end = start + term
            # The report for intake is due on the start day; 4 per cent report late (漏管 in the period).
            registered_on = min(start + dt.timedelta(days=rng.randint(1, 6) if rng.random() < 0.04 else 0), today)
            announced = min(max(registered_on, start + dt.timedelta(days=rng.randint(0, 3))), today)
            if status != S.INTAKE:
                history.insert(0, ("register", S.INTAKE, S.REGISTERED, registered_on, ""))
            if status not in (S.INTAKE, S.REGISTERED):
                history.insert(1, ("announce", S.REGISTERED, S.UNDER_CORRECTION, announced, ""))
                if active_from is not None:
                    active_from = min(max(active_from, announced), active_to)
            if status == S.UNDER_CORRECTION and rng.random() < 0.01 and active_from < today - dt.timedelta(days=60):
                gone = self.day_between(active_from, today - dt.timedelta(days=40))
                back = gone + dt.timedelta(days=rng.randint(5, 30))
                history += [
                    ("suspend", S.UNDER_CORRECTION, S.SUSPENDED, gone, ""),
                    ("resume", S.SUSPENDED, S.UNDER_CORRECTION, back, ""),
                ]
            is_minor = rng.random() < 0.012
            age_at_start = rng.randint(15, 17) if is_minor else int(rng.triangular(18, 72, 32))
            born = start - dt.timedelta(days=age_at_start * 365 + rng.randint(0, 364))
            sex = "male" if rng.random() < 0.86 else "female"
            sequence = n
            while True:
                number = identity.synthetic_resident_id(region=REGION, born=born, sequence=sequence, sex=sex)
                if number not in taken:
                    break
                sequence += 1
            taken.add(number)
            name = self.fake.name_male() if sex == "male" else self.fake.name_female()
            sequences[(registered_on.year, office)] += 1
            case_number = (
                f"{registered_on.year}-{self.offices[office].pk:03d}-{sequences[(registered_on.year, office)]:04d}"
            )
            person = Person(
                id=self.ids.take(Supervisee),
                office=office,
                officer=officer,
                status=status,
                level=level,
                risk=risk,
                sentence_type=sentence_type,
                start=start,
                end=end,
                active_from=active_from,
                active_to=active_to,
                is_minor=is_minor,
            )
            person.extra["history"] = history
            person.extra["registered"] = registered_on if status != S.INTAKE else None
            self.people.append(person)
            rows.append(
                Supervisee(
                    id=person.id,
                    name=name,
                    given_name=name[1:],
                    sex=sex,
                    date_of_birth=born,
                    resident_id_encrypted=identity.encrypt(number),
                    resident_id_hash=identity.lookup_hash(number),
                    resident_id_masked=identity.mask_resident_id(number),
                    phone=f"+86{self.fake.phone_number()}",
                    household_type="rural" if rng.random() < 0.55 else "urban",
                    township_id=self.towns[office].pk,
                    address=self.fake.street_address(),
                    judicial_office_id=self.offices[office].pk,
                    sentence_type=sentence_type,
                    offence_category=pick(
                        rng,
                        {
                            OffenceCategory.TRAFFIC: 30,
                            OffenceCategory.THEFT: 14,
                            OffenceCategory.FRAUD: 12,
                            OffenceCategory.ASSAULT: 10,
                            OffenceCategory.AFFRAY: 8,
                            OffenceCategory.DRUGS: 5,
                            OffenceCategory.GAMBLING: 5,
                            OffenceCategory.CORRUPTION: 4,
                            OffenceCategory.ENVIRONMENT: 4,
                            OffenceCategory.OTHER: 8,
                        },
                    ),  # fmt: skip
                    correction_start=start,
                    correction_end=end,
                    risk_level=risk,
                    supervision_level=level,
                    status=status,
                    is_minor=is_minor,
                    case_number=case_number,
                    created_by_id=officer,
                    created_at=self.moment(registered_on) if registered_on < today else self.now,
                    updated_at=self.now,
                )
            )
        count = copy(Supervisee, rows)
        organs = {
            "probation": (DecidingOrganKind.COURT, "演练市人民法院"),
            "surveillance": (DecidingOrganKind.COURT, "演练市人民法院"),
            "parole": (DecidingOrganKind.COURT, "演练市中级人民法院"),
            "temporary_execution": (DecidingOrganKind.PRISON_ADMINISTRATION, "演练省监狱管理局"),
        }
        count += copy(
            Sentence,
            (
                Sentence(
                    id=self.ids.take(Sentence),
                    supervisee_id=p.id,
                    organ_kind=organs[p.sentence_type][0],
                    organ_name=organs[p.sentence_type][1],
                    case_number=f"（{p.start.year}）演0183刑初{p.id}号",
                    judgment_date=p.start - dt.timedelta(days=20),
                    effective_date=p.start - dt.timedelta(days=10),
                    sentence_type=p.sentence_type,
                    term_months=max((p.end - p.start).days // 30, 1),
                    start=p.start,
                    end=p.end,
                    notice_received_on=p.start - dt.timedelta(days=7),
                    created_by_id=p.officer,
                    created_at=self.moment(min(p.start, self.today) - dt.timedelta(days=1)),
                )
                for p in self.people
            ),
        )
        count += copy(
            CorrectionTeamMember,
            (
                CorrectionTeamMember(
                    id=self.ids.take(CorrectionTeamMember),
                    supervisee_id=p.id,
                    role=CorrectionTeamMember.Role.OFFICER,
                    user_id=p.officer,
                    name="司法所干部",
                    sex="male",
                    is_active=p.status not in (S.RELEASED, S.TERMINATED),
                    created_at=self.moment(min(p.start, self.today)),
                )
                for p in self.people
            ),
        )
        return count

    def status_history(self) -> int:
        return copy(
            StatusChange,
            (
                StatusChange(
                    id=self.ids.take(StatusChange),
                    supervisee_id=p.id,
                    action=action,
                    from_status=frm,
                    to_status=to,
                    ground=ground,
                    note="演练数据" if ground == "other" else "",
                    occurred_on=day,
                    actor_id=p.officer,
                    created_at=self.moment(day),
                )
                for p in self.people
                for action, frm, to, day, ground in p.extra["history"]
            ),
        )

    # --- check-ins and obligations ---

    def check_ins(self) -> int:
        """Weekly-ish check-ins over each person's months under correction in the year, each meeting a report
        obligation; then the open report, visit and release obligations (a few per cent overdue, escalated)."""
        rng, today, now = self.rng, self.today, self.now
        interval = {"strict": 7, "ordinary": 8, "lenient": 12}
        obligations: list[Obligation] = []
        check_ins: list[CheckIn] = []
        methods = {"code": 48, "in_person": 30, "phone": 12, "video": 10}
        for p in self.people:
            live = p.status in (S.UNDER_CORRECTION, S.REGISTERED, S.INTAKE, S.SUSPENDED)
            if p.active_from is not None:
                days = interval[p.level]
                due = p.active_from + dt.timedelta(days=rng.randint(1, days))
                dues = []
                while due <= p.active_to:
                    dues.append(due)
                    due += dt.timedelta(days=days)
                next_due = due
                if p.status == S.UNDER_CORRECTION and dues and rng.random() < 0.04:
                    dropped = min(rng.randint(1, 3), len(dues))
                    next_due = dues[-dropped]
                    dues = dues[:-dropped]
                    p.overdue_since = next_due
                previous = at(p.active_from)
                for due_on in dues:
                    late = rng.random() < 0.05
                    when = self.moment(due_on + dt.timedelta(days=rng.randint(1, 3) if late else -rng.randint(0, 2)))
                    if when > now:
                        when, late = now - dt.timedelta(hours=rng.randint(1, 12)), False
                    obligation = Obligation(
                        id=self.ids.take(Obligation),
                        supervisee_id=p.id,
                        kind=Obligation.Kind.REPORT,
                        rule_code=rulebook.REPORT_INTERVAL[p.level],
                        due_at=end_of(due_on),
                        remind_from=at(due_on - dt.timedelta(days=2), 0),
                        done_at=when,
                        done_by_id=p.officer,
                        escalation_level=1 if late else 0,
                        escalated_at=at(due_on + dt.timedelta(days=1), 8) if late else None,
                        created_at=previous,
                    )
                    obligations.append(obligation)
                    pending = when > now - dt.timedelta(days=3) and rng.random() < 0.3
                    check_ins.append(
                        CheckIn(
                            id=self.ids.take(CheckIn),
                            supervisee_id=p.id,
                            method=pick(rng, methods),
                            state=CheckIn.State.PENDING if pending else CheckIn.State.CONFIRMED,
                            occurred_at=when,
                            due_on=due_on,
                            late=late,
                            report={"health": "良好", "work": "正常"} if rng.random() < 0.5 else {},
                            changes_flagged=rng.random() < 0.02,
                            recorded_by_id=p.officer,
                            confirmed_by_id=None if pending else p.officer,
                            confirmed_at=None if pending else when + dt.timedelta(minutes=rng.randint(5, 600)),
                            obligation_id=obligation.id,
                            created_at=when,
                        )
                    )
                    previous = when
                if p.status == S.UNDER_CORRECTION:
                    overdue_days = (today - next_due).days
                    level = 0 if overdue_days <= 0 else 1 if overdue_days < 3 else 2 if overdue_days < 7 else 3
                    obligations.append(
                        Obligation(
                            id=self.ids.take(Obligation),
                            supervisee_id=p.id,
                            kind=Obligation.Kind.REPORT,
                            rule_code=rulebook.REPORT_INTERVAL[p.level],
                            due_at=end_of(next_due),
                            remind_from=at(next_due - dt.timedelta(days=2), 0),
                            escalation_level=level,
                            escalated_at=at(next_due + dt.timedelta(days=1), 8) if level else None,
                            created_at=previous,
                        )
                    )
            registered = p.extra["registered"]
            if registered is not None or p.status == S.INTAKE:
                obligations.append(
                    Obligation(
                        id=self.ids.take(Obligation),
                        supervisee_id=p.id,
                        kind=Obligation.Kind.INTAKE_REPORT,
                        rule_code=rulebook.INTAKE_REPORT,
                        due_at=end_of(p.start),
                        done_at=self.moment(registered) if registered else None,
                        done_by_id=p.officer if registered else None,
                        escalation_level=1 if p.start < today and not registered else 0,
                        created_at=at(p.start - dt.timedelta(days=10)),
                    )
                )
            if p.status == S.UNDER_CORRECTION:
                visit_due = today + dt.timedelta(days=rng.randint(-6, 40))
                overdue = visit_due < today
                obligations.append(
                    Obligation(
                        id=self.ids.take(Obligation),
                        supervisee_id=p.id,
                        kind=Obligation.Kind.VISIT,
                        rule_code=rulebook.VISIT_INTERVAL[p.level],
                        due_at=end_of(visit_due),
                        remind_from=at(visit_due - dt.timedelta(days=7), 0),
                        escalation_level=1 if overdue else 0,
                        escalated_at=at(visit_due + dt.timedelta(days=1), 8) if overdue else None,
                        created_at=at(visit_due - dt.timedelta(days=30)),
                    )
                )
            if live or p.status == S.RELEASED:
                released = p.status == S.RELEASED
                obligations.append(
                    Obligation(
                        id=self.ids.take(Obligation),
                        supervisee_id=p.id,
                        kind=Obligation.Kind.RELEASE,
                        rule_code=rulebook.RELEASE_REMINDER,
                        due_at=end_of(p.end),
                        remind_from=at(p.end - dt.timedelta(days=30), 0),
                        done_at=self.moment(p.end) if released else None,
                        done_by_id=p.officer if released else None,
                        created_at=at(min(p.start, today)),
                    )
                )
        count = copy(Obligation, obligations)
        del obligations
        return count + copy(CheckIn, check_ins)

    # --- needs, referrals, consents ---

    def referrals(self) -> int:
        rng, now = self.rng, self.now
        people = [p for p in self.people if p.active_from is not None]
        n_needs = round(self.n_referrals * 0.4)
        needs: list[Need] = []
        need_person: list[Person] = []
        for _k in range(n_needs):
            p = rng.choice(people)
            last = min(p.active_to, self.today - dt.timedelta(days=1))
            opened = self.moment(self.day_between(min(p.active_from, last), last))
            code = pick(rng, CATEGORY_WEIGHTS)
            needs.append(
                Need(
                    id=self.ids.take(Need),
                    supervisee_id=p.id,
                    category_id=self.categories[code].pk,
                    urgency=pick(rng, {1: 25, 2: 55, 3: 20}),
                    description="",
                    status=Need.Status.OPEN,
                    opened_at=opened,
                    created_by_id=p.officer,
                )
            )
            need_person.append(p)
        counts = [pick(rng, {0: 8, 1: 22, 2: 25, 3: 22, 4: 13, 5: 10}) for _ in needs]
        while (total := sum(counts)) != self.n_referrals:
            k = rng.randrange(len(counts))
            if total < self.n_referrals and counts[k] < 8:
                counts[k] += 1
            elif total > self.n_referrals and counts[k] > 0:
                counts[k] -= 1
        codes = {c.pk: c.code for c in self.categories.values()}
        referrals: list[Referral] = []
        events: list[tuple] = []  # (referral id, actor id, from, to, when, note, audience)
        consents: dict[tuple[int, int], Consent] = {}
        places: Counter = Counter()
        hour = dt.timedelta(hours=1)
        for need, p, count in zip(needs, need_person, counts, strict=True):
            code = codes[need.category_id]
            offerings = self.offerings_of[code]
            start = need.opened_at + dt.timedelta(hours=rng.randint(1, 72))
            closed_states: list[str] = []
            for i in range(count):
                created = min(start, now - hour * rng.randint(1, 48))
                last = i == count - 1
                plan = pick(
                    rng,
                    {"completed": 80, "declined": 9, "expired": 4, "withdrawn": 7}
                    if last
                    else {"completed": 30, "declined": 35, "expired": 15, "withdrawn": 20},
                )
                grade = pick(
                    rng,
                    {"achieved": 60, "partly": 25, "not_achieved": 15} if last else {"partly": 50, "not_achieved": 50},
                )
                offering = rng.choice(offerings)
                staff = self.staff_of[offering.organisation_id]
                steps: list[tuple[str, str, dt.datetime, int | None]] = [("", R.DRAFT, created, p.officer)]
                withdraw_at = pick(rng, {R.DRAFT: 20, R.SENT: 40, R.ACCEPTED: 25, R.IN_SERVICE: 15})
                if plan == "withdrawn" and withdraw_at == R.DRAFT:
                    steps.append((R.DRAFT, R.WITHDRAWN, created + hour * rng.randint(2, 72), p.officer))
                else:
                    sent = created + hour * rng.randint(0, 48)
                    steps.append((R.DRAFT, R.SENT, sent, p.officer))
                    days = conf.response_days(code)
                    deadline = sent + dt.timedelta(days=days)
                    answered = sent + hour * rng.randint(2, max(days * 24 - 4, 3))
                    if plan == "expired":
                        steps.append((R.SENT, R.EXPIRED, deadline + dt.timedelta(days=conf.EXPIRE_AFTER_DAYS()), None))
                    elif plan == "declined":
                        steps.append((R.SENT, R.DECLINED, answered, staff))
                    elif plan == "withdrawn" and withdraw_at == R.SENT:
                        steps.append((R.SENT, R.WITHDRAWN, sent + (answered - sent) / 2, p.officer))
                    else:
                        steps.append((R.SENT, R.ACCEPTED, answered, staff))
                        began = answered + dt.timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
                        if plan == "withdrawn" and withdraw_at == R.ACCEPTED:
                            steps.append((R.ACCEPTED, R.WITHDRAWN, answered + (began - answered) / 2, p.officer))
                        else:
                            steps.append((R.ACCEPTED, R.IN_SERVICE, began, staff))
                            finished = began + dt.timedelta(days=rng.randint(14, 90), hours=rng.randint(0, 8))
                            if plan == "withdrawn":
                                steps.append((R.IN_SERVICE, R.WITHDRAWN, began + (finished - began) / 2, p.officer))
                            else:
                                steps.append((R.IN_SERVICE, R.COMPLETED, finished, staff))
                steps = [s for s in steps if s[2] <= now]
                state = steps[-1][1]
                times = {to: when for _frm, to, when, _actor in steps}
                referral = Referral(
                    id=self.ids.take(Referral),
                    need_id=need.id,
                    offering_id=offering.pk,
                    state=state,
                    holds_place=state in (R.ACCEPTED, R.IN_SERVICE),
                    message="请协助安排。",
                    created_by_id=p.officer,
                    created_at=created,
                    updated_at=steps[-1][2],
                )
                if R.SENT in times:
                    referral.sent_at = times[R.SENT]
                    referral.sent_by_id = p.officer
                    referral.deadline = times[R.SENT] + dt.timedelta(days=conf.response_days(code))
                    if rng.random() < 0.02:
                        referral.consent_override = True
                        referral.consent_override_reason = "情况紧急，已口头告知本人"
                    else:
                        key = (p.id, offering.organisation_id)
                        consent = consents.get(key)
                        if consent is None:
                            consent = consents[key] = Consent(
                                id=self.ids.take(Consent),
                                supervisee_id=p.id,
                                organisation_id=offering.organisation_id,
                                recorded_by_id=p.officer,
                                granted_at=times[R.SENT] - dt.timedelta(hours=rng.randint(1, 72)),
                            )
                        referral.consent_id = consent.id
                    if state == R.EXPIRED:
                        referral.escalation_level = 2
                        referral.escalated_at = referral.deadline + dt.timedelta(days=conf.BUREAU_AFTER_DAYS(), hours=1)
                    elif state == R.SENT and now > referral.deadline:
                        late = now > referral.deadline + dt.timedelta(days=conf.BUREAU_AFTER_DAYS())
                        referral.escalation_level = 2 if late else 1
                        referral.escalated_at = referral.deadline + dt.timedelta(
                            days=conf.BUREAU_AFTER_DAYS() if late else 0, hours=1
                        )
                for key in (R.ACCEPTED, R.DECLINED):
                    if key in times:
                        referral.responded_at = times[key]
                if R.IN_SERVICE in times:
                    referral.service_started_at = times[R.IN_SERVICE]
                if state in (R.COMPLETED, R.DECLINED, R.WITHDRAWN, R.EXPIRED):
                    referral.closed_at = steps[-1][2]
                    closed_states.append(state if state != R.COMPLETED else f"completed:{grade}")
                if state == R.COMPLETED:
                    referral.outcome_grade = grade
                    referral.outcome_note = "已按计划完成服务。"
                if state == R.DECLINED:
                    referral.decline_reason = rng.choice(DECLINE_REASONS)
                if referral.holds_place:
                    places[offering.pk] += 1
                referrals.append(referral)
                for frm, to, when, actor in steps:
                    note = referral.decline_reason if to == R.DECLINED else ""
                    if to == R.WITHDRAWN:
                        note = rng.choice(WITHDRAW_NOTES)
                    case_side = actor == p.officer
                    events.append((referral.id, actor, frm, to, when, note, "case" if case_side else "both"))
                if referral.closed_at is not None:
                    start = referral.closed_at + dt.timedelta(hours=rng.randint(4, 24 * 7))
                else:  # still open: the next referral for this need goes out alongside it
                    start = created + dt.timedelta(days=rng.randint(1, 10))
            chain = referrals[-count:] if count else []
            open_now = any(r.state in Referral.OPEN_STATES for r in chain)
            if open_now:
                need.status = Need.Status.REFERRED
            elif any(s == "completed:achieved" for s in closed_states):
                need.status = Need.Status.MET
                need.closed_at = max(r.closed_at for r in chain if r.closed_at)
            elif rng.random() < (0.3 if count else 0.1):
                need.status = Need.Status.CLOSED
                last_closed = max((r.closed_at for r in chain if r.closed_at), default=None)
                need.closed_at = min((last_closed or need.opened_at) + dt.timedelta(days=1), now)
        rows = copy(Need, needs)
        rows += copy(Consent, consents.values())
        rows += copy(Referral, referrals)
        del referrals
        rows += copy(
            ReferralEvent,
            (
                ReferralEvent(
                    id=self.ids.take(ReferralEvent),
                    referral_id=rid,
                    actor_id=actor,
                    from_state=frm,
                    to_state=to,
                    note=note,
                    audience=audience,
                    created_at=when,
                )
                for rid, actor, frm, to, when, note, audience in events
            ),
        )
        for offering in (o for orgs in self.offerings_of.values() for o in orgs):
            taken = places[offering.pk]
            ServiceOffering.objects.filter(pk=offering.pk).update(
                capacity=taken + rng.randint(5, 40), places_taken=taken
            )
        return rows

    # --- lost contact, movement, sanctions ---

    def supervision_records(self) -> int:
        rng, today, now = self.rng, self.today, self.now
        episode_type = ContentType.objects.get_for_model(LostContactEpisode)
        episodes, grounds = [], []
        candidates = [p for p in self.people if p.active_from is not None and p.active_from < p.active_to]
        for p in self.people:
            if p.overdue_since is not None and (today - p.overdue_since).days >= 3:
                lost = p.overdue_since + dt.timedelta(days=1)
                episodes.append(
                    LostContactEpisode(
                        id=self.ids.take(LostContactEpisode),
                        supervisee_id=p.id,
                        trigger=LostContactEpisode.Trigger.MISSED_REPORT,
                        lost_since=lost,
                        last_contact_at=at(p.overdue_since - dt.timedelta(days=7), 10),
                        opened_at=min(at(lost + dt.timedelta(days=1), 7), now),
                        police_notified_on=lost + dt.timedelta(days=2) if (today - lost).days > 2 else None,
                    )
                )
        for p in rng.sample(candidates, min(len(candidates), 700)):
            if p.overdue_since is not None:
                continue
            lost = self.day_between(p.active_from, p.active_to)
            found = lost + dt.timedelta(days=rng.randint(1, 25))
            if at(found, 18) > now:
                continue
            episodes.append(
                LostContactEpisode(
                    id=self.ids.take(LostContactEpisode),
                    supervisee_id=p.id,
                    trigger=pick(rng, {"missed_report": 75, "officer": 25}),
                    lost_since=lost,
                    last_contact_at=at(lost - dt.timedelta(days=1), 16),
                    opened_at=at(lost + dt.timedelta(days=1), 9),
                    opened_by_id=p.officer,
                    police_notified_on=lost + dt.timedelta(days=1) if rng.random() < 0.6 else None,
                    found_at=at(found, 15),
                    outcome=pick(rng, {"found": 55, "returned": 35, "detained": 6, "other": 4}),
                    outcome_note="已恢复监管。",
                    closed_at=at(found, 18),
                    closed_by_id=p.officer,
                )
            )
        by_id = {p.id: p for p in self.people}
        for episode in episodes:
            length = ((episode.found_at or now) - episode.opened_at).days
            code = "lost_contact_month" if length > 30 else "lost_contact_long" if length > 7 else "lost_contact"
            grounds.append(
                SanctionGround(
                    id=self.ids.take(SanctionGround),
                    supervisee_id=episode.supervisee_id,
                    code=code,
                    occurred_on=episode.lost_since,
                    facts="脱离监管。",
                    source_type_id=episode_type.pk,
                    source_id=episode.id,
                    recorded_by_id=by_id[episode.supervisee_id].officer,
                    created_at=episode.opened_at,
                )
            )
        rows = copy(LostContactEpisode, episodes) + copy(SanctionGround, grounds)

        requests = []
        for _k in range(4000):
            p = rng.choice(candidates)
            kind = pick(rng, {"travel": 80, "frequent_travel": 3, "relocation": 6, "contact": 8, "entry": 3})
            applied = self.moment(self.day_between(p.active_from, p.active_to))
            start = applied.date() + dt.timedelta(days=rng.randint(1, 7))
            days = rng.randint(1, 7) if rng.random() < 0.7 else rng.randint(8, 30)
            end = start + dt.timedelta(days=days - 1)
            route = "office" if kind == "travel" and days <= 7 else "bureau"
            decider = self.heads[p.office] if route == "office" else self.bureau_head
            decided_at = applied + dt.timedelta(hours=rng.randint(2, 72))
            if decided_at > now:
                state = "submitted"
            else:
                state = pick(rng, {"approved": 85, "refused": 8, "withdrawn": 4, "submitted": 3})
            if state == "approved" and kind == "travel" and end < today:
                state = "returned" if rng.random() < 0.97 else "overdue"
            if state == "approved" and kind == "relocation" and end < today:
                state = "handed_over"
            decided = state not in ("submitted", "withdrawn")
            requests.append(
                MovementRequest(
                    id=self.ids.take(MovementRequest),
                    supervisee_id=p.id,
                    kind=kind,
                    state=state,
                    route=route,
                    route_reason="七日以内外出由司法所负责人审批"
                    if route == "office"
                    else "由县级社区矫正机构负责人审批",
                    start=start,
                    end=end,
                    destination=self.fake.city() if kind in ("travel", "frequent_travel", "relocation") else "",
                    reason=pick(rng, {"探亲": 4, "就医": 3, "务工": 3, "处理家庭事务": 2}),
                    people="某某" if kind == "contact" else "",
                    place="某娱乐场所" if kind == "entry" else "",
                    applied_by_id=p.officer,
                    applied_at=applied,
                    receiving_county="演练县" if kind == "relocation" else "",
                    handed_over_on=end if state == "handed_over" else None,
                    decided_by_id=decider if decided else None,
                    decided_at=decided_at if decided else None,
                    notice_to="procuratorate" if kind in ("contact", "entry") and decided else "",
                    notice_on=decided_at.date() if kind in ("contact", "entry") and decided else None,
                    returned_on=end if state == "returned" else None,
                )
            )
        rows += copy(MovementRequest, requests)

        proposals = []
        for k in range(2000):
            p = rng.choice(candidates)
            kind = pick(
                rng, {"praise": 28, "admonition": 36, "warning": 24, "penalty": 4, "revocation": 5, "prison": 3}
            )
            proposed = self.moment(self.day_between(p.active_from, p.active_to))
            decided_at = proposed + dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 6))
            if decided_at > now:
                state = "proposed"
            elif kind in ("penalty", "revocation", "prison"):
                state = pick(rng, {"organ_decided": 60, "sent": 25, "refused": 10, "withdrawn": 5})
            else:
                state = pick(rng, {"approved": 85, "refused": 8, "withdrawn": 4, "proposed": 3})
            decided = state not in ("proposed", "withdrawn")
            sent_on = (
                min(decided_at.date() + dt.timedelta(days=1), today) if state in ("sent", "organ_decided") else None
            )
            organ_on = min(sent_on + dt.timedelta(days=rng.randint(3, 30)), today) if state == "organ_decided" else None
            proposals.append(
                SanctionProposal(
                    id=self.ids.take(SanctionProposal),
                    supervisee_id=p.id,
                    kind=kind,
                    state=state,
                    facts="经查，该对象在矫正期间的表现如下。",
                    proposed_by_id=p.officer,
                    proposed_at=proposed,
                    decided_by_id=self.bureau_head if decided else None,
                    decided_at=decided_at if decided else None,
                    decision_number=f"演司矫〔{decided_at.year}〕{k + 1}号" if decided else "",
                    sent_on=sent_on,
                    court_due_on=sent_on + dt.timedelta(days=30) if sent_on and kind != "penalty" else None,
                    organ_decided_on=organ_on,
                    organ_accepted=(rng.random() < 0.85) if organ_on else None,
                )
            )
        return rows + copy(SanctionProposal, proposals)

    # --- education, volunteers, budget ---

    def education(self) -> int:
        rng, now = self.rng, self.now
        by_office: dict[int, list[Person]] = defaultdict(list)
        for p in self.people:
            if p.active_from is not None:
                by_office[p.office].append(p)
        sessions, attendances = [], []
        topics = {
            "legal": "社区矫正法律法规学习",
            "moral": "道德与家庭责任",
            "group": "集中教育学习",
            "mental_health": "心理健康讲座",
            "vocational": "职业技能入门",
            "public_interest": "社区环境整治公益活动",
        }
        day = self.year_start + dt.timedelta(days=1)
        while day < self.today:
            for k in range(OFFICES):
                for kind in ("group", "public_interest") if day.isoweekday() == 3 else ():
                    if kind == "group":
                        kind = rng.choice(["group", "legal", "moral", "mental_health", "vocational"])
                    starts = at(day, 9 if kind != "public_interest" else 14)
                    minutes = 120 if kind != "public_interest" else 180
                    session = Session(
                        id=self.ids.take(Session),
                        office_id=self.offices[k].pk,
                        kind=kind,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(minutes=minutes),
                        place="司法所会议室" if kind != "public_interest" else "社区广场",
                        topic=topics[kind],
                        facilitator_id=self.officers[k][0],
                        cancelled=rng.random() < 0.02,
                        created_by_id=self.officers[k][0],
                        created_at=starts - dt.timedelta(days=7),
                    )
                    sessions.append(session)
                    if session.cancelled or session.ends_at > now:
                        continue
                    there = [
                        p
                        for p in rng.sample(by_office[k], min(60, len(by_office[k])))
                        if p.active_from <= day <= p.active_to
                    ]
                    for p in there[:30]:
                        status = pick(rng, {"present": 86, "absent": 6, "excused": 8})
                        attendances.append(
                            Attendance(
                                id=self.ids.take(Attendance),
                                session_id=session.id,
                                supervisee_id=p.id,
                                status=status,
                                excuse="因病请假" if status == "excused" else "",
                                minutes=minutes if status == "present" else 0,
                                recorded_by_id=self.officers[k][0],
                                recorded_at=session.ends_at + dt.timedelta(hours=1),
                            )
                        )
            day += dt.timedelta(days=1)
        return copy(Session, sessions) + copy(Attendance, attendances)

    def volunteers(self) -> int:
        rng = self.rng
        users = User.objects.bulk_create(
            User(
                username=f"bench-v{i:03d}",
                full_name=self.fake.name(),
                email=f"bench-v{i:03d}@example.invalid",
                password=UNUSABLE,
            )
            for i in range(200)
        )
        users = list(User.objects.filter(username__startswith="bench-v").order_by("username"))
        volunteers = Volunteer.objects.bulk_create(
            Volunteer(
                user=u,
                organisation=self.teams[i % len(self.teams)],
                status=Volunteer.Status.ACTIVE if i % 10 else Volunteer.Status.TRAINED,
                full_name=u.full_name,
                phone=f"+861390000{i:04d}",
                sex="female" if i % 2 else "male",
                consent_at=self.now - dt.timedelta(days=400),
                consent_version="2024-1",
            )
            for i, u in enumerate(users)
        )
        logs = []
        for i, v in enumerate(volunteers):
            if v.status != Volunteer.Status.ACTIVE:
                continue
            day = self.year_start + dt.timedelta(days=rng.randint(0, 14))
            while day < self.today:
                reviewed = self.moment(min(day + dt.timedelta(days=rng.randint(1, 5)), self.today))
                logs.append(
                    HourLog(
                        id=self.ids.take(HourLog),
                        volunteer_id=v.pk,
                        activity=rng.choice(["帮教谈心", "公益劳动带队", "法治宣传", "技能辅导"]),
                        date=day,
                        hours=Decimal(rng.choice(["1.50", "2.00", "2.50", "3.00", "4.00"])),
                        status=HourLog.Status.APPROVED,
                        client_token=uuid.uuid4(),
                        reviewed_by_id=self.coordinators[i % len(self.coordinators)],
                        reviewed_at=reviewed,
                        created_at=self.moment(day),
                    )
                )
                day += dt.timedelta(days=rng.randint(5, 16))
        return len(users) + len(volunteers) + copy(HourLog, logs)

    def budget(self) -> int:
        rng = self.rng
        amounts = {
            BudgetCategory.PERSONNEL: 3_600_000,
            BudgetCategory.ADMINISTRATION: 900_000,
            BudgetCategory.CASEWORK: 1_500_000,
            BudgetCategory.EQUIPMENT: 600_000,
            BudgetCategory.PURCHASED_SERVICES: 1_200_000,
        }
        lines = BudgetLine.objects.bulk_create(
            BudgetLine(year=year, category=category, approved=Decimal(amount), recorded_by_id=self.admin)
            for year in (self.today.year - 1, self.today.year)
            for category, amount in amounts.items()
        )
        agency = self.providers["education_session"][0]
        service_line = next(
            line
            for line in lines
            if line.year == self.today.year and line.category == BudgetCategory.PURCHASED_SERVICES
        )
        contract = Contract.objects.create(
            organisation=agency,
            title="社区矫正社会工作服务项目",
            number=f"BENCH-{self.today.year}-01",
            starts_on=dt.date(self.today.year, 1, 1),
            ends_on=dt.date(self.today.year, 12, 31),
            amount=Decimal("800000"),
            budget_line=service_line,
            target_cases=1500,
            target_hours=12000,
            target_sessions=300,
            recorded_by_id=self.admin,
        )
        spending = []
        day = self.year_start
        by_year = {(line.year, line.category): line for line in lines}
        while day < self.today:
            for _k in range(rng.randint(0, 2)):
                category = pick(rng, amounts)
                line = by_year[(day.year, category)]
                amount = Decimal(amounts[category] / 320 * rng.uniform(0.3, 1.6)).quantize(Decimal("0.01"))
                void = rng.random() < 0.01
                spending.append(
                    Expenditure(
                        id=self.ids.take(Expenditure),
                        budget_line_id=line.pk,
                        spent_on=day,
                        amount=amount,
                        purpose=f"{line.get_category_display()}支出",
                        contract_id=contract.pk
                        if category == BudgetCategory.PURCHASED_SERVICES and day.year == contract.starts_on.year
                        else None,
                        recorded_by_id=self.admin,
                        created_at=self.moment(day),
                        voided_at=self.moment(day) + dt.timedelta(days=1) if void else None,
                        voided_by_id=self.admin if void else None,
                        void_reason="重复录入" if void else "",
                    )
                )
            day += dt.timedelta(days=1)
        return len(lines) + 1 + copy(Expenditure, spending)

    def load(self) -> None:
        with transaction.atomic():
            self.step("organisations, users, offerings", self.organisations)
            self.step("supervisees, sentences, teams", self.supervisees)
            self.step("status history", self.status_history)
            self.step("obligations and check-ins", self.check_ins)
            self.step("needs, consents, referrals, events", self.referrals)
            self.step("lost contact, movement, sanctions", self.supervision_records)
            self.step("education sessions and attendance", self.education)
            self.step("volunteers and hours", self.volunteers)
            self.step("budget lines, contract, spending", self.budget)
            move_sequences()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  {'VACUUM ANALYZE':<44} {'':>14}  {time.perf_counter() - started:6.1f} s")


COUNTED = [
    User, Organisation, Membership, ServiceOffering, Supervisee, Sentence, CorrectionTeamMember, StatusChange,
    Obligation, CheckIn, Need, Consent, Referral, ReferralEvent, LostContactEpisode, SanctionGround,
    MovementRequest, SanctionProposal, Session, Attendance, Volunteer, HourLog, BudgetLine, Contract, Expenditure,
]  # fmt: skip


def print_counts() -> None:
    print("Rows:")
    for model in COUNTED:
        print(f"  {model._meta.label:<36} {model.objects.count():>9,}")
    states = Counter(dict(Referral.objects.order_by().values_list("state").annotate(n=models.Count("pk"))))
    print("  referrals by state: " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))
    status = Counter(dict(Supervisee.objects.order_by().values_list("status").annotate(n=models.Count("pk"))))
    print("  supervisees by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(status.items())))
    overdue = Obligation.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).count()
    print(f"  open obligations past due: {overdue:,}")


def print_load() -> None:
    print("Load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}; CPUs: {}".format(*os.getloadavg(), os.cpu_count()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--check", action="store_true", help="only print the row counts")
    parser.add_argument("--supervisees", type=int, default=20_000)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on a scratch PostgreSQL database (DATABASE_URL=postgres://…), never SQLite.")
    state = database_state()
    if state == "foreign":
        sys.exit("This database holds data the bench did not write: use a new scratch database.")
    if args.check:
        if state in ("missing", "empty"):
            sys.exit("Nothing loaded in this database.")
        print_counts()
        print_load()
        return
    if args.reset:
        reset_database()
    elif state == "missing":
        sys.exit("No such database: create it (createdb) or add --reset.")
    elif state == "bench":
        sys.exit("This database already holds the bench city: add --reset to drop and load it again.")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {time.perf_counter() - started:.1f} s; loading (today is {timezone.localdate()}):")
    started = time.perf_counter()
    City(args.seed, args.supervisees, args.referrals).load()
    print(f"Loaded in {time.perf_counter() - started:.1f} s")
    print_counts()
    print_load()


if __name__ == "__main__":
    main()
