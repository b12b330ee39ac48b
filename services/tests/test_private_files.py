"""Private-file housekeeping (issue 19): orphans swept a day after an interrupted upload, on the disk and on S3;
files moved from the disk to the bucket by a resumable, idempotent command with a dry run."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import CommandError, call_command
from django.utils import timezone

from services.models import Upload
from services.privatefiles import orphans_sweep
from services.tests.files import png_bytes, stored_names, uploaded
from services.uploads import upload_store

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("private_storage_kind")
def test_an_object_no_row_points_at_is_swept_after_a_day_and_kept_files_stay(user):
    kept = upload_store(file=uploaded("sketch.png", png_bytes()), kind="police_sketch", applicant=user)
    storage = storages["private"]
    now = timezone.now()
    # An upload interrupted between the object and its row: the object is there, no row.
    orphan = storage.save(f"uploads/{now:%Y/%m}/{'a' * 32}.png", ContentFile(png_bytes()))

    assert orphans_sweep(now=now).deleted == []  # a few minutes old: may be a transaction still running
    result = orphans_sweep(now=now + timedelta(days=1, minutes=5))
    assert result.deleted == [orphan]
    assert stored_names() == [kept.file.name]
    assert Upload.objects.get().file.read()


def test_a_row_committed_after_the_listing_keeps_its_file(user, monkeypatch):
    """The sweep looks again just before deleting: a row that appeared meanwhile keeps its object."""
    import services.privatefiles as privatefiles

    upload = upload_store(file=uploaded("sketch.png", png_bytes()), kind="police_sketch", applicant=user)
    real_filter = Upload.objects.filter
    calls = {"n": 0}

    def first_listing_misses_it(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:  # the batch query ran before the row committed
            return real_filter(pk=-1)
        return real_filter(**kwargs)

    monkeypatch.setattr(privatefiles.Upload.objects, "filter", first_listing_misses_it)
    result = orphans_sweep(now=timezone.now() + timedelta(days=2))
    assert result.deleted == []
    assert storages["private"].exists(upload.file.name)


def _disk_files(folder: Path, count: int) -> list[str]:
    disk = FileSystemStorage(location=str(folder))
    return [disk.save(f"uploads/2026/11/{i:032x}.png", ContentFile(png_bytes(color=(i, 0, 0)))) for i in range(count)]


def test_the_move_command_copies_disk_files_to_the_bucket_resumably(s3_storage, tmp_path):
    source = tmp_path / "old-private"
    names = _disk_files(source, 3)
    FileSystemStorage(location=str(source)).save("documents/2026/11/" + "d" * 32 + ".pdf", ContentFile(b"%PDF-1.7 x"))

    out = StringIO()
    call_command("private_files_move", "--source", str(source), "--dry-run", "--no-progress", stdout=out)
    assert "4 files: 4 would copy, 0 already in the bucket" in out.getvalue()
    assert stored_names() == []

    # Stopped half-way (one file already there), then run again: the rest is copied, nothing twice.
    bucket = storages["private"]
    with open(source / names[0], "rb") as handle:
        bucket.save(names[0], handle)
    out = StringIO()
    call_command("private_files_move", "--source", str(source), "--no-progress", stdout=out)
    assert "4 files: 3 copied, 1 already in the bucket, 0 failed" in out.getvalue()
    for name in names:
        with bucket.open(name) as handle:
            assert handle.read() == (source / name).read_bytes()
    out = StringIO()
    call_command("private_files_move", "--source", str(source), "--no-progress", stdout=out)
    assert "4 files: 0 copied, 4 already in the bucket, 0 failed" in out.getvalue()
    assert (source / names[0]).exists()  # the disk copy is kept


def test_the_move_command_says_what_to_set_when_there_is_no_bucket(tmp_path):
    with pytest.raises(CommandError, match="S3_BUCKET"):
        call_command("private_files_move", "--source", str(tmp_path), "--no-progress")


def test_the_move_command_refuses_a_different_file_under_the_same_name(s3_storage, tmp_path):
    source = tmp_path / "old-private"
    (name,) = _disk_files(source, 1)
    storages["private"].save(name, ContentFile(b"another file altogether"))
    with pytest.raises(CommandError, match="1 files could not be copied"):
        call_command(
            "private_files_move", "--source", str(source), "--no-progress", stdout=StringIO(), stderr=StringIO()
        )
    with storages["private"].open(name) as handle:
        assert handle.read() == b"another file altogether"
