"""Attachments: checked by content and size, refused by the scanner, stored privately, served only through a
scoped, logged view."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import attachments

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_photo_and_a_pdf_are_accepted_whatever_their_names():
    assert attachments.validate_attachment(SimpleUploadedFile("letter.txt", PNG)) == "image/png"
    assert attachments.validate_attachment(SimpleUploadedFile("scan", PDF)) == "application/pdf"


@pytest.mark.parametrize(
    "name,data",
    [("photo.jpg", b"MZ\x90\x00 an executable renamed"), ("note.pdf", "<html>不是PDF</html>".encode())],
)
def test_a_file_is_judged_by_its_content_not_its_name(name, data):
    with pytest.raises(ValidationError) as refused:
        attachments.validate_attachment(SimpleUploadedFile(name, data))
    assert refused.value.code == "kind"


def test_a_file_over_the_limit_is_refused_with_its_size(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        attachments.validate_attachment(SimpleUploadedFile("big.pdf", PDF + b" " * 200))
    assert refused.value.code == "too_large"


def test_the_scanner_can_refuse_a_file(settings):
    settings.ATTACHMENT_SCANNER = "accounts.attachments.RecordingScanner"
    with pytest.raises(ValidationError) as refused:
        attachments.validate_attachment(SimpleUploadedFile("x.pdf", PDF + attachments.EICAR))
    assert refused.value.code == "refused"
    assert "x.pdf" in attachments.RecordingScanner.scanned


def test_the_private_storage_has_no_address_and_lives_outside_media(settings, tmp_path):
    storage = attachments.private_storage()
    name = storage.save("supervision/x.pdf", io.BytesIO(PDF))
    assert (tmp_path / "private" / name).is_file()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.pdf"))
    with pytest.raises(ValueError):
        storage.url(name)


def test_every_stored_file_of_every_model_is_kept_in_private_storage():
    """Issue 17 item 6: no upload or generated document anywhere lands under a public media address."""
    from django.apps import apps
    from django.db import models

    from accounts.attachments import PrivateStorage

    wagtail_public = {"wagtailimages", "wagtaildocs", "wagtailcore", "wagtailadmin", "wagtailusers"}
    fields = [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label not in wagtail_public
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]
    assert len(fields) >= 10, "the project's uploads are found"
    public = [
        f"{model._meta.label}.{field.name}" for model, field in fields if not isinstance(field.storage, PrivateStorage)
    ]
    assert public == []
