import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from coordination import identity
from coordination.models import Supervisee
from tests.coordination.factories import make_supervisee

# A published specimen number (GB 11643 example): check digit X.
SPECIMEN = "11010519491231002X"


def test_checksum_of_a_known_number():
    assert identity.checksum_char(SPECIMEN[:17]) == "X"
    assert identity.validate_resident_id(SPECIMEN.lower()) == SPECIMEN


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105194912310021", "checksum"),
        ("1101051949123100", "format"),
        ("11010519491331002X", "date"),
        ("ABCDEFGHIJKLMNOPQR", "format"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        identity.validate_resident_id(raw)
    assert error.value.code == code


def test_date_of_birth_and_sex_must_match_the_number():
    with pytest.raises(ValidationError) as error:
        identity.validate_resident_id(SPECIMEN, date_of_birth=dt.date(1949, 12, 30))
    assert error.value.code == "date_mismatch"
    with pytest.raises(ValidationError) as error:
        identity.validate_resident_id(SPECIMEN, sex="male")
    assert error.value.code == "sex_mismatch"
    assert identity.validate_resident_id(SPECIMEN, date_of_birth=dt.date(1949, 12, 31), sex="female")


def test_synthetic_numbers_are_valid():
    number = identity.synthetic_resident_id(region="410183", born=dt.date(1990, 5, 6), sequence=7, sex="female")
    assert identity.validate_resident_id(number, date_of_birth=dt.date(1990, 5, 6), sex="female") == number


def test_masking_and_keyed_hash():
    assert identity.mask_resident_id(SPECIMEN) == "110105********002X"
    assert identity.lookup_hash(SPECIMEN) == identity.lookup_hash(SPECIMEN.lower())
    assert identity.lookup_hash(SPECIMEN) != identity.lookup_hash("110105194912310011")


def test_the_number_is_encrypted_at_rest_and_duplicates_are_refused(city):
    supervisee = make_supervisee(office=city.office)
    number = identity.decrypt(supervisee.resident_id_encrypted)
    with connection.cursor() as cursor:
        cursor.execute("select * from coordination_supervisee where id = %s", [supervisee.pk])
        raw_row = " ".join(str(value) for value in cursor.fetchone())
    assert number not in raw_row
    assert supervisee.resident_id_masked in raw_row
    clash = Supervisee.objects.get(pk=supervisee.pk)
    from coordination import actions

    with pytest.raises(ValidationError) as error:
        actions.create_supervisee(
            actor=supervisee.created_by,
            resident_id=number,
            name="重复",
            given_name="复",
            sex=clash.sex,
            date_of_birth=clash.date_of_birth,
            household_type="urban",
            township=clash.township,
            judicial_office=clash.judicial_office,
            sentence_type="probation",
            offence_category="theft",
            correction_start=clash.correction_start,
            correction_end=clash.correction_end,
            risk_level="low",
        )
    assert "resident_id" in error.value.message_dict


@pytest.mark.parametrize(("raw", "ok"), [("13912345678", True), ("+86 139 1234 5678", True), ("12345", False)])
def test_phone_numbers(raw, ok):
    if ok:
        assert identity.normalise_phone(raw) == "+8613912345678"
    else:
        with pytest.raises(ValidationError):
            identity.normalise_phone(raw)


def test_minor_at_start_is_flagged(city):
    today = timezone.localdate()
    minor = make_supervisee(office=city.office, age=16, correction_start=today)
    adult = make_supervisee(office=city.office, age=30)
    assert minor.is_minor and not adult.is_minor


def test_female_supervisee_team_must_include_a_woman(city):
    from coordination import actions
    from coordination.models import CorrectionTeamMember

    with pytest.raises(ValidationError) as error:
        make_supervisee(office=city.office, sex="female", team=[{"role": "officer", "name": "王强", "sex": "male"}])
    assert error.value.error_dict["sex"][0].code == "art25"
    assert "第二十五条" in error.value.message_dict["sex"][0]
    supervisee = make_supervisee(office=city.office, sex="female")
    woman = supervisee.team.get()
    actions.add_team_member(
        supervisee=supervisee, actor=supervisee.created_by, role="family_contact", name="王强", sex="male"
    )
    with pytest.raises(ValidationError):
        actions.remove_team_member(member=woman, actor=supervisee.created_by)
    assert CorrectionTeamMember.objects.get(pk=woman.pk).is_active
