"""Issue 18, item 8: one date and one date-time format per language, on every page, SMS and PDF.

"9 ديسمبر 2026 21:33" on one page, "ديسمبر 9, 2026, 9:33 م" on another, "6 December 2026، 21:37" in
English: the formats are now set once (portal/formats/<lang>/formats.py, core.dates) and these tests
render one fixed moment through a page, SMS texts and a receipt PDF in Arabic and in English.
"""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from accounts.tests.factories import UserFactory
from contractors.tests.factories import PermitFactory, RenewalRequestFactory
from contractors.workflow import renewal_approve, renewal_default_period
from core.dates import date_text, datetime_text, datetime_writer, span_text, time_text
from notifications.models import Notification
from payments.receipts import receipt_for_bill
from payments.registry import temporary_bill_handler
from payments.testing import pay_bill
from payments.tests.factories import TEST_KIND, BillFactory
from services import documents
from services.deadlines import deadlines_sweep
from services.tests.conftest import demo_workflow  # noqa: F401 (a fixture)
from services.tests.factories_applications import DemoApplicationFactory

AMMAN = ZoneInfo("Asia/Amman")
MOMENT = dt.datetime(2026, 12, 9, 21, 33, tzinfo=AMMAN)  # 18:33 UTC
DATETIME = {"ar": "9 ديسمبر 2026، 21:33", "en": "9 December 2026, 21:33"}
DATE = {"ar": "9 ديسمبر 2026", "en": "9 December 2026"}
MONTHS = "|".join(
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
    + ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
    + ["November", "December", r"Jan\.", r"Feb\.", r"Dec\.", "Nov."]
)
# Every other way a date or a time was written for people before (issue 18, item 8).
OTHER_FORMATS = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # 2026-12-09 (ISO belongs in attributes, CSV and the API)
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),  # 09/12/2026, 12/09/2026
    re.compile(rf"(?:{MONTHS}) \d{{1,2}}\b"),  # ديسمبر 9, December 9
    re.compile(r"\d{1,2}:\d{2}\s*(?:م|ص|a\.m\.|p\.m\.|AM|PM|am|pm)(?!\w)"),  # 9:33 م, 9:33 p.m.
    re.compile(r"\b\d{4} \d{1,2}:\d{2}"),  # 9 ديسمبر 2026 21:33 (no comma)
]
WRONG_COMMA = {"ar": re.compile(r"\d{4}, \d{1,2}:\d{2}"), "en": re.compile(r"\d{4}، ")}


class _Text(HTMLParser):
    """The text a person reads: no tags, no attributes (where ISO dates belong), no scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def people_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def assert_one_format(text: str, language: str, *, expect: str) -> None:
    assert expect in text, f"{expect!r} not in {text[:2000]!r}"
    for pattern in [*OTHER_FORMATS, WRONG_COMMA[language]]:
        found = pattern.search(text)
        assert found is None, (
            f"another date format: {found.group(0)!r} in …{text[max(found.start() - 80, 0) :][:200]!r}"
        )


@pytest.fixture
def owner():
    """The paid bills' owner: accepts every payment (payments.registry)."""
    with temporary_bill_handler(TEST_KIND, lambda bill, payment: None):
        yield


