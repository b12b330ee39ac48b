"""Reads worth naming. Violations themselves are read through ``violations.sources``; this module
never imports the workflow (the workflow reads through it)."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import sql
from payments.constants import BillStatus
from payments.models import Bill, BillLine
from violations.constants import BILL_KIND, ITEM_KEY_PREFIX, InquiryKind, ViolationStatus, item_key_pk
from violations.models import DrivingLicence, FleetVehicle, InquiryLog, Vehicle, Violation, licence_key
from violations.normalise import clean_plate_part, ltr_isolate, subject_hash, vehicle_values
from violations.sources import FleetFilter, get_source

_CHOICES_KEY = "violations:licence-choices:v1"
_CHOICES_SECONDS = 3600


def licence_choices() -> tuple[list[str], list[str]]:
    """Licence centres and categories as the partner's data has them (cached: the inquiry form needs
    them on every view, and they change only with a feed import, which forgets them)."""
    choices = cache.get(_CHOICES_KEY)
    if choices is None:
        source = get_source()
        choices = (source.licence_centres(), source.licence_categories())
        cache.set(_CHOICES_KEY, choices, _CHOICES_SECONDS)
    return choices


def licence_choices_forget() -> None:
    cache.delete(_CHOICES_KEY)


# --- inquiries --------------------------------------------------------------------------------


def plate_subject(*, plate_code: str, plate_number: str) -> str:
    """The keyed hash of a plate: what the inquiry log keeps and the per-plate rate limit counts."""
    return subject_hash(InquiryKind.VEHICLE, f"{clean_plate_part(plate_code)}-{clean_plate_part(plate_number)}")


def licence_subject(*, number: str) -> str:
    return subject_hash(InquiryKind.LICENCE, number)


def subject_proven(*, user, subject: str) -> bool:
    """Did ``user`` ever look up (or add to a fleet) this plate or licence with the right number?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return InquiryLog.objects.filter(user=user, subject_hash=subject, matched=True).exists()


# --- the statement (كشف المخالفات) ----------------------------------------------------------


@dataclass(frozen=True)
class SubjectViolations:
    """What a statement shows for the vehicle or licence an inquiry proved, before its bills."""

    title: str
    title_ar: str  # the bill's description, in both languages whatever the page's language
    title_en: str
    violations: list[Violation]
    vehicle: Vehicle | None = None  # a vehicle's statement: the vehicle of every violation it shows


def subject_violations(*, subject: dict, found: Vehicle | DrivingLicence | None = None) -> SubjectViolations | None:
    """The violations of what the session proved (``{"kind": "vehicle"|"licence", "id": pk}``, as
    the inquiry stored it); None when the vehicle or licence is gone from the partner's data.
    ``found``: the vehicle or licence the inquiry has just read (not read again)."""
    source = get_source()
    if subject.get("kind") == InquiryKind.VEHICLE:
        vehicle = found if isinstance(found, Vehicle) else Vehicle.objects.filter(pk=subject.get("id")).first()
        if vehicle is None:
            return None
        return SubjectViolations(
            title=_("Vehicle %(plate)s") % {"plate": ltr_isolate(vehicle.plate)},
            title_ar=f"مخالفات المركبة {vehicle.plate}",
            title_en=f"Violations of vehicle {vehicle.plate}",
            violations=source.vehicle_violations(vehicle=vehicle),
            vehicle=vehicle,
        )
    if subject.get("kind") == InquiryKind.LICENCE:
        licence = (
            found if isinstance(found, DrivingLicence) else DrivingLicence.objects.filter(pk=subject.get("id")).first()
        )
        if licence is None:
            return None
        return SubjectViolations(
            title=_("Driving licence %(number)s") % {"number": ltr_isolate(licence.number)},
            title_ar=f"مخالفات الرخصة {licence.number}",
            title_en=f"Violations of driving licence {licence.number}",
            violations=source.licence_violations(licence=licence),
        )
    return None


# In a WITH clause of the state query found by an inquiry's look-up (statement_state_find_query's ``also``):
# whether the look-up found anything (it is named ``found`` there).
FOUND_ANY = "EXISTS (SELECT 1 FROM found)"


