"""Files: what people upload (checked by content) and the documents the municipality issues, both
in private storage, served only by views that check permission."""

import secrets
import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import StorageUnavailableError, probe, translated
from services.codes import code_display


class PrivateStorage(Storage):
    """``settings.STORAGES["private"]`` (the disk, or S3-compatible object storage: issue 19), looked up on
    every call.

    A FileField resolves its storage once, at import; delegating keeps a changed STORAGES (tests, a
    deployment swapping disk for object storage) in force. Private files have no URL: they are served
    only by views that check permission, streamed through the portal. A failure of the store itself (not
    a missing file) comes out as ``core.storage.StorageUnavailableError``: a 503 page, not a 500.
    """

    def _target(self) -> Storage:
        return storages["private"]

    def _call(self, method: str, *args):
        target = self._target()
        with translated(target):
            return getattr(target, method)(*args)

    def _open(self, name, mode="rb"):
        try:
            return self._call("open", name, mode)
        except FileNotFoundError:
            # An object store answers a missing bucket like a missing file: say which it is.
            problem = probe(self._target())
            if problem:
                raise StorageUnavailableError(problem) from None
            raise

    def _save(self, name, content):
        return self._call("save", name, content)

    def delete(self, name):
        return self._call("delete", name)

    def exists(self, name):
        return self._call("exists", name)

    def size(self, name):
        return self._call("size", name)

    def listdir(self, path):
        return self._call("listdir", path)

    def get_modified_time(self, name):
        return self._call("get_modified_time", name)

    def path(self, name):
        return self._target().path(name)

    def url(self, name):
        raise NotImplementedError("private files are served by permission-checking views only")


def private_storage() -> Storage:
    return PrivateStorage()


def _random_name(folder: str, extension: str) -> str:
    # Random names: the person's file name never reaches the file system, and names cannot be guessed.
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


def upload_file_name(instance, filename) -> str:
    return _random_name("uploads", instance.extension)


def document_file_name(instance, filename) -> str:
    return _random_name("documents", "pdf")


class Upload(models.Model):
    """A file a person gave the portal (a police sketch, an insurer's letter), checked by content."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="uploads"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uploads",
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=upload_file_name, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")
        constraints = [models.CheckConstraint(condition=models.Q(size__gt=0), name="upload_size_positive")]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("services:upload-download", kwargs={"uuid": self.uuid})

    @property
    def extension(self) -> str:
        return self.EXTENSIONS[self.content_type]


class IssuedDocument(models.Model):
    """A PDF the municipality issued (receipt, clearance, permit, licence), checkable at /verify/<code>/."""

    code = models.CharField(_("verification code"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    # What /verify/ shows: a list of [label, value] pairs, rendered in the document's language at issue.
    summary = models.JSONField(_("summary"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=2, default="ar")
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=document_file_name, max_length=200)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    owner_applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("issued to organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    application = models.ForeignKey(
        "services.Application",
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_documents",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    # For documents that show a state which may change (a statement of violations): a hash of the kind, the owner,
    # the language and what the document shows. The same state asked for again is the same document, handed out
    # again rather than laid out again (issue 20); empty for documents issued once by nature (receipts, licences).
    state_key = models.CharField(_("state key"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoked_reason=""),
                name="issueddocument_revoked_has_reason",
            ),
            models.UniqueConstraint(
                fields=["state_key"], condition=~models.Q(state_key=""), name="issueddocument_one_per_state"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.display_code})"

    def get_absolute_url(self):
        return reverse("services:document-download", kwargs={"code": self.display_code})

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
