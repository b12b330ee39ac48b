"""Demo contractors and permits (idempotent): the register as the department would export it."""

from pathlib import Path

from accounts.groups import CONTRACTORS_STAFF, grant
from contractors.importer import register_import
from services.models import Service

DEMO_CSV = Path(__file__).resolve().parent / "demo_register.csv"
START_URL_NAME = "contractors:renew"


def load(*, stdout):
    with DEMO_CSV.open(encoding="utf-8", newline="") as handle:
        report = register_import(lines=handle)
    if report.errors:  # the demo file is ours: a bad line is a bug
        raise ValueError(f"demo register has bad lines: {report.errors}")
    grant(CONTRACTORS_STAFF, "contractors")
    # The catalogue loader (services.demo, run first) writes the card from services.catalogue_data.
    Service.objects.filter(slug="contractor-permit-renewal").update(start_url_name=START_URL_NAME)
    stdout.write(
        f"  contractors: {report.contractors_created} contractors and {report.permits_created} permits created, "
        f"{report.unchanged} rows unchanged"
    )