def _state_sql() -> dict[tuple[str, bool | str], str]:
    """The statement_state query for each kind of subject (names from the models, every value a parameter), by
    ``(kind, found)``: with ``found``, the subject is not given by its id but found by the inquiry's own look-up
    (plate and registration number, or the licence's key) in the same statement, as ``found``."""
    names = {
        "vehicles": Vehicle._meta.db_table,
        "licences": DrivingLicence._meta.db_table,
        "violations": Violation._meta.db_table,
        "lines": BillLine._meta.db_table,
        "bills": Bill._meta.db_table,
        "vehicle": Violation._meta.get_field("vehicle").column,
        "licence": Violation._meta.get_field("licence").column,
        "status": Violation._meta.get_field("status").column,
        "payable": Violation._meta.get_field("payable").column,
        "item_key": BillLine._meta.get_field("item_key").column,
        "bill_id": BillLine._meta.get_field("bill").column,
        "kind": Bill._meta.get_field("kind").column,
        "bill_status": Bill._meta.get_field("status").column,
        "expires_at": Bill._meta.get_field("expires_at").column,
        "plate_code": Vehicle._meta.get_field("plate_code").column,
        "plate_number": Vehicle._meta.get_field("plate_number").column,
        "registration_number": Vehicle._meta.get_field("registration_number").column,
        "key": DrivingLicence._meta.get_field("key").column,
    }
    names = {key: connection.ops.quote_name(value) for key, value in names.items()}
    # Rows: (part, id, version). 0: the vehicle or licence (its title); 1: each violation shown; 2: each open
    # bill line of a violation payable now, with its bill and how many lines that bill has (what the
    # statement's e-payment numbers are made from, as violations.billing._open_bills reads them); 3, for a
    # licence: the vehicle of each violation (its plate is on the row). {id}: the subject's id.
    shown = "FROM {violations} x WHERE x.{subject} = {id} AND x.{status} <> %s"
    # Each payable violation's lines by the indexed item key, then each line's bill by its primary key: both
    # LATERAL and fenced (OFFSET 0: no condition pushed in, no join turned around), the bill's conditions applied
    # outside. Planned from the bills' side (their statistics stale after many new bills, as in a bench run), the
    # query read every open unexpired bill of every kind, once per violation: 1-12 ms a showing, not 0.3 (issue 20).
    bills = (
        "SELECT 2, l.id, l.xmin::text || ':' || b.id::text || ':' || b.xmin::text || ':'"
        " || (SELECT COUNT(*) FROM {lines} other WHERE other.{bill_id} = l.{bill_id})::text"
        " FROM {violations} p"
        " CROSS JOIN LATERAL (SELECT id, xmin, {bill_id} FROM {lines} WHERE {item_key} = %s::text || p.id::text"
        " OFFSET 0) l"
        " CROSS JOIN LATERAL (SELECT id, xmin, {kind}, {bill_status}, {expires_at} FROM {bills} WHERE id = l.{bill_id}"
        " OFFSET 0) b"
        " WHERE p.{subject} = {id} AND p.{status} = %s AND p.{payable}"
        " AND b.{kind} = %s AND b.{bill_status} = %s AND b.{expires_at} > %s"
    )
    parts = {
        InquiryKind.VEHICLE: (
            "SELECT 0, id, xmin::text FROM {vehicles} WHERE id = %s",
            "SELECT 1, x.id, x.xmin::text " + shown,
            bills,
        ),
        InquiryKind.LICENCE: (
            "SELECT 0, id, xmin::text FROM {licences} WHERE id = %s",
            "SELECT 1, x.id, x.xmin::text " + shown,
            bills,
            "SELECT 3, v.id, v.xmin::text FROM {vehicles} v WHERE v.id IN (SELECT x.{vehicle} " + shown + ")",  # noqa: S608 (names from the models; values bound)
        ),
    }
    # The inquiry's look-up, as violations.sources.LocalViolationSource makes it (the vehicle: all three, the
    # lowest id; the licence: its unique key).
    finds = {
        InquiryKind.VEHICLE: "SELECT id, xmin FROM {vehicles} WHERE {plate_code} = %s AND {plate_number} = %s"
        " AND {registration_number} = %s ORDER BY id LIMIT 1",
        InquiryKind.LICENCE: "SELECT id, xmin FROM {licences} WHERE {key} = %s LIMIT 1",
    }
    subjects = {InquiryKind.VEHICLE: names["vehicle"], InquiryKind.LICENCE: names["licence"]}
    queries = {}
    for kind, (first, *rest) in parts.items():
        by_id = " UNION ALL ".join((first, *rest))
        queries[kind, False] = by_id.format(**names, subject=subjects[kind], id="%s")
        by_find = " UNION ALL ".join(("SELECT 0, id, xmin::text FROM found", *rest))
        queries[kind, "find"] = f"WITH found AS ({finds[kind]})".format(**names)
        queries[kind, "rest"] = by_find.format(**names, subject=subjects[kind], id="(SELECT id FROM found)")
        queries[kind, True] = f"{queries[kind, 'find']} {queries[kind, 'rest']}"
    return queries


