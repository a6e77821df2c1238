"""The data of the lifecycle documents issued through the document service (records): the release
certificate (解除社区矫正证明书), the termination notice (终止社区矫正通知书), the intake announcement
(社区矫正宣告书) and the correction plan (社区矫正方案). The text is the template's (records' admin); these
functions only gather what it fills in, in Chinese."""

from __future__ import annotations

from django.utils import timezone

from coordination.models import Supervisee
from supervision.models import Announcement, CorrectionPlan, Sentence, StatusChange


def day(value) -> str:
    """A date as printed on a document (2026年03月01日), or a dash."""
    return f"{value:%Y年%m月%d日}" if value else "—"


def person(supervisee: Supervisee) -> dict[str, str]:
    """Who the document is about, as every document prints it (the resident id masked)."""
    return {
        "name": supervisee.name,
        "sex": supervisee.get_sex_display(),
        "birth_date": day(supervisee.date_of_birth),
        "resident_id": supervisee.resident_id_masked,
        "sentence_type": supervisee.get_sentence_type_display(),
        "correction_start": day(supervisee.correction_start),
        "correction_end": day(supervisee.correction_end),
    }


def _sentence(sentence: Sentence | None) -> dict[str, str]:
    known = sentence is not None and not sentence.derived
    return {
        "organ": sentence.organ_name if known else "—",
        "case_number": (sentence.case_number or "—") if known else "—",
    }


def release_data(change: StatusChange, sentence: Sentence | None) -> dict[str, str]:
    return {**person(change.supervisee), **_sentence(sentence), "released_on": day(change.occurred_on)}


def termination_data(change: StatusChange) -> dict[str, str]:
    return {
        **person(change.supervisee),
        "ground": change.get_ground_display(),
        "terminated_on": day(change.occurred_on),
        "note": change.note or "—",
    }


def announcement_data(announcement: Announcement, sentence: Sentence | None) -> dict[str, str]:
    return {
        **person(announcement.supervisee),
        **_sentence(sentence),
        "held_on": day(announcement.held_on),
        "place": announcement.place,
        "publicity": ("公开宣告" if announcement.is_public else "不公开宣告")
        + ("，监护人到场" if announcement.guardian_present else ""),
        "attendees": announcement.attendees,
        "items": announcement.items,
    }


def plan_data(plan: CorrectionPlan) -> dict[str, str]:
    team = "、".join(f"{m.name}（{m.get_role_display()}）" for m in plan.team.all())
    return {
        **person(plan.supervisee),
        "version": str(plan.version),
        "written_on": day(timezone.localtime(plan.created_at)),
        "written_by": plan.created_by.get_full_name() or plan.created_by.get_username(),
        "supervision_level": plan.get_supervision_level_display(),
        "classification_reasons": plan.classification_reasons,
        "reporting_mode": plan.get_reporting_mode_display(),
        "reporting_interval_days": str(plan.reporting_interval_days),
        "education_goals": plan.education_goals or "—",
        "help_goals": plan.help_goals or "—",
        "team": team or "—",
        "next_review_on": day(plan.next_review_on),
        "change_note": plan.change_note or "—",
    }


def lost_contact_data(episode) -> dict[str, str]:
    """The 失去联系通知书 to public security and the procuratorate: since when, the last contact, the search so far."""
    steps = "；".join(
        f"{timezone.localtime(step.taken_at):%m月%d日 %H:%M} {step.get_kind_display()}：{step.result}"
        for step in episode.steps.all()
    )
    last = episode.last_contact_at
    return {
        **person(episode.supervisee),
        "lost_since": day(episode.lost_since),
        "last_contact": f"{timezone.localtime(last):%Y年%m月%d日 %H:%M}" if last else "—",
        "steps": steps or "—",
        "note": episode.note or "—",
    }