def _client_in(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# --- the formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
def test_core_dates_write_the_one_format_in_amman_time(language):
    utc = MOMENT.astimezone(dt.UTC)
    with translation.override(language):
        assert datetime_text(utc) == DATETIME[language]
        assert date_text(utc) == DATE[language] == date_text(dt.date(2026, 12, 9))
        assert time_text(utc) == "21:33"
        assert span_text(utc, utc + dt.timedelta(minutes=30)) == f"\u2068{DATETIME[language]}\u201322:03\u2069"
        # Just after midnight in Amman is still the day before in UTC: the day is Amman's.
        assert date_text(dt.datetime(2026, 12, 9, 22, 30, tzinfo=dt.UTC)) == DATE[language].replace("9", "10", 1)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_templates_without_a_format_follow_the_one_format(language):
    from django.template import Context, Template

    template = Template('{{ moment }}|{{ moment|date }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ moment|time }}')
    with translation.override(language):
        rendered = template.render(Context({"moment": MOMENT.astimezone(dt.UTC)}))
    assert rendered == f"{DATETIME[language]}|{DATE[language]}|{DATETIME[language]}|21:33"


# --- a page ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_bill_page_shows_every_time_in_the_one_format(client, owner, language):
    user = UserFactory(language=language)
    with time_machine.travel(MOMENT, tick=False):
        bill = BillFactory(payer=user, lines=[("violation:1", "15.000")])
        pay_bill(bill, processed_at=MOMENT)
    client.force_login(user)
    response = _client_in(client, language).get(bill.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = people_text(response.content.decode())
    assert_one_format(text, language, expect=DATETIME[language])
    assert text.count(DATETIME[language]) >= 2  # issued at and paid at


# --- SMS ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_deadline_reminder_sms_writes_the_deadline_in_the_recipients_format(demo_workflow, settings, language):  # noqa: F811
    settings.SMS_BACKEND = "outbox"
    user = UserFactory(language=language)
    with time_machine.travel(MOMENT - dt.timedelta(days=3), tick=False):
        application = DemoApplicationFactory(awaiting_payment=True, applicant=user)
    assert application.deadline_at == MOMENT
    sweeper = "en" if language == "ar" else "ar"  # whoever runs the sweep, the recipient's language
    with translation.override(sweeper), time_machine.travel(MOMENT - dt.timedelta(hours=2), tick=False):
        assert deadlines_sweep().reminded == 1
    (sms,) = Notification.objects.filter(application=application)
    assert_one_format(sms.text, language, expect=DATETIME[language])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_contractor_renewal_sms_writes_the_payment_deadline_in_the_one_format(language):
    permit = PermitFactory()
    renewal = RenewalRequestFactory(permit=permit, language=language, phone="+962791112233")
    start, end = renewal_default_period(renewal=renewal)
    with time_machine.travel(MOMENT - dt.timedelta(days=7), tick=False):
        renewal_approve(
            renewal=renewal,
            staff=UserFactory(staff=True),
            approved_from=start,
            approved_until=end,
            fee=Decimal("150.000"),
        )
    sms = Notification.objects.get(dedupe_key=f"contractors:{renewal.pk}:approved")
    assert_one_format(sms.text, language, expect=DATETIME[language])


# --- a PDF -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_receipt_pdf_and_its_summary_write_the_payment_time_in_the_one_format(monkeypatch, owner, language):
    rendered = []
    render = documents.render_pdf

    def keep_html(**kwargs):
        html, pdf = render(**kwargs)
        rendered.append(html)
        return html, pdf

    monkeypatch.setattr(documents, "render_pdf", keep_html)
    user = UserFactory(language=language)
    with time_machine.travel(MOMENT, tick=False):
        bill = BillFactory(payer=user, lines=[("accident:7", "120.000")])
        pay_bill(bill, processed_at=MOMENT)
        document = receipt_for_bill(bill=bill)
    (html,) = rendered
    text = people_text(html)
    assert_one_format(text, language, expect=DATETIME[language])
    assert text.count(DATETIME[language]) == 2  # issued on (header) and paid on
    assert DATETIME[language] in dict(document.summary).values()


# --- the guard ---------------------------------------------------------------------------------

TEMPLATE_FILTER = re.compile(r"""\|(?:date|time):(?P<q>["'])(?P<format>.*?)(?P=q)""")
# Machine formats, allowed only where a machine reads them: <time datetime="…">, <input value="…">.
MACHINE_FORMATS = {"c", "Y-m-d", "U", "Y-m-d\\TH:i", "H:i"}
MACHINE_PLACE = re.compile(r"""(?:datetime|value|min|max|data-[\w-]+)=["'][^"']*$""")


def _templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "staticfiles", ".git", "test-artifacts"}
    return [
        path
        for pattern in ("*.html", "*.txt")
        for path in base.rglob(pattern)
        if "templates" in path.parts and not skip & set(path.relative_to(base).parts)
    ]


def test_no_template_writes_a_date_for_people_in_a_format_of_its_own():
    """``|date``/``|time`` take no format, or a named one (DATETIME_FORMAT…); "c" and "Y-m-d" only
    inside a machine's attribute. Anything else brings back the three orders of issue 18, item 8."""
    templates = _templates()
    assert len(templates) > 50  # the walk found the templates
    offences = []
    for path in templates:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in TEMPLATE_FILTER.finditer(line):
                fmt = match.group("format")
                if re.fullmatch(r"[A-Z_]+_FORMAT", fmt):
                    continue
                if fmt in MACHINE_FORMATS and MACHINE_PLACE.search(line[: match.start()]):
                    continue
                offences.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {match.group(0)}")
    assert offences == []


def test_the_guard_catches_a_hard_coded_format(tmp_path):
    line = '<td>{{ bill.paid_at|date:"Y-m-d H:i" }}</td><time datetime="{{ x|date:\'c\' }}">{{ x|date }}</time>'
    found = [m.group("format") for m in TEMPLATE_FILTER.finditer(line)]
    assert found == ["Y-m-d H:i", "c"]
    assert MACHINE_PLACE.search(line[: line.index("|date:'c'")])
    assert not MACHINE_PLACE.search(line[: line.index('|date:"Y-m-d H:i"')])


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_fast_date_writer_writes_what_djangos_formatter_writes(language):
    """core.dates writes the portal's formats itself (tables print hundreds of dates): every month, both
    sides of midnight and of a daylight-saving change, in both languages, as Django's |date would."""
    from django.utils import formats

    moments = [
        dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)
        for month in range(1, 13)
        for day, hour, minute in ((1, 0, 0), (9, 21, 33), (28, 23, 59))
    ]
    with translation.override(language):
        write = datetime_writer()
        for moment in moments:
            amman = moment.astimezone(AMMAN)
            assert datetime_text(moment) == write(moment) == formats.date_format(amman, "DATETIME_FORMAT")
            assert date_text(moment) == formats.date_format(amman, "DATE_FORMAT")
            assert date_text(amman.date()) == formats.date_format(amman.date(), "DATE_FORMAT")
