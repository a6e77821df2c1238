"""Volunteers' messages go through notify() with the person (review finding): a volunteer or coordinator with an
account gets an inbox row plus their channels; only someone whose login is switched off gets a bare address."""

from __future__ import annotations

from notifications.models import Notification
from tests.volunteers import factories as f
from volunteers import actions

Channel = Notification.Channel


def _rows(**filters) -> set[tuple[str, int | None, str]]:
    return set(
        Notification.objects.filter(kind=Notification.Kind.VOLUNTEER, **filters).values_list(
            "channel", "recipient_id", "address"
        )
    )


def test_a_volunteer_with_an_account_gets_an_inbox_row_and_their_mail(db):
    volunteer = f.volunteer()
    actions.book_shift(shift=f.shift(), volunteer=volunteer, actor=volunteer.user)
    assert _rows() == {(Channel.INBOX, volunteer.user_id, ""), (Channel.EMAIL, volunteer.user_id, "")}
    inbox = Notification.objects.get(channel=Channel.INBOX)
    assert inbox.subject and inbox.recipient == volunteer.user


def test_a_volunteer_whose_login_is_switched_off_is_mailed_at_the_address_of_their_record(db):
    volunteer = f.volunteer(email="offline@example.cn")
    volunteer.user.is_active = False
    volunteer.user.save(update_fields=["is_active"])
    actions.book_shift(shift=f.shift(), volunteer=volunteer, actor=None)
    assert _rows() == {(Channel.EMAIL, None, "offline@example.cn")}


def test_coordinators_hear_of_an_application_in_their_inbox_even_without_an_email(db):
    team = f.team()
    with_mail, without_mail = f.coordinator(team), f.coordinator(team, email="")
    volunteer = actions.submit_application(
        full_name="刘晓燕", phone="+8613800138000", email="liu@example.cn", organisation=team
    )
    coordinator_rows = _rows(recipient__in=[with_mail, without_mail])
    assert coordinator_rows == {
        (Channel.INBOX, with_mail.pk, ""),
        (Channel.EMAIL, with_mail.pk, ""),
        (Channel.INBOX, without_mail.pk, ""),
    }
    link = Notification.objects.filter(recipient=without_mail).get().url
    assert link.endswith(f"/{volunteer.pk}/") or str(volunteer.pk) in link
    # The applicant's own confirmation goes to the login the application made (inbox and mail).
    assert _rows(recipient=volunteer.user) == {
        (Channel.INBOX, volunteer.user_id, ""),
        (Channel.EMAIL, volunteer.user_id, ""),
    }
