"""Applications, events and bills with chosen timestamps, written directly (the figures only read them)."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from payments.constants import BillStatus
from payments.models import Bill
from performance.models import RollupState
from performance.rollups import OPENINGS, closing_counted
from services.models import Application, ApplicationEvent, Ending
from services.registry import get_workflow

AMMAN = ZoneInfo("Asia/Amman")
_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """An Amman wall-clock time, e.g. ``at("2026-03-01 10:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=AMMAN)


def make_application(
    *,
    applicant,
    kind: str = "licensing",
    status: str,
    created: datetime,
    submitted: datetime | None = None,
    closed: datetime | None = None,
    closed_by: str = "staff",
    first_status: str = "submitted",
    created_by: str = "citizen",
    service=None,
) -> Application:
    """An application as the workflow would have left it: a creation event and, when closed, a closing one,
    its ``online`` and ``ending``, and the closing counted in the rollups."""
    n = next(_numbers)
    ending = ""
    if closed is not None:
        workflow = get_workflow(kind)
        if status in workflow.completed:
            ending = Ending.COMPLETED
        elif status in workflow.refused:
            ending = Ending.REFUSED
        else:
            ending = {"system": Ending.DEADLINE, "staff": Ending.STAFF}.get(closed_by, Ending.APPLICANT)
    application = Application.objects.create(
        reference=f"TP{n:07d}",
        kind=kind,
        applicant=applicant,
        service=service,
        status=status,
        submitted_at=submitted if submitted is not None else created,
        closed_at=closed,
        online=created_by == "citizen",
        ending=ending,
    )
    Application.objects.filter(pk=application.pk).update(created_at=created)
    ApplicationEvent.objects.create(
        application=application,
        from_status="",
        to_status=first_status,
        actor=applicant if created_by == "citizen" else None,
        actor_kind=created_by if created_by == "citizen" else "system",
        created_at=created,
    )
    if closed is not None:
        ApplicationEvent.objects.create(
            application=application,
            from_status=first_status,
            to_status=status,
            actor=None if closed_by == "system" else applicant,
            actor_kind=closed_by,
            created_at=closed,
        )
    application.refresh_from_db()
    closing_counted(application=application)
    # Written into days that may be sealed already: count the started and submitted ones live again.
    RollupState.objects.filter(name=OPENINGS).delete()
    return application


def make_bill(*, kind: str = "licensing_fees", amount: str, issued: datetime, paid: datetime | None = None) -> Bill:
    n = next(_numbers)
    return Bill.objects.create(
        billing_number=f"9{n:012d}",
        kind=kind,
        service_type="ProfessionLicences",
        amount=Decimal(amount),
        status=BillStatus.PAID if paid else BillStatus.OPEN,
        payer_name="test",
        issued_at=issued,
        due_at=issued + timedelta(days=7),
        expires_at=issued + timedelta(days=7),
        paid_at=paid,
    )
