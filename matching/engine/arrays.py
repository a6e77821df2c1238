"""Columnar (NumPy) views of the rows and the candidate edges between them.

The rules and cost terms are written once, over arrays of edges, so that the
batch (millions of pairs) and the one-need suggestions (hundreds) share the
same code. A row becomes integers: choice fields are small codes, sets of
choices are bit masks (0 = no restriction), unknown numbers are -1 or NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.engine.rows import HOUSEHOLD_TYPES, RISK_LEVELS, SENTENCE_TYPES, SEXES, NeedRow, OfferingRow

SEX_CODE = {v: i for i, v in enumerate(SEXES)}
HOUSEHOLD_CODE = {v: i for i, v in enumerate(HOUSEHOLD_TYPES)}
SENTENCE_CODE = {v: i for i, v in enumerate(SENTENCE_TYPES)}
RISK_CODE = {v: i for i, v in enumerate(RISK_LEVELS)}
KEY_SHIFT = np.int64(1 << 32)
# Bit 0 of a language mask means "a language no offering lists"; 1..62 are real languages.
MAX_LANGUAGES = 62

Townships = Mapping[int, tuple[float | None, float | None]]


def mask(values: Iterable[str], codes: Mapping[str, int]) -> int:
    """Bit mask of the given choice values (unknown values are ignored)."""
    out = 0
    for value in values:
        if value in codes:
            out |= 1 << codes[value]
    return out


def _point(lat: float | None, lon: float | None, township_id: int | None, townships: Townships) -> tuple[float, float]:
    if lat is not None and lon is not None:
        return float(lat), float(lon)
    if township_id is not None:
        t_lat, t_lon = townships.get(township_id, (None, None))
        if t_lat is not None and t_lon is not None:
            return float(t_lat), float(t_lon)
    return float("nan"), float("nan")


class LanguageVocabulary:
    """Maps language codes to bits, fixed by the offerings so needs can be added later."""

    def __init__(self, languages: Iterable[str]):
        ordered = sorted(set(languages))
        self.bits = {lang: 1 + min(i, MAX_LANGUAGES - 1) for i, lang in enumerate(ordered)}

    def mask(self, languages: Iterable[str]) -> int:
        out = 0
        for lang in languages:
            out |= 1 << self.bits.get(lang, 0)
        return out


@dataclass
class OfferingArrays:
    rows: Sequence[OfferingRow]
    id: np.ndarray
    org: np.ndarray
    cat: np.ndarray
    vacancies: np.ndarray
    capacity: np.ndarray
    citywide: np.ndarray
    household_mask: np.ndarray
    sex_mask: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    accepts_minors: np.ndarray
    sentence_mask: np.ndarray
    risk_mask: np.ndarray
    income_limit: np.ndarray
    language_mask: np.ndarray
    township: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    # (category, township) keys of explicit service areas, sorted, with the offering index of each
    area_keys: np.ndarray
    area_offering: np.ndarray
    # offering keys (index << 32 | township) for membership tests
    area_membership: np.ndarray
    # city-wide offerings sorted by category
    citywide_cat: np.ndarray
    citywide_offering: np.ndarray
    # all offerings sorted by category (candidates when the service-area rule is off)
    by_cat: np.ndarray
    by_cat_offering: np.ndarray
    languages: LanguageVocabulary
    townships: Townships

    @classmethod
    def build(cls, rows: Sequence[OfferingRow], townships: Townships) -> OfferingArrays:
        n = len(rows)
        languages = LanguageVocabulary(lang for r in rows for lang in r.languages)
        points = [_point(r.latitude, r.longitude, r.township_id, townships) for r in rows]
        citywide = np.fromiter((r.service_township_ids is None for r in rows), bool, n)
        cat = np.fromiter((r.category_id for r in rows), np.int64, n)
        area_off: list[int] = []
        area_town: list[int] = []
        for i, r in enumerate(rows):
            if r.service_township_ids is not None:
                area_off.extend([i] * len(r.service_township_ids))
                area_town.extend(r.service_township_ids)
        a_off = np.asarray(area_off, np.int64)
        a_town = np.asarray(area_town, np.int64)
        keys = cat[a_off] * KEY_SHIFT + a_town
        order = np.argsort(keys, kind="stable")
        cw = np.flatnonzero(citywide)
        cw = cw[np.argsort(cat[cw], kind="stable")]
        by_cat_offering = np.argsort(cat, kind="stable")
        return cls(
            rows=rows,
            id=np.fromiter((r.id for r in rows), np.int64, n),
            org=np.fromiter((r.organisation_id for r in rows), np.int64, n),
            cat=cat,
            vacancies=np.fromiter((max(r.vacancies, 0) for r in rows), np.int64, n),
            capacity=np.fromiter((max(r.capacity, r.vacancies, 0) for r in rows), np.int64, n),
            citywide=citywide,
            household_mask=np.fromiter((mask(r.household_types, HOUSEHOLD_CODE) for r in rows), np.int64, n),
            sex_mask=np.fromiter((mask(r.sexes, SEX_CODE) for r in rows), np.int64, n),
            min_age=np.fromiter((-1 if r.min_age is None else r.min_age for r in rows), np.int64, n),
            max_age=np.fromiter((-1 if r.max_age is None else r.max_age for r in rows), np.int64, n),
            accepts_minors=np.fromiter((r.accepts_minors for r in rows), bool, n),
            sentence_mask=np.fromiter((mask(r.sentence_types, SENTENCE_CODE) for r in rows), np.int64, n),
            risk_mask=np.fromiter((mask(r.risk_levels, RISK_CODE) for r in rows), np.int64, n),
            income_limit=np.fromiter((-1 if r.income_limit is None else r.income_limit for r in rows), np.int64, n),
            language_mask=np.fromiter((languages.mask(r.languages) for r in rows), np.int64, n),
            township=np.fromiter((-1 if r.township_id is None else r.township_id for r in rows), np.int64, n),
            lat=np.fromiter((p[0] for p in points), float, n),
            lon=np.fromiter((p[1] for p in points), float, n),
            area_keys=keys[order],
            area_offering=a_off[order],
            area_membership=np.sort(a_off * KEY_SHIFT + a_town),
            citywide_cat=cat[cw],
            citywide_offering=cw,
            by_cat=cat[by_cat_offering],
            by_cat_offering=by_cat_offering,
            languages=languages,
            townships=townships,
        )

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class NeedArrays:
    rows: Sequence[NeedRow]
    id: np.ndarray
    cat: np.ndarray
    township: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    minor: np.ndarray
    household: np.ndarray
    sentence: np.ndarray
    risk: np.ndarray
    language_mask: np.ndarray
    urgency: np.ndarray
    days_waiting: np.ndarray
    income: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    # sorted keys need_index << 32 | offering_index of declined pairs; need_index << 32 | organisation id
    declined: np.ndarray
    continuity: np.ndarray

    @classmethod
    def build(cls, rows: Sequence[NeedRow], offerings: OfferingArrays) -> NeedArrays:
        n = len(rows)
        townships = offerings.townships
        points = [_point(r.latitude, r.longitude, r.township_id, townships) for r in rows]
        offering_index = {int(oid): i for i, oid in enumerate(offerings.id)}
        declined = [
            i * (1 << 32) + offering_index[o]
            for i, r in enumerate(rows)
            for o in r.declined_offering_ids
            if o in offering_index
        ]
        continuity = [i * (1 << 32) + org for i, r in enumerate(rows) for org in r.orgs_already_working_with]
        return cls(
            rows=rows,
            id=np.fromiter((r.id for r in rows), np.int64, n),
            cat=np.fromiter((r.category_id for r in rows), np.int64, n),
            township=np.fromiter((-1 if r.township_id is None else r.township_id for r in rows), np.int64, n),
            sex=np.fromiter((SEX_CODE.get(r.sex, -1) for r in rows), np.int64, n),
            age=np.fromiter((-1 if r.age is None else r.age for r in rows), np.int64, n),
            minor=np.fromiter((r.is_minor or (r.age is not None and r.age < 18) for r in rows), bool, n),
            household=np.fromiter((HOUSEHOLD_CODE.get(r.household_type, -1) for r in rows), np.int64, n),
            sentence=np.fromiter((SENTENCE_CODE.get(r.sentence_type, -1) for r in rows), np.int64, n),
            risk=np.fromiter((RISK_CODE.get(r.risk_level, -1) for r in rows), np.int64, n),
            language_mask=np.fromiter((offerings.languages.mask(r.languages) for r in rows), np.int64, n),
            urgency=np.fromiter((min(max(r.urgency, 0), 3) for r in rows), np.int64, n),
            days_waiting=np.fromiter((max(r.days_waiting, 0) for r in rows), np.int64, n),
            income=np.fromiter((-1 if r.monthly_income is None else r.monthly_income for r in rows), np.int64, n),
            lat=np.fromiter((p[0] for p in points), float, n),
            lon=np.fromiter((p[1] for p in points), float, n),
            declined=np.sort(np.asarray(declined, np.int64)),
            continuity=np.sort(np.asarray(continuity, np.int64)),
        )

    def __len__(self) -> int:
        return len(self.rows)


def expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every (s, c) without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(starts - (ends - counts), counts)
    return np.arange(total, dtype=np.int64) + offsets


def _join(need_keys: np.ndarray, sorted_keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.searchsorted(sorted_keys, need_keys, "left")
    counts = np.searchsorted(sorted_keys, need_keys, "right") - starts
    ei = np.repeat(np.arange(len(need_keys), dtype=np.int64), counts)
    ej = values[expand_ranges(starts, counts)]
    return ei, ej


def candidate_edges(
    needs: NeedArrays, offerings: OfferingArrays, *, by_area: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (need index, offering index) worth checking: same category and, if ``by_area``,
    an offering whose service area covers the need's township (or the whole city).

    The service area is thus enforced by construction; ``eligibility`` checks it
    again only when candidates were generated without it.
    """
    if not by_area:
        return _join(needs.cat, offerings.by_cat, offerings.by_cat_offering)
    keys = np.where(needs.township >= 0, needs.cat * KEY_SHIFT + needs.township, -1)
    ai, aj = _join(keys, offerings.area_keys, offerings.area_offering)
    ci, cj = _join(needs.cat, offerings.citywide_cat, offerings.citywide_offering)
    return np.concatenate([ai, ci]), np.concatenate([aj, cj])


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in kilometres (NaN where a point is unknown)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
