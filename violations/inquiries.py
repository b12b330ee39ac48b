"""An inquiry as a person makes it, on the website or in the app: the limits first (a refused inquiry
looks nothing up), then the look-up (logged, plate hashed), then a miss counted as a guess for that
plate or licence. Both the views and the API call these, so the two cannot count differently."""

from dataclasses import dataclass

from django.http import HttpResponse
from django_ratelimit.exceptions import Ratelimited

from accounts.party import Party
from core.ratelimit import client_ip
from violations import statement_pages
from violations.constants import InquiryKind
from violations.models import DrivingLicence, Vehicle
from violations.ratelimits import inquiry_failed, inquiry_refused
from violations.selectors import licence_subject, plate_subject, statement_state_find_query, statement_state_known
from violations.workflow import inquiry_log_after, inquiry_log_clause, licence_inquire, vehicle_inquire


def _subject(kind: str, data: dict) -> str:
    """The keyed hash of what an inquiry's ``data`` names: what its log line keeps and its limits count."""
    if kind == InquiryKind.VEHICLE:
        return plate_subject(plate_code=data["plate_code"], plate_number=data["plate_number"])
    return licence_subject(number=data["licence_number"])


def _within_limits(request, *, kind: str, data: dict, look_up, missed=lambda found: found is None):
    """One look-up inside the inquiry's limits, the same for every way of asking: refused before it (nothing is
    looked up), a miss (``missed(found)``) counted after it as a guess for that plate or licence.
    ``look_up(subject)`` gets the subject's keyed hash. Raises Ratelimited (answered with 429)."""
    subject = _subject(kind, data)
    if inquiry_refused(request, subject=subject):
        raise Ratelimited
    found = look_up(subject)
    if missed(found):
        inquiry_failed(request, subject=subject)
    return found


def vehicle_inquiry(request, *, party: Party, data: dict) -> Vehicle | None:
    """``data``: a valid VehicleInquiryForm's cleaned data. Raises Ratelimited (answered with 429)."""
    return _within_limits(
        request,
        kind=InquiryKind.VEHICLE,
        data=data,
        look_up=lambda _subject: vehicle_inquire(
            user=request.user, organisation=party.organisation, ip=client_ip(request), **data
        ),
    )


def licence_inquiry(request, *, party: Party, data: dict) -> DrivingLicence | None:
    """``data``: a valid LicenceInquiryForm's cleaned data. Raises Ratelimited (answered with 429)."""
    return _within_limits(
        request,
        kind=InquiryKind.LICENCE,
        data=data,
        look_up=lambda _subject: licence_inquire(
            user=request.user,
            organisation=party.organisation,
            ip=client_ip(request),
            number=data["licence_number"],
            centre=data["centre"],
            category=data["category"],
        ),
    )


@dataclass
class Answer:
    """An inquiry made on the website (:func:`inquiry_answered`): ``subject_id`` what it found (None: nothing
    matched); ``found``, the vehicle or licence when it was read whole (else the statement reads it); ``page``,
    the statement page when it was kept for the state the inquiry read (else None: the caller makes it)."""

    subject_id: int | None
    found: Vehicle | DrivingLicence | None = None
    page: HttpResponse | None = None


def inquiry_answered(request, *, kind: str, party: Party, data: dict) -> Answer:
    """The website's inquiry, answered with its statement (violations.views): the limits first, then, where the
    state of a statement can be known (the local copy on PostgreSQL), the look-up, its log line and that state
    in one statement (statement_pages.inquiry_page); elsewhere :func:`vehicle_inquiry` or
    :func:`licence_inquiry`. A miss is counted as a guess either way. Raises Ratelimited (answered with 429)."""
    if not statement_state_known():
        inquire = vehicle_inquiry if kind == InquiryKind.VEHICLE else licence_inquiry
        found = inquire(request, party=party, data=data)
        return Answer(subject_id=found.pk if found is not None else None, found=found)

    def look_up(subject: str) -> Answer:
        line = {"user": request.user, "organisation": party.organisation, "ip": client_ip(request), "kind": kind}
        logged = inquiry_log_clause(**line, subject=subject)
        query = statement_state_find_query(kind=kind, data=data, also=logged)
        subject_id, page = statement_pages.inquiry_page(request, kind=kind, query=query)
        if logged is None:  # the log's saves are listened to: written by the ORM, once the look-up is answered
            inquiry_log_after(**line, subject=subject, matched=subject_id is not None)
        return Answer(subject_id=subject_id, page=page)

    return _within_limits(
        request, kind=kind, data=data, look_up=look_up, missed=lambda answer: answer.subject_id is None
    )
