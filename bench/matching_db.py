"""End-to-end matching bench from the database: load rows, solve, write proposals.

Usage (on a SCRATCH database; it deletes its own previous rows, marked "BENCH-"):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cc_match SECRET_KEY=x \
    .venv/bin/python bench/matching_db.py [--needs 20000] [--offerings 2000] [--cities 1] [--province]
    [--reuse] [--mentors 5000] [--profile FILE]
Migrates, inserts a synthetic city (bench/matching_data.py) with bulk_create, then runs
``matching.actions.execute_run`` for the whole city and prints its wall time, this process's CPU
time and the PostgreSQL backend's CPU time, then the same steps phase by phase (load, build, solve,
explain, write) with wall and CPU time each. On a shared machine compare CPU times: wall time
grows with the load average, which is printed. ``--profile`` writes a cProfile (CPU time) of
``execute_run``; read it with ``python -m pstats FILE``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project root, not bench/ (whose matching.py would hide the package)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.matching_data import generate  # noqa: E402
from coordination.models import Need, Supervisee  # noqa: E402
from matching import actions, kinds, selectors  # noqa: E402
from matching.engine.explain import explain_assignment  # noqa: E402
from matching.engine.solver import Problem, assign_needs  # noqa: E402
from matching.models import MatchRun, Proposal  # noqa: E402
from services.models import Organisation, ServiceCategory, ServiceOffering, Township  # noqa: E402

MARK = "BENCH-"


def reset() -> None:
    from accounts.models import User

    User.objects.filter(username__startswith="bench-vol-").delete()  # cascades to their volunteer rows
    offices = Organisation.objects.filter(name__startswith=MARK)
    Supervisee.objects.filter(judicial_office__in=offices).delete()
    ServiceOffering.objects.filter(organisation__in=offices).delete()
    offices.delete()
    Township.objects.filter(code__startswith="bench-").delete()


@transaction.atomic
def load(n_needs: int, n_offerings: int, n_cities: int) -> None:
    shape = {"n_cities": n_cities, "townships_per_city": 20} if n_cities > 1 else {}
    inst = generate(n_needs=n_needs, n_offerings=n_offerings, n_categories=ServiceCategory.objects.count(), **shape)
    categories = list(ServiceCategory.objects.order_by("pk").values_list("pk", flat=True))
    towns = Township.objects.bulk_create(
        Township(code=f"bench-{k}", name=f"{MARK}镇{k}", latitude=lat, longitude=lon)
        for k, (lat, lon) in inst.townships.items()
    )
    town = dict(zip(inst.townships, towns, strict=True))
    office = Organisation.objects.create(
        name=f"{MARK}司法所", kind=Organisation.Kind.JUDICIAL_OFFICE, township=towns[0]
    )
    orgs = {}
    for row in inst.offerings:
        orgs.setdefault(row.organisation_id, town[row.township_id])
    org_objs = Organisation.objects.bulk_create(
        Organisation(name=f"{MARK}机构{k}", kind=Organisation.Kind.TRAINING_PROVIDER, township=t)
        for k, t in orgs.items()
    )
    org = dict(zip(orgs, org_objs, strict=True))
    offerings = ServiceOffering.objects.bulk_create(
        ServiceOffering(
            organisation=org[r.organisation_id],
            category_id=categories[(r.category_id - 1) % len(categories)],
            name=f"服务{r.id}",
            capacity=r.capacity,
            places_taken=r.capacity - r.vacancies,
            whole_city=r.service_township_ids is None,
            household_type=next(iter(r.household_types), ""),
            sex=next(iter(r.sexes), ""),
            min_age=r.min_age,
            max_age=r.max_age,
            accepts_minors=r.accepts_minors,
            sentence_types=sorted(r.sentence_types),
            risk_levels=sorted(r.risk_levels),
            income_limit=r.income_limit,
            languages=sorted(r.languages),
        )
        for r in inst.offerings
    )
    through = ServiceOffering.service_townships.through
    through.objects.bulk_create(
        through(serviceoffering_id=o.pk, township_id=town[t].pk)
        for o, r in zip(offerings, inst.offerings, strict=True)
        if r.service_township_ids is not None
        for t in r.service_township_ids
    )
    today = timezone.localdate()
    supervisees = Supervisee.objects.bulk_create(
        Supervisee(
            name=f"测试{r.id}",
            given_name=f"测{r.id}",
            sex=r.sex,
            date_of_birth=today - dt.timedelta(days=int(r.age * 365.25) + 10),
            resident_id_encrypted="bench",
            resident_id_hash=f"bench-{r.id}",
            case_number=f"bench-{r.id}",
            resident_id_masked="4101**********0000",
            household_type=r.household_type,
            township=town[r.township_id],
            judicial_office=office,
            sentence_type=r.sentence_type,
            offence_category="other",
            correction_start=today - dt.timedelta(days=30),
            correction_end=today + dt.timedelta(days=300),
            risk_level=r.risk_level,
            status=Supervisee.Status.UNDER_CORRECTION,
            is_minor=r.is_minor,
        )
        for r in inst.needs
    )
    needs = Need.objects.bulk_create(
        Need(supervisee=s, category_id=categories[(r.category_id - 1) % len(categories)], urgency=min(r.urgency + 1, 3))
        for s, r in zip(supervisees, inst.needs, strict=True)
    )
    now = timezone.now()
    for n, r in zip(needs, inst.needs, strict=True):
        n.opened_at = now - dt.timedelta(days=r.days_waiting)
    Need.objects.bulk_update(needs, ["opened_at"], batch_size=5000)


@transaction.atomic
def load_mentors(n_mentors: int, seed: int = 1) -> None:
    """Active volunteer mentors spread over the bench townships: sex, 1-3 places, languages, some cleared for minors."""
    import random

    from accounts.models import User
    from volunteers.models import Volunteer

    rng = random.Random(seed)
    towns = list(Township.objects.filter(code__startswith="bench-"))
    team = Organisation.objects.create(name=f"{MARK}志愿者协会", kind=Organisation.Kind.VOLUNTEER_TEAM)
    users = User.objects.bulk_create(User(username=f"bench-vol-{k}", is_active=True) for k in range(n_mentors))
    now = timezone.now()
    Volunteer.objects.bulk_create(
        Volunteer(
            user=u,
            organisation=team,
            status=Volunteer.Status.ACTIVE,
            full_name=f"志愿者{k}",
            phone=f"+8617{k:09d}",
            email=f"bench-vol-{k}@example.invalid",
            township=rng.choice(towns),
            consent_at=now,
            consent_version="bench",
            sex=rng.choice(("male", "female")),
            max_mentees=rng.randint(1, 3),
            cleared_for_minors=rng.random() < 0.3,
            language_codes=["zh"] + (["zh-x-henan"] if rng.random() < 0.3 else []),
        )
        for k, u in enumerate(users)
    )


def backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL server process (None if the server is not local)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mentor_bench() -> None:
    from matching.engine.solver import pair_mentors
    from matching.models import MentorProposal

    run = actions.start_run(actor=None, office=None, queue=False, kind=MatchRun.Kind.MENTORS)
    t0 = time.perf_counter()
    run = actions.execute_run(run_id=run.pk)
    t1 = time.perf_counter()
    mentees = selectors.mentee_rows(selectors.mentees_waiting())
    mentors = selectors.mentor_rows()
    towns = selectors.townships()
    t2 = time.perf_counter()
    assignment = pair_mentors(mentees, mentors, towns, selectors.current_policy()[1])
    t3 = time.perf_counter()
    print(
        f"| mentor pairing: load rows ({len(mentees):,} supervisees, {len(mentors):,} mentors; 3 queries) | {t2 - t1:.2f} |"
    )
    print(f"| mentor pairing: build + solve ({assignment.served:,} paired) | {t3 - t2:.2f} |")
    print(
        f"| mentor pairing end to end: execute_run (load, solve, explain, write "
        f"{MentorProposal.objects.filter(run=run).count():,} proposals) | {t1 - t0:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--offerings", type=int, default=2_000)
    parser.add_argument("--province", action="store_true", help="150,000 needs, 20,000 offerings, 10 cities")
    parser.add_argument("--cities", type=int, default=1, help="cities of 20 townships (1: one city of 30)")
    parser.add_argument("--reuse", action="store_true", help="keep the rows a previous run inserted")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of execute_run to FILE")
    parser.add_argument(
        "--mentors", type=int, default=0, help="also insert N volunteer mentors and time mentor pairing"
    )
    args = parser.parse_args()
    cities = args.cities
    if args.province:
        args.needs, args.offerings, cities = 150_000, 20_000, 10
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    if not args.reuse:
        reset()
        load(args.needs, args.offerings, cities)
        if args.mentors:
            load_mentors(args.mentors)
    print(f"database: {connection.vendor}; synthetic data ready in {time.perf_counter() - t:.1f} s")

    # end to end through the action first, in a fresh process (load + solve + explain + write + progress)
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    run = actions.start_run(actor=None, office=None, queue=False)
    db3 = backend_cpu()
    c3, t3 = time.process_time(), time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU time: wall time on a shared machine is noise
        run = profiler.runcall(actions.execute_run, run_id=run.pk)
        profiler.dump_stats(args.profile)
    else:
        run = actions.execute_run(run_id=run.pk)
    c4, t4 = time.process_time(), time.perf_counter()
    db4 = backend_cpu()
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # then phase by phase (the same steps execute_run takes; the write goes to a second run)
    phases = []

    def phase(label):
        phases.append((label, time.perf_counter(), time.process_time()))

    phase("start")
    needs = selectors.need_rows(selectors.open_needs())
    offerings = selectors.offering_rows()
    towns = selectors.townships()
    phase(f"load rows ({len(needs):,} needs, {len(offerings):,} offerings; 7 queries)")
    problem = Problem.build(needs, offerings, towns, selectors.current_policy()[1])
    phase(f"build: arrays + candidates + costs ({len(problem.ei):,} eligible edges)")
    assignment = assign_needs(problem)
    phase(f"solve: min-cost flow ({assignment.served:,} served)")
    explanations = explain_assignment(assignment)
    phase(f"explain ({len(explanations):,} proposals)")
    run2 = actions._claim(actions.start_run(actor=None, office=None, queue=False).pk)
    written = actions._write(run=run2, kind=kinds.REFERRALS, explanations=explanations)
    phase(f"write ({written:,} proposals, COPY)")
    MatchRun.objects.filter(pk=run2.pk).update(status=MatchRun.Status.DONE)
    print("| step | wall s | CPU s (this process) |")
    print("|---|---|---|")
    for (_l, w0, c0), (label, w1, c1) in zip(phases, phases[1:], strict=False):
        print(f"| {label} | {w1 - w0:.2f} | {c1 - c0:.2f} |")
    print(f"| (build detail: {', '.join(f'{k} {v:.2f}' for k, v in problem.timings.items())}) | | |")
    print(
        f"| end to end: execute_run (load, solve, explain, write {run.proposals_count:,} proposals) "
        f"| **{t4 - t3:.2f}** | {c4 - c3:.2f} |"
    )
    if db3 is not None and db4 is not None:
        print(f"PostgreSQL backend CPU during execute_run: {db4 - db3:.2f} s (its connection's server process)")
    print(
        f"objective: {assignment.served:,} served, priority {assignment.served_priority:,}, "
        f"cost {assignment.total_cost:,.1f}; run total cost {run.total_cost:,.1f}"
    )
    if args.mentors:
        mentor_bench()
    print(
        f"proposals in the database: {Proposal.objects.filter(run=run).count():,}; "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
