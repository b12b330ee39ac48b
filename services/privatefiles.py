"""Housekeeping of the private file store (issue 19): orphans swept, files moved from the disk to S3.

Every private file belongs to a row: an ``Upload`` (what a person gave) or an ``IssuedDocument`` (what the
municipality issued). The object is written before its row (Django saves a FileField's file in ``pre_save``),
so an interruption between the two - a worker killed, a transaction rolled back - can leave an object no row
points at, never a row pointing at nothing. The sweep deletes such objects once they are a day old (younger
ones may belong to a transaction still running).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import Storage, storages
from django.utils import timezone

from services.models import IssuedDocument, Upload

# The folders files are written to (services.models.files: "<folder>/<year>/<month>/<random>.<ext>").
FOLDERS = {"uploads": (Upload, "file"), "documents": (IssuedDocument, "pdf")}
ORPHAN_AGE = timedelta(days=1)
BATCH = 500


def _walk(storage: Storage, path: str):
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{path}/{name}"
    for sub in dirs:
        yield from _walk(storage, f"{path}/{sub}")


def _months_back(now, count: int) -> list[str]:
    year, month, months = now.year, now.month, []
    for _ in range(count):
        months.append(f"{year:04d}/{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


@dataclass
class SweepResult:
    examined: int = 0
    deleted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"examined": self.examined, "deleted": len(self.deleted)}


def orphans_sweep(*, now=None, months: int = 2) -> SweepResult:
    """Delete private files that no row points at and that are older than a day.

    Only the folders of the last ``months`` months are walked (names carry the month they were written): an
    orphan is swept the day after it was made, so older folders hold none, and the daily sweep stays cheap
    however many years of files the bucket keeps.
    """
    now = now or timezone.now()
    storage = storages["private"]
    result = SweepResult()
    for folder, (model, field_name) in FOLDERS.items():
        for month in _months_back(now, months):
            names = list(_walk(storage, f"{folder}/{month}"))
            result.examined += len(names)
            for start in range(0, len(names), BATCH):
                batch = names[start : start + BATCH]
                known = set(model.objects.filter(**{f"{field_name}__in": batch}).values_list(field_name, flat=True))
                for name in batch:
                    if name in known:
                        continue
                    if now - storage.get_modified_time(name) < ORPHAN_AGE:
                        continue
                    # Looked up again just before deleting: a row committed since the batch query keeps its file.
                    if model.objects.filter(**{field_name: name}).exists():
                        continue
                    storage.delete(name)
                    result.deleted.append(name)
    return result


@dataclass
class MoveResult:
    copied: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)


def files_to_move(source: Storage) -> list[str]:
    """Every file of the private folders on the source store, oldest folders first."""
    return sorted(name for folder in FOLDERS for name in _walk(source, folder))


def file_move(name: str, *, source: Storage, target: Storage, dry_run: bool = False) -> str:
    """Copy one file to the target store unless it is already there whole: "copied", "skipped" or "would copy".

    Idempotent and resumable: a file already in the target with the same size is left alone, so the command can
    be stopped and started again, and run again after a deployment to pick up stragglers. The source file is kept
    (removing the old folder is the operator's decision, once the portal runs on the bucket).
    """
    size = source.size(name)
    if target.exists(name) and target.size(name) == size:
        return "skipped"
    if dry_run:
        return "would copy"
    with source.open(name, "rb") as handle:
        saved = target.save(name, handle)
    if saved != name:  # the target renamed it: a different file had that name; nothing may point at a copy
        target.delete(saved)
        raise RuntimeError(f"{name}: a different file of that name is already in the target store")
    return "copied"
