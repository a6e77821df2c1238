"""Demo of the bureau's own work: last month's joint meeting of the leadership group with three action items
(one done, one open, one past its date), an inspection of the demo office on the checklist in force with two
findings (one correction reported, one open), the budget of last year and this year in the five categories
(this year's approved total grows on last year's, Xinmi policy §二(五)) with some spending and one voided
expenditure, a purchased-service contract with the demo social-work agency for this year with payments
against it, and staff training of the demo staff this year and last year.

Everything is written through ``bureau.actions`` by the demo bureau administrator (the office head reports
the correction). Dates are relative to today and never in the future. Idempotent: each row is looked up by
its natural key first (meeting title and date, item task, office and date of the inspection, finding text,
year and category, line and purpose, contract number, trainee, course and year).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.demo_support import DemoContext
from accounts.models import User
from bureau import actions
from bureau.models import (
    ActionItem,
    BudgetCategory,
    BudgetLine,
    Contract,
    Department,
    Expenditure,
    Inspection,
    InspectionResult,
    Meeting,
    StaffTraining,
)
from services.models import Organisation

BUREAU_USER = "bureau"
OFFICE_HEAD_USER = "officehead"
DEMO_OFFICE = "青屏街道司法所"
AGENCY = "新密市启航社会工作服务中心"  # the demo's social-work agency (services/demo.py, coordination/demo.py)

C = BudgetCategory
# Last year's approved amounts (yuan); this year's grow by the rate beside them (the growth mechanism).
BUDGET = {
    C.PERSONNEL: (Decimal("1260000"), Decimal("0.06")),
    C.ADMINISTRATION: (Decimal("320000"), Decimal("0.05")),
    C.CASEWORK: (Decimal("450000"), Decimal("0.10")),
    C.EQUIPMENT: (Decimal("280000"), Decimal("-0.05")),  # one category may fall; the total still grows
    C.PURCHASED_SERVICES: (Decimal("520000"), Decimal("0.15")),
}

CHECKLIST = [
    "矫正档案（执行档案、工作档案）齐全规范",
    "入矫宣告、报到登记按时完成",
    "矫正方案制定及分类管理落实",
    "定期报告、走访及信息化核查落实",
    "集中教育学习和公益活动按时开展",
    "请假、外出审批及销假手续规范",
]


def _day(year: int, month: int, day: int, today: dt.date) -> dt.date:
    """The date, but never after today (early in the year this year's dates fall on today)."""
    return min(dt.date(year, month, day), today)


def _last_month(today: dt.date, day: int) -> dt.date:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=day)


def load(ctx: DemoContext) -> None:
    admin = User.objects.filter(username=BUREAU_USER).first()
    office = Organisation.objects.filter(name=DEMO_OFFICE, kind=Organisation.Kind.JUDICIAL_OFFICE).first()
    if admin is None or office is None:
        return
    today = timezone.localdate()
    meetings = _meeting(admin, office, today)
    findings = _inspection(ctx, admin, office, today)
    lines, spent = _budget(admin, today)
    contract, payments = _contract(admin, today)
    trainings = _training(admin, today)
    ctx.say(
        f"Bureau: {meetings} meeting items, {findings} findings, {lines} budget lines, {spent + payments} expenditures, "
        f"contract {contract.number if contract else '—'}, {trainings} training records created."
    )


# --- the joint meeting and its action items ------------------------------------------------------------------


def _meeting(admin: User, office: Organisation, today: dt.date) -> int:
    day = _last_month(today, 15)
    title = f"{day.year}年{day.month}月社区矫正工作领导小组联席会议"
    meeting = Meeting.objects.filter(title=title, held_at__date=day).first()
    if meeting is None:
        meeting = actions.record_meeting(
            actor=admin,
            title=title,
            held_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30))),
            place="新密市司法局三楼会议室",
            departments=[
                Department.JUSTICE,
                Department.COURT,
                Department.PROCURATORATE,
                Department.PUBLIC_SECURITY,
                Department.CIVIL_AFFAIRS,
                Department.HUMAN_RESOURCES,
                Department.FINANCE,
                Department.JUDICIAL_OFFICE,
            ],
            agenda="一、通报本季度社区矫正工作情况；二、研究脱管漏管防范和信息通报；三、研究社区矫正对象救助和就业帮扶。",
            minutes="会议由司法局局长主持，各成员单位汇报了本季度配合开展社区矫正工作的情况，"
            "对交付接收、信息通报和帮扶救助中存在的问题进行了讨论。",
            decisions="一、公安机关与司法局建立脱管漏管信息每月通报机制；二、民政部门将符合条件的社区矫正对象"
            "纳入临时救助；三、司法所开展一次集中教育学习。",
        )
    items = [
        # (task, department, organisation, due on, closed as done with this outcome)
        (
            "将符合条件的社区矫正对象纳入临时救助，并向司法局反馈名单",
            Department.CIVIL_AFFAIRS,
            None,
            day + dt.timedelta(days=12),
            "已将3名符合条件的社区矫正对象纳入临时救助，名单已反馈司法局。",
        ),
        (
            "组织辖区社区矫正对象开展一次集中教育学习（法治教育专题）",
            Department.JUDICIAL_OFFICE,
            office,
            today + dt.timedelta(days=20),
            None,
        ),
        (
            "建立社区矫正对象脱管漏管信息每月通报机制，报送首期通报",
            Department.PUBLIC_SECURITY,
            None,
            day + dt.timedelta(days=10),  # still open: past its date (the bureau chases it)
            None,
        ),
    ]
    created = 0
    for task, department, organisation, due_on, outcome in items:
        if meeting.items.filter(task=task).exists():
            continue
        item = actions.add_action_item(
            meeting=meeting,
            actor=admin,
            task=task,
            owner_department=department,
            owner_organisation=organisation,
            due_on=due_on,
        )
        if outcome:
            actions.close_action_item(item=item, actor=admin, status=ActionItem.Status.DONE, outcome=outcome)
        created += 1
    return created


