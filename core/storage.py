"""The private file store (uploads, issued documents, receipts), on the local disk or S3-compatible object
storage (issue 19), and what to say when it cannot be used.

Which store is configured is settings' business (``STORAGES["private"]``, from the S3_* variables). This module
knows the two kinds only to say, in words an operator can act on, which variable to look at when the store
fails: a missing bucket, refused keys and an unreachable endpoint all look alike to the person waiting for a
file (a 503 page: portal.middleware.StorageUnavailableErrorMiddleware), but not to the person who must fix them.
"""

import contextlib
import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage, Storage

try:  # installed with django-storages[s3]; the disk needs neither
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError
    from storages.backends.s3 import S3Storage
except ImportError:  # pragma: no cover - requirements.txt installs them
    BotoCoreError = ClientError = EndpointConnectionError = NoCredentialsError = None
    S3Storage = None

_S3_ERRORS = tuple(e for e in (BotoCoreError, ClientError) if e is not None)
_REFUSED_KEYS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "InvalidToken"}
_NO_BUCKET = {"NoSuchBucket", "404"}


class StorageUnavailableError(Exception):
    """The private file store cannot be used right now; ``variable`` names the setting to look at."""

    def __init__(self, message: str, *, variable: str = ""):
        super().__init__(message)
        self.variable = variable


def is_object_store(storage: Storage) -> bool:
    return S3Storage is not None and isinstance(storage, S3Storage)


def describe(error: Exception, storage: Storage) -> StorageUnavailableError:
    """What an exception from the store means for the operator: which variable, and why."""
    if is_object_store(storage):
        endpoint = storage.endpoint_url or "AWS S3"
        if NoCredentialsError is not None and isinstance(error, NoCredentialsError):
            return StorageUnavailableError(
                "The object store needs keys: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.",
                variable="S3_ACCESS_KEY_ID",
            )
        if ClientError is not None and isinstance(error, ClientError):
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _REFUSED_KEYS:
                return StorageUnavailableError(
                    f"The object store at {endpoint} refused the keys (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY): {code}.",
                    variable="S3_ACCESS_KEY_ID",
                )
            if code in _NO_BUCKET:
                return StorageUnavailableError(
                    f"The object store at {endpoint} has no bucket named {storage.bucket_name!r} (S3_BUCKET).",
                    variable="S3_BUCKET",
                )
            return StorageUnavailableError(
                f"The object store at {endpoint} answered {code}.", variable="S3_ENDPOINT_URL"
            )
        return StorageUnavailableError(
            f"The object store at {endpoint} cannot be reached (S3_ENDPOINT_URL): {type(error).__name__}.",
            variable="S3_ENDPOINT_URL",
        )
    return StorageUnavailableError(f"The private file folder cannot be used (DATA_DIR): {error}.", variable="DATA_DIR")


def failures(storage: Storage) -> tuple:
    """The exceptions that mean "the store is unusable" (not "this file is missing") for this kind of store."""
    if is_object_store(storage):
        return _S3_ERRORS
    return (PermissionError, IsADirectoryError, NotADirectoryError, OSError)


@contextlib.contextmanager
def translated(storage: Storage):
    """Run a store operation; a failure of the store itself comes out as StorageUnavailableError."""
    try:
        yield
    except (FileNotFoundError, StorageUnavailableError):
        raise
    except failures(storage) as error:
        raise describe(error, storage) from error


def probe(storage: Storage) -> str:
    """ "" if the store can be used now, else what is wrong, naming the variable (readiness, the start-up check)."""
    if is_object_store(storage):
        try:
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        except _S3_ERRORS as error:
            return str(describe(error, storage))
        return ""
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location)
        try:
            location.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return str(describe(error, storage))
        if not os.access(location, os.W_OK | os.X_OK):
            return f"The private file folder {location} is not writable (DATA_DIR)."
    return ""


def kind(storage: Storage) -> str:
    return "s3" if is_object_store(storage) else "disk"
