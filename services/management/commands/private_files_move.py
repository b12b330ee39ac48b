"""`manage.py private_files_move`: copy the private files (uploads, issued documents) from the local disk to the
configured object store, before a deployment switches from the disk to S3 (issue 19).

Resumable and idempotent: a file already in the bucket with the same size is skipped, so the command may be
stopped and run again. ``--dry-run`` says what would be copied and copies nothing. The disk files are kept.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from core.storage import StorageUnavailableError, is_object_store, probe, translated
from services.privatefiles import file_move, files_to_move


class Command(BaseCommand):
    help = "Copy private files from the local disk (DATA_DIR/private) to the S3 bucket (S3_BUCKET); resumable."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=str(Path(settings.DATA_DIR) / "private"),
            help="The folder the portal kept private files in (default: DATA_DIR/private).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be copied; copy nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, CI).")

    def handle(self, *args, source, dry_run, no_progress, **options):
        target = storages["private"]
        if not is_object_store(target):
            raise CommandError("The private files are on the disk already: set S3_BUCKET (and S3_ENDPOINT_URL, keys).")
        problem = probe(target)
        if problem:
            raise CommandError(problem)
        folder = Path(source)
        if not folder.is_dir():
            raise CommandError(f"No folder {folder}: give the old DATA_DIR/private with --source.")
        disk = FileSystemStorage(location=str(folder))
        names = files_to_move(disk)
        counts = {"copied": 0, "skipped": 0, "would copy": 0}
        failed = []
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            disable=no_progress,
            console=None,
        ) as progress:
            task = progress.add_task("Checking" if dry_run else "Copying", total=len(names))
            for name in names:
                try:
                    with translated(target):
                        counts[file_move(name, source=disk, target=target, dry_run=dry_run)] += 1
                except StorageUnavailableError as error:
                    raise CommandError(f"Stopped at {name}: {error} Run the command again to resume.") from error
                except (OSError, RuntimeError) as error:
                    failed.append(f"{name}: {error}")
                progress.advance(task)
        verb = "would copy" if dry_run else "copied"
        self.stdout.write(
            f"{len(names)} files: {counts['would copy' if dry_run else 'copied']} {verb}, "
            f"{counts['skipped']} already in the bucket, {len(failed)} failed."
        )
        for line in failed:
            self.stderr.write(line)
        if failed:
            raise CommandError(f"{len(failed)} files could not be copied; run the command again after fixing them.")