# --- the inspection and its findings -------------------------------------------------------------------------


def _inspection(ctx: DemoContext, admin: User, office: Organisation, today: dt.date) -> int:
    checklist = actions.current_checklist()
    if checklist is None:
        checklist = actions.publish_checklist(actor=admin, title="司法所社区矫正工作督促检查清单", items=CHECKLIST)
    inspected_on = _last_month(today, 20)
    inspection = Inspection.objects.filter(office=office, inspected_on=inspected_on).first()
    if inspection is None:
        items = list(checklist.items.all())
        results = {item.pk: (InspectionResult.Result.PASS, "") for item in items}
        if len(items) >= 2:
            results[items[0].pk] = (InspectionResult.Result.FAIL, "2份执行档案缺少矫正宣告书回执")
            results[items[-1].pk] = (InspectionResult.Result.FAIL, "1名对象销假手续未及时办理")
        inspection = actions.record_inspection(
            actor=admin,
            office=office,
            inspected_on=inspected_on,
            inspectors=f"{ctx.faker.name()}、{ctx.faker.name()}（市司法局社区矫正管理局）",
            results=results,
            summary="总体工作规范，报到、宣告和教育学习按时开展；档案管理和请销假手续有待完善。",
            checklist=checklist,
        )
    head = User.objects.filter(username=OFFICE_HEAD_USER).first()
    findings = [
        # (text, correction due, corrected by the office head with this report)
        (
            "部分执行档案缺少矫正宣告书回执，档案不完整。",
            inspected_on + dt.timedelta(days=15),
            "已补齐2份执行档案的宣告书回执，并对全部档案进行了自查。",
        ),
        ("1名社区矫正对象请假期满后未及时办理销假手续。", today + dt.timedelta(days=10), None),
    ]
    created = 0
    for text, due, correction in findings:
        if inspection.findings.filter(text=text).exists():
            continue
        finding = actions.add_finding(inspection=inspection, actor=admin, text=text, correction_due=due)
        if correction and head is not None:
            actions.report_correction(finding=finding, actor=head, text=correction)
        created += 1
    return created


# --- budget lines and spending ------------------------------------------------------------------------------


def _approved(category: str, year: int, this_year: int) -> Decimal:
    base, growth = BUDGET[category]
    return base if year < this_year else (base * (1 + growth)).quantize(Decimal("1"))


def _line(admin: User, year: int, category: str, this_year: int) -> tuple[BudgetLine, bool]:
    line = BudgetLine.objects.filter(year=year, category=category).first()
    if line is not None:
        return line, False
    note = "年初预算" if year == this_year else "决算数"
    approved = _approved(category, year, this_year)
    return actions.record_budget_line(actor=admin, year=year, category=category, approved=approved, note=note), True


def _spend(admin: User, line: BudgetLine, spent_on: dt.date, amount: str, purpose: str, contract=None) -> bool:
    if line.expenditures.filter(purpose=purpose).exists():
        return False
    actions.record_expenditure(
        actor=admin, budget_line=line, spent_on=spent_on, amount=Decimal(amount), purpose=purpose, contract=contract
    )
    return True


