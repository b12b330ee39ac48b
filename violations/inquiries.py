"""An inquiry as a person makes it, on the website or in the app: the limits first (a refused inquiry
looks nothing up), then the look-up (logged, plate hashed), then a miss counted as a guess for that
plate or licence. Both the views and the API call these, so the two cannot count differently."""

from django_ratelimit.exceptions import Ratelimited

from accounts.party import Party
from core.ratelimit import client_ip
from violations.models import DrivingLicence, Vehicle
from violations.ratelimits import inquiry_failed, inquiry_refused
from violations.selectors import licence_subject, plate_subject
from violations.workflow import licence_inquire, vehicle_inquire


def vehicle_inquiry(request, *, party: Party, data: dict) -> Vehicle | None:
    """``data``: a valid VehicleInquiryForm's cleaned data. Raises Ratelimited (answered with 429)."""
    subject = plate_subject(plate_code=data["plate_code"], plate_number=data["plate_number"])
    if inquiry_refused(request, subject=subject):
        raise Ratelimited
    vehicle = vehicle_inquire(user=request.user, organisation=party.organisation, ip=client_ip(request), **data)
    if vehicle is None:
        inquiry_failed(request, subject=subject)
    return vehicle


def licence_inquiry(request, *, party: Party, data: dict) -> DrivingLicence | None:
    """``data``: a valid LicenceInquiryForm's cleaned data. Raises Ratelimited (answered with 429)."""
    subject = licence_subject(number=data["licence_number"])
    if inquiry_refused(request, subject=subject):
        raise Ratelimited
    licence = licence_inquire(
        user=request.user,
        organisation=party.organisation,
        ip=client_ip(request),
        number=data["licence_number"],
        centre=data["centre"],
        category=data["category"],
    )
    if licence is None:
        inquiry_failed(request, subject=subject)
    return licence
