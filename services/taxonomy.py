"""The default service categories: the managed taxonomy every installation starts with.

Migration 0002 seeded the same list (frozen there, as migrations must be); the
demo loader calls ``ensure_default_categories`` so a wiped database recovers.
"""

from __future__ import annotations

import uuid

from services.models import ServiceCategory

# code, Chinese, English. The namespace makes the HSDS term ids identical on every installation.
DEFAULT_CATEGORIES = [
    ("job_placement", "就业安置", "Job placement"),
    ("job_guidance", "就业指导", "Job guidance"),
    ("vocational_training", "职业技能培训", "Vocational training"),
    ("minimum_living_allowance", "最低生活保障（低保）", "Minimum living allowance (dibao)"),
    ("temporary_assistance", "临时救助", "Temporary assistance"),
    ("responsibility_farmland", "责任田落实", "Responsibility farmland"),
    ("psychological_counselling", "心理咨询与矫正", "Psychological counselling"),
    ("legal_aid", "法律援助", "Legal aid"),
    ("schooling", "就学帮扶", "Schooling"),
    ("housing", "住房帮扶", "Housing"),
    ("medical_assistance", "医疗救助", "Medical assistance"),
    ("education_session", "教育学习", "Education sessions"),
    ("public_interest_labour", "公益劳动", "Public-interest labour placements"),
]
CATEGORY_NAMESPACE = uuid.UUID("5b0f6a52-3f59-4b59-9d53-0e8f3c1a2b00")


def category_uuid(code: str) -> uuid.UUID:
    return uuid.uuid5(CATEGORY_NAMESPACE, code)


def ensure_default_categories() -> None:
    """Create any missing default category; existing ones (maybe renamed by the bureau) are left alone."""
    for order, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        ServiceCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "sort_order": order * 10, "uuid": category_uuid(code)},
        )
