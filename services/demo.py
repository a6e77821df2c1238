"""Demo directory: the city's townships, judicial offices and a few organisations of each kind."""

from __future__ import annotations

from accounts.demo_support import DemoContext
from services.models import Organisation, Township
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
]


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
                "address": f"新密市{townships[township_code].name if township_code else ''}{ctx.faker.street_address()}",
                "phone": ctx.faker.phone_number(),
            },
        )
    ctx.say(f"Directory: {len(townships)} townships, {Organisation.objects.count()} organisations.")
