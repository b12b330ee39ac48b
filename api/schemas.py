"""What the app sends and receives. Money is a string with 3 decimals (JOD): exact, never a float."""

from datetime import datetime

from ninja import Field, Schema


class Error(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class LoginIn(Schema):
    identifier: str = Field(
        ...,
        min_length=1,
        max_length=40,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="National, personal or mobile number",
    )
    password: str = Field(..., min_length=1, max_length=200)
    device: str = Field("", max_length=100, description="A name for this device, shown to the user and staff")


class Organisation(Schema):
    id: int
    name_ar: str
    role: str


class Me(Schema):
    id: int
    name: str
    full_name_ar: str
    full_name_en: str
    mobile: str
    language: str
    acting_for: int | None
    organisations: list[Organisation]


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme's name, not a secret
    me: Me


class PartyIn(Schema):
    organisation_id: int | None = Field(..., description="An organisation the user belongs to, or null for themselves")


class VehicleInquiryIn(Schema):
    plate_code: str = Field(..., min_length=1, max_length=3, examples=["10"])
    plate_number: str = Field(..., min_length=1, max_length=8, examples=["79210"])
    registration_number: str = Field(..., min_length=1, max_length=20, examples=["4412345"])


class LicenceInquiryIn(Schema):
    licence_number: str = Field(..., min_length=1, max_length=20, examples=["10123456"])
    centre: str = Field("", max_length=60, description="Needed unless the licence number has 8 digits")
    category: str = Field("", max_length=10, description="Needed unless the licence number has 8 digits")


class ViolationOut(Schema):
    number: str
    offence: str
    offence_ar: str
    offence_en: str
    article: str
    issued_at: datetime
    place: str
    issuer: str
    plate: str
    amount: str
    status: str
    payable_now: bool
    not_payable_reason: str
    billing_number: str | None


class StatementOut(Schema):
    title: str
    count: int
    total: str
    payable_count: int
    payable_total: str
    billing_number_all: str | None
    violations: list[ViolationOut]
    paid: list[ViolationOut]


class BillLineOut(Schema):
    description: str
    amount: str


class BillOut(Schema):
    billing_number: str
    service_type: str
    description: str
    amount: str
    status: str
    status_label: str
    payer_name: str
    issued_at: datetime
    due_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    lines: list[BillLineOut]
    receipt_url: str | None


class EventOut(Schema):
    at: datetime
    from_status: str
    to_status: str
    label: str
    by: str
    reason: str
    note: str


class ApplicationOut(Schema):
    reference: str
    kind: str
    service: str
    status: str
    status_label: str
    submitted_at: datetime | None
    closed_at: datetime | None
    deadline_at: datetime | None
    deadline_reason: str
    next_action: str | None
    timeline: list[EventOut]


class NotificationOut(Schema):
    id: int
    text: str
    created_at: datetime
    sms_status: str
    read: bool
    application: str | None


class DocumentCheckOut(Schema):
    code: str
    state: str
    title: str
    kind: str
    issued_at: datetime
    summary: list[list[str]]
