"""Personal identifiers: the resident ID number (GB 11643-1999) and mobile phone numbers.

The resident ID number is validated (checksum, date of birth), encrypted at rest with
Fernet, looked up by an HMAC keyed hash, and shown masked to everyone who does not need
it.

Keys: ``settings.FIELD_ENCRYPTION_KEY`` is a comma-separated list of secrets. Each secret
is stretched through HKDF into one key per purpose. Encryption uses a MultiFernet: the
first secret encrypts, every secret decrypts, so a new key is put in front and
``manage.py rotate_field_keys`` re-encrypts the rows. The keyed hash (the blind index,
unique per number) must not change while keys rotate, or duplicates would slip past the
unique constraint; it is keyed by ``settings.FIELD_HASH_KEY`` when set, otherwise by the
*last* secret of the list, the oldest one, which stays stable while newer ones are added
in front. Without any key (development only; production refuses it through the system
check ``coordination.E001``) the key is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from functools import lru_cache

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def checksum_char(first17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are given (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise_resident_id(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    """'male' when the sequence digit (17th) is odd, 'female' when even."""
    return "male" if int(number[16]) % 2 else "female"


def validate_resident_id(raw: str, *, date_of_birth: dt.date | None = None, sex: str | None = None) -> str:
    """Return the normalised number, or raise ValidationError with a message the user understands."""
    number = normalise_resident_id(raw)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("A resident ID number has 17 digits followed by a digit or X."), code="format")
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError(_("The resident ID number contains an impossible date of birth."), code="date") from None
    if checksum_char(number[:17]) != number[17]:
        raise ValidationError(_("The resident ID number's check digit is wrong; please check it."), code="checksum")
    if date_of_birth is not None and born != date_of_birth:
        raise ValidationError(
            _("The resident ID number says the person was born on %(born)s, not on the date of birth given."),
            code="date_mismatch",
            params={"born": born.isoformat()},
        )
    if sex is not None and sex_of(number) != sex:
        raise ValidationError(_("The resident ID number does not match the sex given."), code="sex_mismatch")
    return number


def mask_resident_id(number: str) -> str:
    """First six and last four characters: 410183********123X."""
    number = normalise_resident_id(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)


@lru_cache(maxsize=8)
def _derive(material: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material.encode())


def field_keys() -> list[str]:
    """The configured secrets, newest first; ``[SECRET_KEY]`` when none is configured (development)."""
    keys = [key.strip() for key in (settings.FIELD_ENCRYPTION_KEY or "").split(",") if key.strip()]
    return keys or [settings.SECRET_KEY]


def _fernet_for(material: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(material, b"coordination.resident-id.encrypt")))


def _fernet() -> MultiFernet:
    return MultiFernet([_fernet_for(material) for material in field_keys()])


def encrypt(value: str) -> str:
    """A token under the first (current) key."""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The clear value of a token made under any configured key."""
    return _fernet().decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether the token was made with the current (first) key, so rotation can skip it."""
    try:
        _fernet_for(field_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _hash_key_material() -> str:
    return getattr(settings, "FIELD_HASH_KEY", "") or field_keys()[-1]


def lookup_hash(number: str) -> str:
    """HMAC-SHA256 of the normalised number: equal numbers give equal hashes, nothing else leaks."""
    key = _derive(_hash_key_material(), b"coordination.resident-id.lookup")
    return hmac.new(key, normalise_resident_id(number).encode(), hashlib.sha256).hexdigest()


def normalise_phone(raw: str) -> str:
    """A valid mainland China number in E.164 (+8613812345678), or ValidationError. Empty stays empty."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a valid phone number."), code="phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Enter a valid phone number."), code="phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def synthetic_resident_id(*, region: str, born: dt.date, sequence: int, sex: str) -> str:
    """A well-formed synthetic number (demo and tests only): region code, birth date, sequence, check digit."""
    seq = sequence % 500 * 2 + (1 if sex == "male" else 0)  # odd for men, even for women
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + checksum_char(first17)