_STATE_SQL: dict[tuple[str, bool | str], str] = {}


def _state_params(kind: str, subject_id) -> list:
    """The values of a state query after the subject's own (its id, or the look-up's values): ``subject_id`` in
    each place the by-id query has it, None (nothing) in the by-look-up one."""
    ids = [] if subject_id is None else [subject_id]
    cancelled, open_ = ViolationStatus.CANCELLED.value, ViolationStatus.OPEN.value
    params = [*ids, cancelled, ITEM_KEY_PREFIX, *ids, open_, BILL_KIND, BillStatus.OPEN.value, timezone.now()]
    if kind == InquiryKind.LICENCE:
        params += [*ids, cancelled]
    return params


def statement_state_known() -> bool:
    """Whether the state of a statement can be read (:func:`statement_state`): the local copy on PostgreSQL."""
    return connection.vendor == "postgresql" and getattr(get_source(), "reads_local_copy", False)


def statement_state_query(*, subject: dict) -> tuple[str, list] | None:
    """The query of :func:`statement_state` and its values (None: the state cannot be known so), for a caller
    that sends it alongside other work (statement_pages) and makes the digest of its rows itself."""
    kind, subject_id = subject.get("kind"), subject.get("id")
    if not statement_state_known():
        return None
    if kind not in (InquiryKind.VEHICLE, InquiryKind.LICENCE) or not isinstance(subject_id, int):
        return None
    if not _STATE_SQL:
        _STATE_SQL.update(_state_sql())
    return _STATE_SQL[kind, False], [subject_id, *_state_params(kind, subject_id)]


def statement_state_find_query(
    *, kind: str, data: dict, also: tuple[str, list] | None = None
) -> tuple[str, list] | None:
    """The state query of the vehicle or licence an inquiry's ``data`` (a valid inquiry form's cleaned data)
    names, found in the same statement as the source finds it: its rows are those of
    :func:`statement_state_query` for what is found (the same digest), none when nothing matches. So that an
    inquiry looks up and reads the state of its statement in one query (issue 20). None where the state
    cannot be known so (as statement_state_query).

    ``also``: one more WITH clause and its values (``name AS (INSERT …)``: the inquiry's log line,
    violations.workflow.inquiry_log_clause), run by the same statement after the look-up, whose row it may read
    as ``found`` (:data:`FOUND_ANY`)."""
    if not statement_state_known():
        return None
    if not _STATE_SQL:
        _STATE_SQL.update(_state_sql())
    values = find_values(kind=kind, data=data)
    if also is None:
        return _STATE_SQL[kind, True], [*values, *_state_params(kind, None)]
    clause, clause_values = also
    query = f"{_STATE_SQL[kind, 'find']}, {clause} {_STATE_SQL[kind, 'rest']}"
    return query, [*values, *clause_values, *_state_params(kind, None)]


def find_values(*, kind: str, data: dict) -> list[str]:
    """The values the local copy is looked up by for an inquiry's ``data`` (violations.sources)."""
    if kind == InquiryKind.VEHICLE:
        values = vehicle_values(
            plate_code=data["plate_code"],
            plate_number=data["plate_number"],
            registration_number=data["registration_number"],
        )
        return [values["plate_code"], values["plate_number"], values["registration_number"]]
    return [licence_key(number=data["licence_number"], centre=data["centre"], category=data["category"])]


def statement_state_digest(*, subject: dict, rows) -> str | None:
    """The digest of the rows of :func:`statement_state_query` (None: the vehicle or licence is gone)."""
    rows = sorted(tuple(row) for row in rows)
    if not rows or rows[0][0] != 0:
        return None
    kind = str(subject["kind"])  # the session's text or InquiryKind: the same digest
    return hashlib.sha256(repr((kind, rows)).encode()).hexdigest()


def statement_state(*, subject: dict) -> str | None:
    """A digest of the state of everything the statement of ``subject`` (as the session holds it) shows, read
    in one query: the vehicle or licence, each violation shown (for a licence, each one's vehicle too) and
    each open e-payment number of its payable violations, by PostgreSQL's row versions (``xmin`` changes with
    every insert and update of a row, ``update()`` and the feed's corrections included). While the digest
    is the same, nothing the statement shows has changed, so its page can be shown again as it was laid
    out, without reading and building its rows (issue 20: the inquiry in one answer); a bill expiring drops
    out of the query (open and unexpired only), which is a new digest too.

    None when this cannot be known so: not PostgreSQL (no row versions), a source that is not the local copy
    (a live partner is asked on every inquiry), or the vehicle or licence gone.
    """
    query = statement_state_query(subject=subject)
    if query is None:
        return None
    with sql.cursor() as cursor:
        cursor.execute(*query)
        return statement_state_digest(subject=subject, rows=cursor.fetchall())


