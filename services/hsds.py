"""Open Referral HSDS 3.0 documents for the public directory.

Ids are the stable public UUIDs of organisations, offerings, locations, service-at-location
links and categories. Parts that have no row of their own (an offering's schedule, contact,
phone, languages, cost, service areas, category attribute) get ids derived with uuid5 from
their offering's id, so they stay the same across edits and re-exports.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from services import schedule
from services.models import Language, Location, Organisation, ServiceAtLocation, ServiceCategory, ServiceOffering

HSDS_VERSION = "3.0"
TAXONOMY_ID = uuid.UUID("8a1b6d0e-6a37-5d3a-9f1e-2d0c5b7c4e11")
TAXONOMY_NAME = "社区矫正帮扶服务分类"
CITY = "新密市"
PROVINCE = "河南省"
POSTAL_CODE = "452370"
COUNTRY = "CN"
UTC_OFFSET_HOURS = 8
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500

Document = dict[str, Any]


def _sub_id(parent: uuid.UUID, part: str) -> str:
    return str(uuid.uuid5(parent, part))


def _clean(document: Document) -> Document:
    """HSDS types are strict (a string is never null): leave out what we do not have."""
    return {key: value for key, value in document.items() if value not in (None, "", [])}


def taxonomy() -> Document:
    return {
        "id": str(TAXONOMY_ID),
        "name": TAXONOMY_NAME,
        "description": "社区矫正对象及其家庭可获得的帮扶服务类别（就业、培训、救助、心理、法律等）。",
        "version": "1",
    }


def taxonomy_term(category: ServiceCategory) -> Document:
    return _clean(
        {
            "id": str(category.uuid),
            "code": category.code,
            "name": category.name,
            "description": category.description or category.name_en or category.name,
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": str(TAXONOMY_ID),
            "language": "zh",
        }
    )


def organization(org: Organisation) -> Document:
    """The one-to-one fields of an organisation (HSDS organization_list)."""
    return _clean(
        {
            "id": str(org.uuid),
            "name": org.name,
            "alternate_name": org.name_en,
            "description": org.description or org.name,
            "email": org.email,
            "website": org.website,
            "parent_organization_id": str(org.parent.uuid) if org.parent_id else None,
        }
    )


def organization_full(org: Organisation, locations: Iterable[Location] = ()) -> Document:
    document = organization(org)
    if org.phone:
        document["phones"] = [{"id": _sub_id(org.uuid, "phone"), "organization_id": str(org.uuid), "number": org.phone}]
    document["locations"] = [location(loc) for loc in locations]
    return _clean(document)


def location(loc: Location) -> Document:
    return _clean(
        {
            "id": str(loc.uuid),
            "location_type": "physical",
            "organization_id": str(loc.organisation.uuid) if loc.organisation_id else None,
            "name": loc.name,
            "transportation": loc.transportation,
            "latitude": float(loc.latitude) if loc.latitude is not None else None,
            "longitude": float(loc.longitude) if loc.longitude is not None else None,
            "addresses": [
                {
                    "id": _sub_id(loc.uuid, "address"),
                    "location_id": str(loc.uuid),
                    "address_1": loc.address,
                    "address_2": loc.township.name,
                    "city": CITY,
                    "state_province": PROVINCE,
                    "postal_code": POSTAL_CODE,
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            ],
        }
    )


def service(offering: ServiceOffering) -> Document:
    """The one-to-one fields of an offering (HSDS service_list), with its organisation."""
    fees = offering.cost_description or ("免费" if offering.is_free else "")
    return _clean(
        {
            "id": str(offering.uuid),
            "organization_id": str(offering.organisation.uuid),
            "name": offering.name,
            "description": offering.description,
            "email": offering.contact_email,
            "status": "active" if offering.is_active and offering.organisation.is_active else "inactive",
            "application_process": offering.application_process,
            "fees_description": fees,
            "eligibility_description": offering.eligibility_description,
            "minimum_age": offering.min_age,
            "maximum_age": offering.max_age,
            "last_modified": offering.updated_at.isoformat() if offering.updated_at else None,
            "organization": organization(offering.organisation),
        }
    )


def _schedule(offering: ServiceOffering, **links: str) -> Document | None:
    rule = offering.schedule_rrule.strip()
    if not (rule or offering.opens_at or offering.schedule_description):
        return None
    parts = schedule.rule_parts(rule) if rule else {}
    with translation.override(settings.LANGUAGE_CODE):
        words = schedule.describe_rule(rule)
    description = "；".join(p for p in (words, offering.schedule_description) if p)
    dtstart = next(
        (line.split(":", 1)[1].strip() for line in rule.splitlines() if line.upper().startswith("DTSTART")), None
    )

    def number(key: str) -> int | None:
        value = parts.get(key, "")
        return int(value) if value.isdigit() else None

    return _clean(
        {
            "id": _sub_id(offering.uuid, "schedule"),
            **links,
            "freq": parts.get("FREQ") if parts.get("FREQ") in ("WEEKLY", "MONTHLY") else None,
            "interval": number("INTERVAL"),
            "byday": parts.get("BYDAY"),
            "bymonthday": parts.get("BYMONTHDAY"),
            "byweekno": parts.get("BYWEEKNO"),
            "byyearday": parts.get("BYYEARDAY"),
            "count": number("COUNT"),
            "until": parts.get("UNTIL"),
            "wkst": parts.get("WKST") if parts.get("WKST") in schedule.DAY_CODES else None,
            "dtstart": dtstart,
            "timezone": UTC_OFFSET_HOURS,
            "opens_at": offering.opens_at.strftime("%H:%M") if offering.opens_at else None,
            "closes_at": offering.closes_at.strftime("%H:%M") if offering.closes_at else None,
            "description": description,
            "notes": rule.replace("\n", " ") if rule else None,
            "attending_type": "in_person",
        }
    )


def _contacts(offering: ServiceOffering) -> list[Document]:
    if not (offering.contact_name or offering.contact_phone or offering.contact_email):
        return []
    contact_id = _sub_id(offering.uuid, "contact")
    phones = (
        [{"id": _sub_id(offering.uuid, "contact-phone"), "contact_id": contact_id, "number": offering.contact_phone}]
        if offering.contact_phone
        else []
    )
    return [
        _clean(
            {
                "id": contact_id,
                "service_id": str(offering.uuid),
                "name": offering.contact_name,
                "email": offering.contact_email,
                "phones": phones,
            }
        )
    ]


def service_at_location(link: ServiceAtLocation, *, with_service: bool = False) -> Document:
    document: Document = {
        "id": str(link.uuid),
        "service_id": str(link.offering.uuid),
        "location_id": str(link.location.uuid),
        "location": location(link.location),
    }
    if with_service:
        document["service"] = service(link.offering)
    return document


def service_full(offering: ServiceOffering) -> Document:
    """An offering with everything HSDS can carry (compiled service.json).

    Needs the prefetches of ``selectors.with_offering_details``.
    """
    document = service(offering)
    service_id = str(offering.uuid)
    labels = dict(Language.choices)
    with translation.override("en"):
        language_names = {code: str(labels.get(code, code)) for code in offering.languages}
    phone = offering.contact_phone or offering.organisation.phone
    areas = (
        [{"id": _sub_id(offering.uuid, "area:city"), "service_id": service_id, "name": CITY, "extent_type": "city"}]
        if offering.whole_city
        else [
            {
                "id": _sub_id(offering.uuid, f"area:{township.code}"),
                "service_id": service_id,
                "name": township.name,
                "description": township.name_en,
                "extent_type": "township",
            }
            for township in offering.service_townships.all()
        ]
    )
    cost = {
        "id": _sub_id(offering.uuid, "cost"),
        "service_id": service_id,
        "option": offering.cost_description or ("免费" if offering.is_free else "收费"),
        "currency": "CNY",
        "amount": 0 if offering.is_free else None,
    }
    category = offering.category
    schedule_document = _schedule(offering, service_id=service_id)
    document.update(
        {
            "phones": [{"id": _sub_id(offering.uuid, "phone"), "service_id": service_id, "number": phone}]
            if phone
            else [],
            "schedules": [schedule_document] if schedule_document else [],
            "service_areas": [_clean(area) for area in areas],
            "service_at_locations": [service_at_location(link) for link in offering.at_locations.all()],
            "languages": [
                {
                    "id": _sub_id(offering.uuid, f"language:{code}"),
                    "service_id": service_id,
                    "code": code,
                    "name": language_names[code],
                }
                for code in offering.languages
            ],
            "cost_options": [_clean(cost)],
            "contacts": _contacts(offering),
            "attributes": [
                {
                    "id": _sub_id(offering.uuid, f"attribute:{category.uuid}"),
                    "link_id": service_id,
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": str(category.uuid),
                    "taxonomy_term": taxonomy_term(category),
                }
            ],
        }
    )
    return _clean(document)


def page(queryset: QuerySet, *, page_number: int, per_page: int, render: Callable[[Any], Document]) -> Document:
    """The HSDS paging shape (openapi.json components/schemas/Page) around ``contents``.

    Costs one count query and one query for the page (plus the queryset's prefetches).
    """
    total = queryset.count()
    total_pages = max(math.ceil(total / per_page), 1)
    page_number = min(max(page_number, 1), total_pages)
    start = (page_number - 1) * per_page
    contents = [render(item) for item in queryset[start : start + per_page]] if total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number == total_pages,
        "empty": total == 0,
        "contents": contents,
    }
