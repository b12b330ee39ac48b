"""Issue 17, finding 8: release certificates issued before the fix show the vehicle's full registration
number on /verify/ (page and API), which read ``IssuedDocument.summary``. Mask the ones already stored
the way new ones are issued (``core.digits.masked``: the last 3 digits). The PDFs are not touched."""

from django.db import migrations

DOCUMENT_KIND = "accident_release"
# The label is stored translated, in the applicant's language at issue (accidents/workflow/documents.py).
LABELS = {"Vehicle registration number", "رقم تسجيل المركبة"}
MASK = "••••"


def _masked(value: str) -> str:
    value = (value or "").strip()
    return MASK + value[-3:] if value and not value.startswith(MASK) else value


def forwards(apps, schema_editor):
    IssuedDocument = apps.get_model("services", "IssuedDocument")
    for document in IssuedDocument.objects.filter(kind=DOCUMENT_KIND).only("pk", "summary").iterator():
        summary = [[label, _masked(value) if label in LABELS else value] for label, value in (document.summary or [])]
        if summary != document.summary:
            IssuedDocument.objects.filter(pk=document.pk).update(summary=summary)


class Migration(migrations.Migration):
    dependencies = [
        ("accidents", "0003_staff_permissions"),
        ("services", "0009_holiday_calendar_from_licensing"),
    ]

    # The full numbers are not kept anywhere this could restore them from without the claims; going back
    # leaves the masked values (still right for the page).
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