# --- payment notice ---------------------------------------------------------------------------


def paid_violations(*, billing_number: str) -> list[Violation]:
    if not (billing_number.isdecimal() and len(billing_number) == 13):
        return []
    return list(
        Violation.objects.filter(paid_billing_number=billing_number, status=ViolationStatus.PAID)
        .select_related("vehicle", "licence")
        .order_by("issued_at", "number")
    )


def notice_allowed(*, violations: list[Violation], party, subject: dict) -> bool:
    """Who may have the notice: whoever proved the vehicle or licence in this session, the payer the
    bill was made for, or an organisation whose fleet holds the vehicle (with a matching registration)."""
    kind, subject_id = subject.get("kind"), subject.get("id")
    for violation in violations:
        if kind == InquiryKind.VEHICLE and violation.vehicle_id == subject_id:
            return True
        if kind == InquiryKind.LICENCE and violation.licence_id == subject_id:
            return True
    bill = Bill.objects.filter(billing_number=violations[0].paid_billing_number, status=BillStatus.PAID).first()
    if bill is not None:
        if party.organisation is not None and bill.organisation_id == party.organisation.pk:
            return True
        if party.organisation is None and bill.organisation_id is None and bill.payer_id == party.user.pk:
            return True
    if party.organisation is not None:
        plates = Q()
        for v in violations:
            if v.vehicle_id:
                plates |= Q(
                    plate_code=v.vehicle.plate_code,
                    plate_number=v.vehicle.plate_number,
                    registration_number=v.vehicle.registration_number,
                )
        if plates and FleetVehicle.objects.filter(plates, organisation=party.organisation).exists():
            return True
    return False


# --- fleet (business accounts) ---------------------------------------------------------------


def fleet_vehicles(*, organisation) -> QuerySet[FleetVehicle]:
    return FleetVehicle.objects.filter(organisation=organisation)


def fleet_violations(*, organisation, filters: FleetFilter) -> QuerySet[Violation]:
    return get_source().fleet_violations(organisation=organisation, filters=filters)


@dataclass(frozen=True)
class FleetTotals:
    """What the fleet page says above its table, for the same filters as the table.

    ``status`` is the status the table was filtered by ("open", "paid", or "" for all); the page
    sums only what the table lists, so a summary never contradicts the rows below it."""

    status: str
    unpaid_count: int
    unpaid_total: Decimal
    payable_count: int
    paid_count: int
    paid_total: Decimal

    @property
    def shows_unpaid(self) -> bool:
        return self.status in (ViolationStatus.OPEN, "")

    @property
    def shows_paid(self) -> bool:
        return self.status in (ViolationStatus.PAID, "")


def fleet_totals(violations: QuerySet[Violation], *, status: str) -> FleetTotals:
    """Counts and totals of the table's violations (already filtered by ``status``): unpaid, how many
    of those can be paid online, and paid."""
    open_, paid = Q(status=ViolationStatus.OPEN), Q(status=ViolationStatus.PAID)
    sums = violations.aggregate(
        unpaid_count=Count("pk", filter=open_),
        unpaid_total=Sum("amount", filter=open_, default=Decimal("0.000")),
        payable_count=Count("pk", filter=open_ & Q(payable=True)),
        paid_count=Count("pk", filter=paid),
        paid_total=Sum("amount", filter=paid, default=Decimal("0.000")),
    )
    return FleetTotals(status=status, **sums)


def bill_violations(bill: Bill) -> list[Violation]:
    """The violations a bill covers, oldest first, with their vehicles."""
    pks = [pk for pk in (item_key_pk(k) for k in bill.lines.values_list("item_key", flat=True)) if pk is not None]
    return list(Violation.objects.filter(pk__in=pks).select_related("vehicle").order_by("issued_at"))


def vehicle_in_register(*, plate_code: str, plate_number: str, registration_number: str) -> bool:
    """Whether the Traffic Department's register (as the portal holds it) has this plate with this
    registration number: what other services check a vehicle against (services.registers)."""
    values = vehicle_values(plate_code=plate_code, plate_number=plate_number, registration_number=registration_number)
    return get_source().vehicle_find(**values) is not None