def _budget(admin: User, today: dt.date) -> tuple[int, int]:
    year, last = today.year, today.year - 1
    lines = created = 0
    by_key: dict[tuple[int, str], BudgetLine] = {}
    for y in (last, year):
        for category in BUDGET:
            by_key[(y, category)], new = _line(admin, y, category, year)
            lines += new
    spending = [
        (last, C.PERSONNEL, dt.date(last, 12, 20), "1180000", "全年社区矫正专职工作人员工资及社保"),
        (last, C.ADMINISTRATION, dt.date(last, 11, 28), "296500", "全年司法所办公、水电及车辆运行费用"),
        (last, C.CASEWORK, dt.date(last, 10, 16), "402300", "全年调查评估、走访及集中教育学习费用"),
        (last, C.EQUIPMENT, dt.date(last, 6, 12), "265000", "电子定位终端及智慧矫正终端采购"),
        (year, C.PERSONNEL, _day(year, 6, 30, today), "640000", "上半年社区矫正专职工作人员工资及社保"),
        (year, C.ADMINISTRATION, _day(year, 4, 8, today), "58600", "一季度司法所办公用品及水电费"),
        (year, C.CASEWORK, _day(year, 5, 21, today), "36800", "集中教育学习场地租用及学习资料印制"),
        (year, C.CASEWORK, _day(year, 9, 3, today), "12450", "调查评估外出走访差旅费"),
        (year, C.EQUIPMENT, _day(year, 3, 15, today), "86000", "社区矫正宣告室音视频设备采购"),
    ]
    for y, category, day, amount, purpose in spending:
        created += _spend(admin, by_key[(y, category)], day, amount, purpose)
    # Recorded twice by mistake, then voided with the reason (it stays on record and no longer counts).
    double = "调查评估外出走访差旅费（重复录入）"
    created += _spend(admin, by_key[(year, C.CASEWORK)], _day(year, 9, 3, today), "12450", double)
    row = Expenditure.objects.filter(budget_line=by_key[(year, C.CASEWORK)], purpose=double).first()
    if row is not None and row.voided_at is None:
        actions.void_expenditure(expenditure=row, actor=admin, reason="与同日差旅费重复录入，以先录入的一笔为准。")
    return lines, created


# --- the purchased-service contract --------------------------------------------------------------------------


def _contract(admin: User, today: dt.date) -> tuple[Contract | None, int]:
    agency = Organisation.objects.filter(name=AGENCY, kind=Organisation.Kind.SOCIAL_WORK_AGENCY).first()
    if agency is None:
        return None, 0
    year = today.year
    line = BudgetLine.objects.filter(year=year, category=C.PURCHASED_SERVICES).first()
    number = f"XMSFJ-GMFW-{year}-01"
    contract = Contract.objects.filter(number=number).first()
    if contract is None:
        contract = actions.record_contract(
            actor=admin,
            organisation=agency,
            title=f"{year}年度社区矫正社会工作服务项目",
            number=number,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            amount=Decimal("480000"),
            budget_line=line,
            target_cases=60,
            target_hours=1200,
            target_sessions=24,
            note="服务内容：个案帮扶、集中教育学习、心理疏导及就业帮扶转介；按季度报送服务报告，分三期付款。",
        )
    paid = 0
    if line is not None:
        paid += _spend(admin, line, _day(year, 3, 10, today), "192000", f"{number} 第一期服务费（40%）", contract)
        paid += _spend(admin, line, _day(year, 7, 8, today), "144000", f"{number} 第二期服务费（30%）", contract)
    return contract, paid


# --- staff training ---------------------------------------------------------------------------------------------

# username, organisation the training counts for
TRAINEES = [
    ("bureau", "新密市司法局"),
    ("officer", DEMO_OFFICE),
    ("officehead", DEMO_OFFICE),
    ("socialworker", DEMO_OFFICE),
    ("agencyworker", AGENCY),
]
K = StaffTraining.Kind
# (years ago, month, day, course, provider, kind, hours)
COURSES = [
    (1, 10, 17, "《社区矫正法》及实施办法专题培训", "河南省司法厅", K.LEGAL_POLICY, "6"),
    (1, 5, 23, "社区矫正对象个案矫正实务", "郑州市司法局", K.CASEWORK, "4"),
    (0, 4, 18, "社区矫正对象心理危机识别与干预", "新密市阳光心理咨询中心", K.PSYCHOLOGY, "3.5"),
    (0, 9, 5, "智慧矫正平台操作与信息安全培训", "新密市司法局", K.SECURITY_IT, "3"),
]


def _training(admin: User, today: dt.date) -> int:
    created = 0
    for username, organisation_name in TRAINEES:
        trainee = User.objects.filter(username=username).first()
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if trainee is None or organisation is None:
            continue
        for k, (ago, month, day, course, provider, kind, hours) in enumerate(COURSES):
            year = today.year - ago
            if (username, k) in {("agencyworker", 0), ("bureau", 1)}:
                continue  # not everybody attended everything
            if StaffTraining.objects.filter(trainee=trainee, course=course, trained_on__year=year).exists():
                continue
            actions.record_training(
                actor=admin,
                trainee=trainee,
                organisation=organisation,
                course=course,
                provider=provider,
                kind=kind,
                trained_on=_day(year, month, day, today),
                hours=Decimal(hours),
            )
            created += 1
    return created
