"""Demo directory: the city's townships, judicial offices and a few organisations of each kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.demo_support import DemoContext
from services import actions
from services.models import (
    HouseholdType,
    Language,
    Location,
    Organisation,
    RiskLevel,
    SentenceType,
    ServiceCategory,
    ServiceOffering,
    Sex,
    Township,
)
from services.taxonomy import ensure_default_categories

Kind = Organisation.Kind

# Townships and subdistricts of 新密市 with an approximate centre point (public geography).
TOWNSHIPS = [
    ("qingping", "青屏街道", "Qingping Subdistrict", Township.Kind.SUBDISTRICT, 34.537, 113.383),
    ("xinhualu", "新华路街道", "Xinhualu Subdistrict", Township.Kind.SUBDISTRICT, 34.542, 113.371),
    ("xidajie", "西大街街道", "Xidajie Subdistrict", Township.Kind.SUBDISTRICT, 34.531, 113.362),
    ("chengguan", "城关镇", "Chengguan Town", Township.Kind.TOWN, 34.520, 113.400),
    ("micun", "米村镇", "Micun Town", Township.Kind.TOWN, 34.560, 113.275),
    ("niudian", "牛店镇", "Niudian Town", Township.Kind.TOWN, 34.470, 113.250),
    ("pingmo", "平陌镇", "Pingmo Town", Township.Kind.TOWN, 34.630, 113.310),
    ("chaohua", "超化镇", "Chaohua Town", Township.Kind.TOWN, 34.470, 113.450),
    ("goutang", "苟堂镇", "Goutang Town", Township.Kind.TOWN, 34.430, 113.530),
    ("dawei", "大隗镇", "Dawei Town", Township.Kind.TOWN, 34.410, 113.610),
    ("liuzhai", "刘寨镇", "Liuzhai Town", Township.Kind.TOWN, 34.430, 113.420),
    ("baizhai", "白寨镇", "Baizhai Town", Township.Kind.TOWN, 34.600, 113.500),
    ("yuecun", "岳村镇", "Yuecun Town", Township.Kind.TOWN, 34.580, 113.430),
    ("laiji", "来集镇", "Laiji Town", Township.Kind.TOWN, 34.500, 113.560),
    ("quliang", "曲梁镇", "Quliang Town", Township.Kind.TOWN, 34.480, 113.640),
    ("yuanzhuang", "袁庄乡", "Yuanzhuang Township", Township.Kind.TOWNSHIP, 34.620, 113.380),
]

BUREAU_NAME = "新密市司法局"

# (kind, Chinese name, English name, township code or None for city-wide)
ORGANISATIONS = [
    (Kind.TRAINING_PROVIDER, "新密市职业技能培训中心", "Xinmi Vocational Skills Training Centre", "qingping"),
    (Kind.TRAINING_PROVIDER, "新密市农业技术推广培训站", "Xinmi Agricultural Technology Training Station", "chengguan"),
    (Kind.EMPLOYER, "新密市惠民家政服务有限公司", "Xinmi Huimin Home Services Co.", "xinhualu"),
    (Kind.EMPLOYER, "新密市绿源农产品合作社", "Xinmi Lüyuan Farm Produce Cooperative", "micun"),
    (Kind.COUNSELLING_CENTRE, "新密市阳光心理咨询中心", "Xinmi Sunshine Counselling Centre", "qingping"),
    (Kind.WELFARE_OFFICE, "新密市社会救助服务中心", "Xinmi Social Assistance Service Centre", None),
    (Kind.VILLAGE_COMMITTEE, "米村镇米村村民委员会", "Micun Village Committee", "micun"),
    (Kind.VILLAGE_COMMITTEE, "超化镇超化村民委员会", "Chaohua Village Committee", "chaohua"),
    (Kind.SOCIAL_WORK_AGENCY, "新密市启航社会工作服务中心", "Xinmi Qihang Social Work Centre", "xidajie"),
    (Kind.VOLUNTEER_TEAM, "新密市社区矫正志愿者协会", "Xinmi Community Corrections Volunteers Association", None),
    # More providers, so the directory looks like a city's.
    (Kind.TRAINING_PROVIDER, "新密市技工学校", "Xinmi Technical School", "xinhualu"),
    (Kind.TRAINING_PROVIDER, "新密市电商创业孵化基地", "Xinmi E-commerce Start-up Incubator", "chengguan"),
    (Kind.TRAINING_PROVIDER, "超化镇成人文化技术学校", "Chaohua Adult Technical School", "chaohua"),
    (Kind.EMPLOYER, "新密市建安建筑劳务有限公司", "Xinmi Jian'an Construction Labour Co.", "liuzhai"),
    (Kind.EMPLOYER, "新密市耐火材料产业园", "Xinmi Refractory Materials Industrial Park", "quliang"),
    (Kind.EMPLOYER, "新密市便民物流配送中心", "Xinmi Community Logistics Centre", "qingping"),
    (Kind.EMPLOYER, "大隗镇金银花种植合作社", "Dawei Honeysuckle Growers' Cooperative", "dawei"),
    (Kind.COUNSELLING_CENTRE, "新密市心理健康服务中心", "Xinmi Mental Health Service Centre", "xidajie"),
    (Kind.WELFARE_OFFICE, "新密市医疗保障服务中心", "Xinmi Medical Security Service Centre", None),
    (Kind.WELFARE_OFFICE, "新密市住房保障服务中心", "Xinmi Housing Security Service Centre", None),
    (Kind.WELFARE_OFFICE, "新密市教育助学服务中心", "Xinmi Student Aid Service Centre", None),
    (Kind.WELFARE_OFFICE, "新密市公共就业服务中心", "Xinmi Public Employment Service Centre", None),
    (Kind.VILLAGE_COMMITTEE, "牛店镇牛店村民委员会", "Niudian Village Committee", "niudian"),
    (Kind.VILLAGE_COMMITTEE, "平陌镇平陌村民委员会", "Pingmo Village Committee", "pingmo"),
    (Kind.VILLAGE_COMMITTEE, "袁庄乡袁庄村民委员会", "Yuanzhuang Village Committee", "yuanzhuang"),
    (Kind.SOCIAL_WORK_AGENCY, "新密市同心社会工作服务社", "Xinmi Tongxin Social Work Service", "chengguan"),
    (Kind.SOCIAL_WORK_AGENCY, "新密市青少年社会工作服务中心", "Xinmi Youth Social Work Centre", "qingping"),
    (Kind.VOLUNTEER_TEAM, "新密市律师公益法律服务团", "Xinmi Lawyers' Pro Bono Legal Service Team", None),
]

S = SentenceType
R = RiskLevel
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
MORNING, AFTERNOON, DAY = (
    (dt.time(8, 30), dt.time(11, 30)),
    (dt.time(14, 30), dt.time(17, 30)),
    (dt.time(9), dt.time(17)),
)

# (category code, name, description, options) per organisation kind. Options fill eligibility,
# schedule and cost; anything left out keeps the model's default (no restriction, free).
OFFERINGS_BY_KIND: dict[str, list[tuple[str, str, str, dict]]] = {
    Kind.TRAINING_PROVIDER: [
        (
            "vocational_training",
            "电工职业技能培训",
            "为期两个月的低压电工实操培训，结业后可参加特种作业操作证考试，提高就业谋生能力。",
            {
                "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR",
                "hours": DAY,
                "min_age": 18,
                "max_age": 55,
                "risk": [R.LOW, R.MEDIUM],
            },
        ),
        (
            "vocational_training",
            "中式烹调师培训",
            "学习家常菜与面点制作，考核合格颁发专项职业能力证书，推荐到餐饮企业就业。",
            {"rrule": "FREQ=WEEKLY;BYDAY=TU,TH", "hours": AFTERNOON, "min_age": 16, "minors": True},
        ),
        (
            "vocational_training",
            "电子商务与直播带货培训",
            "农产品网店开设、短视频拍摄和直播带货实训，帮助返乡人员创业增收。",
            {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "hours": DAY, "household": HouseholdType.RURAL},
        ),
        (
            "job_guidance",
            "就业指导与求职技能讲座",
            "简历制作、面试技巧与劳动合同常识讲解，一对一职业规划咨询。",
            {"rrule": "FREQ=MONTHLY;BYDAY=1TU", "hours": MORNING},
        ),
    ],
    Kind.EMPLOYER: [
        (
            "job_placement",
            "过渡性就业岗位",
            "提供包装、搬运、保洁等过渡性岗位，按月发放工资，缴纳工伤保险。",
            {
                "rrule": WEEKDAYS,
                "hours": DAY,
                "min_age": 18,
                "max_age": 60,
                "risk": [R.LOW, R.MEDIUM],
                "free": False,
                "cost": "不收取任何费用，按劳取酬",
            },
        ),
        (
            "job_placement",
            "学徒制岗位",
            "师傅带徒三个月，期满考核合格转为正式员工，提供集体宿舍。",
            {"rrule": WEEKDAYS, "hours": DAY, "min_age": 18, "max_age": 45, "sex": Sex.MALE, "risk": [R.LOW]},
        ),
        (
            "job_guidance",
            "企业开放日与岗位推介",
            "每月一次企业开放日，介绍在招岗位、薪资待遇和录用条件。",
            {"rrule": "FREQ=MONTHLY;BYMONTHDAY=15", "hours": AFTERNOON},
        ),
    ],
    Kind.COUNSELLING_CENTRE: [
        (
            "psychological_counselling",
            "个体心理咨询",
            "由国家二级心理咨询师提供一对一心理评估与咨询，帮助缓解焦虑、抑郁等情绪困扰，严格保密。",
            {"rrule": "FREQ=WEEKLY;BYDAY=TU,TH,SA", "hours": DAY, "minors": True},
        ),
        (
            "psychological_counselling",
            "家庭关系辅导",
            "面向社区矫正对象及其家属的家庭治疗，修复家庭关系，增强家庭支持。",
            {"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": MORNING, "minors": True},
        ),
        (
            "education_session",
            "情绪管理团体辅导",
            "八次团体辅导课程，学习情绪识别、冲动控制与压力应对方法。",
            {"rrule": "FREQ=WEEKLY;BYDAY=WE;COUNT=8", "hours": AFTERNOON},
        ),
    ],
    Kind.WELFARE_OFFICE: [
        (
            "minimum_living_allowance",
            "城乡最低生活保障申请",
            "家庭人均收入低于当地低保标准的，可申请最低生活保障，按月发放低保金。",
            {"rrule": WEEKDAYS, "hours": DAY, "income": Decimal("660.00")},
        ),
        (
            "temporary_assistance",
            "临时救助",
            "因突发事件、意外伤害、重大疾病等导致基本生活暂时出现严重困难的家庭，可申请临时救助金或实物救助。",
            {"rrule": WEEKDAYS, "hours": DAY, "income": Decimal("1320.00")},
        ),
        (
            "medical_assistance",
            "医疗救助",
            "对低保对象、特困人员等困难群众参加基本医疗保险的个人缴费给予资助，住院费用按比例救助。",
            {"rrule": WEEKDAYS, "hours": DAY, "income": Decimal("990.00")},
        ),
        (
            "housing",
            "公租房与住房救助",
            "符合条件的住房困难家庭可申请公共租赁住房或租赁补贴。",
            {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "hours": MORNING, "household": HouseholdType.URBAN},
        ),
        (
            "schooling",
            "困难家庭子女助学",
            "为社区矫正对象未成年子女提供助学金、学费减免和课业辅导对接。",
            {"rrule": "FREQ=WEEKLY;BYDAY=TU", "hours": AFTERNOON, "minors": True, "max_age": 25},
        ),
    ],
    Kind.VILLAGE_COMMITTEE: [
        (
            "responsibility_farmland",
            "责任田落实与土地承包协调",
            "协助回村人员落实承包地，调解土地承包纠纷，提供种植技术对接。",
            {"rrule": "FREQ=WEEKLY;BYDAY=MO,TH", "hours": MORNING, "household": HouseholdType.RURAL, "local": True},
        ),
        (
            "public_interest_labour",
            "村级公益劳动",
            "参加村内环境整治、敬老院服务等公益活动，培养社会责任感。",
            {"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": MORNING, "local": True, "min_age": 16, "minors": True},
        ),
        (
            "job_placement",
            "村集体公益性岗位",
            "护林员、保洁员、水管员等村集体公益性岗位，就近就业。",
            {"rrule": WEEKDAYS, "hours": MORNING, "household": HouseholdType.RURAL, "local": True, "risk": [R.LOW]},
        ),
        (
            "housing",
            "危房改造申请协助",
            "协助符合条件的农村困难家庭申请危房改造补助。",
            {
                "rrule": "FREQ=MONTHLY;BYMONTHDAY=1,15",
                "hours": MORNING,
                "household": HouseholdType.RURAL,
                "local": True,
            },
        ),
    ],
    Kind.SOCIAL_WORK_AGENCY: [
        (
            "psychological_counselling",
            "社工个案辅导",
            "专业社工一对一个案管理，链接就业、救助、心理等资源，帮助顺利融入社会。",
            {"rrule": WEEKDAYS, "hours": DAY, "minors": True},
        ),
        (
            "schooling",
            "复学与继续教育支持",
            "为未完成学业的青少年社区矫正对象提供复学申请、成人学历教育报名指导。",
            {"rrule": "FREQ=WEEKLY;BYDAY=WE", "hours": AFTERNOON, "minors": True, "min_age": 14, "max_age": 25},
        ),
        (
            "job_guidance",
            "就业能力提升小组",
            "六次小组活动，内容包括职业兴趣探索、沟通技巧和职场规则。",
            {"rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=6", "hours": AFTERNOON},
        ),
        (
            "education_session",
            "法治与道德教育讲座",
            "每月一次集中教育，讲解宪法、刑法与社区矫正法，增强法治观念。",
            {"rrule": "FREQ=MONTHLY;BYDAY=2SA", "hours": MORNING, "minors": True},
        ),
    ],
    Kind.VOLUNTEER_TEAM: [
        (
            "public_interest_labour",
            "城市公益服务活动",
            "在志愿者带领下参加交通劝导、图书馆整理、社区环境美化等公益劳动。",
            {"rrule": "FREQ=WEEKLY;BYDAY=SU", "hours": MORNING, "min_age": 16, "minors": True},
        ),
        (
            "legal_aid",
            "公益法律咨询",
            "律师志愿者解答劳动争议、婚姻家庭、债务纠纷等法律问题，符合条件的可申请法律援助。",
            {"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": MORNING, "minors": True},
        ),
    ],
    Kind.JUDICIAL_OFFICE: [
        (
            "legal_aid",
            "法律援助与法律咨询",
            "司法所法律援助工作站受理法律援助申请，提供法律咨询和代写法律文书服务。",
            {"rrule": WEEKDAYS, "hours": DAY, "minors": True, "local": True},
        ),
        (
            "education_session",
            "集中教育学习",
            "每月组织社区矫正对象集中学习，内容包括法律法规、时事政策和心理健康知识。",
            {
                "rrule": "FREQ=MONTHLY;BYDAY=1MO",
                "hours": MORNING,
                "minors": True,
                "local": True,
                "sentences": [S.SURVEILLANCE, S.PROBATION, S.PAROLE, S.TEMPORARY_EXECUTION],
            },
        ),
        (
            "public_interest_labour",
            "社区公益活动",
            "在社区、敬老院等场所参加公益活动，每月不少于八小时。",
            {
                "rrule": "FREQ=WEEKLY;BYDAY=SA",
                "hours": MORNING,
                "local": True,
                "sentences": [S.SURVEILLANCE, S.PROBATION, S.PAROLE],
            },
        ),
    ],
}

CONTACT_TITLES = ["老师", "主任", "社工", "经理"]


def load(ctx: DemoContext) -> None:
    ensure_default_categories()
    townships = {}
    for code, name, name_en, kind, lat, lon in TOWNSHIPS:
        townships[code], _ = Township.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "latitude": lat, "longitude": lon}
        )
    bureau, _ = Organisation.objects.update_or_create(
        name=BUREAU_NAME,
        defaults={
            "name_en": "Xinmi Justice Bureau",
            "kind": Kind.JUSTICE_BUREAU,
            "township": None,
            "description": "市司法行政部门，牵头组织全市社区矫正工作。",
            "phone": "0371-00000000",
        },
    )
    for town in townships.values():
        Organisation.objects.update_or_create(
            name=f"{town.name}司法所",
            defaults={
                "name_en": f"{town.name_en} Judicial Office",
                "kind": Kind.JUDICIAL_OFFICE,
                "township": town,
                "parent": bureau,
                "description": "具体实施社区矫正工作，负责本辖区社区矫正对象的接收、管理和帮扶。",
                "address": f"新密市{town.name}",
            },
        )
    for kind, name, name_en, township_code in ORGANISATIONS:
        Organisation.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "township": townships.get(township_code) if township_code else None,
                "address": demo_address(ctx, townships[township_code].name if township_code else ""),
                "phone": ctx.faker.phone_number(),
            },
        )
    offerings = _load_offerings(ctx, townships)
    ctx.say(
        f"Directory: {len(townships)} townships, {Organisation.objects.count()} organisations, "
        f"{offerings} offerings in {ServiceOffering.objects.values('category').distinct().count()} categories."
    )


# Welfare offices each run what their own remit covers (a city's housing centre does not take
# minimum-allowance applications); an office not listed runs every welfare offering.
WELFARE_REMIT = {
    "新密市医疗保障服务中心": {"medical_assistance"},
    "新密市住房保障服务中心": {"housing"},
    "新密市教育助学服务中心": {"schooling"},
    "新密市公共就业服务中心": set(),
}
EXTRA_OFFERINGS: dict[str, list[tuple[str, str, str, dict]]] = {
    "新密市公共就业服务中心": [
        (
            "job_placement",
            "求职登记与职业介绍",
            "免费办理求职登记，推荐岗位，提供就业失业登记和职业介绍服务。",
            {"rrule": WEEKDAYS, "hours": DAY},
        ),
        (
            "job_guidance",
            "就业创业政策咨询",
            "讲解就业补贴、创业担保贷款等政策，协助办理相关申请。",
            {"rrule": WEEKDAYS, "hours": DAY},
        ),
    ],
}
ROADS = ["青屏大街", "开阳路", "嵩山大道", "金凤路", "溱水路", "长乐路", "西大街", "东大街", "平安路", "新华路"]


def _offerings_of(org: Organisation) -> list[tuple[str, str, str, dict]]:
    offerings = OFFERINGS_BY_KIND[org.kind]
    remit = WELFARE_REMIT.get(org.name)
    if remit is not None:
        offerings = [o for o in offerings if o[0] in remit]
    return offerings + EXTRA_OFFERINGS.get(org.name, [])


def demo_address(ctx: DemoContext, township_name: str) -> str:
    """A plausible street address in the city: township, road and house number."""
    return f"新密市{township_name}{ctx.rng.choice(ROADS)}{ctx.rng.randint(1, 299)}号"


def _load_offerings(ctx: DemoContext, townships: dict[str, Township]) -> int:
    """Offerings for every provider, with a location, schedule, eligibility and capacity each."""
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    city_centre = townships["qingping"]
    total = 0
    providers = Organisation.objects.filter(kind__in=OFFERINGS_BY_KIND).select_related("township").order_by("pk")
    for org in providers:
        town = org.township or city_centre
        location, _ = Location.objects.update_or_create(
            organisation=org,
            name=f"{org.name}服务点",
            defaults={
                "address": org.address or f"新密市{town.name}",
                "township": town,
                "latitude": town.latitude,
                "longitude": town.longitude,
                "transportation": ctx.rng.choice(["乘1路公交车可到", "乘3路公交车可到", "城乡公交可到", "步行可到"]),
            },
        )
        for code, name, description, options in _offerings_of(org):
            capacity = ctx.rng.choice([5, 8, 10, 12, 15, 20, 30, 50])
            contact = ctx.faker.last_name() + ctx.rng.choice(CONTACT_TITLES)
            offering = ServiceOffering.objects.filter(organisation=org, name=name).first() or ServiceOffering(
                organisation=org, name=name
            )
            opens, closes = options.get("hours", (None, None))
            local = options.get("local", False) and org.township_id
            offering.category = categories[code]
            offering.description = description
            offering.schedule_rrule = options.get("rrule", "")
            offering.opens_at, offering.closes_at = opens, closes
            offering.schedule_description = "法定节假日除外"
            offering.household_type = options.get("household", "")
            offering.whole_city = not local
            offering.sex = options.get("sex", "")
            offering.min_age = options.get("min_age")
            offering.max_age = options.get("max_age")
            offering.accepts_minors = options.get("minors", False)
            offering.sentence_types = [str(v) for v in options.get("sentences", [])]
            offering.risk_levels = [str(v) for v in options.get("risk", [])]
            offering.income_limit = options.get("income")
            offering.languages = [Language.MANDARIN, Language.HENAN_DIALECT]
            offering.is_free = options.get("free", True)
            offering.cost_description = options.get("cost", "")
            offering.eligibility_description = "本市社区矫正对象及其家庭成员，由司法所转介或本人申请。"
            offering.application_process = "携带身份证到服务点登记，或由所在司法所发起转介。"
            offering.contact_name = contact
            offering.contact_phone = org.phone or "0371-69820000"
            offering.is_active = True
            # Capacity is only set when the offering is new: later runs keep what providers published.
            actions.save_offering(
                offering=offering,
                capacity=capacity if offering.pk is None else offering.capacity,
                user=None,
                service_townships=[org.township] if local else [],
                locations=[location],
                note="demo",
            )
            total += 1
    return total
