# Kept whole: one benchmark, read top to bottom: its data set, its measurements, its table.
"""Traffic violations: the inquiry and the statement over a big local copy of the partner's data.

Figures (issue 6, "Speed"):
- PostgreSQL seeded with 1,000,000 violations over 300,000 vehicles (a tenth with --quick), by COPY;
- the vehicle inquiry and the licence inquiry (POST, then the statement page with 20 violations and
  their e-payment numbers) through the full Django stack, next to the trivial view and next to a
  trivial page rendering the base layout, in the same run (aim: p50 within 2x of the latter);
- the statement's query count with 20 and with 200 violations (it must not grow);
- the statement page the first time it is shown (21 e-payment numbers issued);
- the statement PDF of 20 and 200 violations next to a one-line WeasyPrint document, the first time (laid
  out) and again unchanged (issued once per state, served from storage);
- the statement page over HTTP (gunicorn, concurrent clients).
"""

import logging
import random
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bench.common import TRIVIAL_PATH, median_time, p50_interleaved, settle_database

TITLE = "Traffic violations: inquiry and statement over a big table, statement PDF"

AMMAN = ZoneInfo("Asia/Amman")
PASSWORD = "bench-Pass-123"
STATEMENT_SIZE = 20  # the statement: 20 violations
HEAVY_SIZE = 200
ONE_LINE = "<html lang='ar' dir='rtl'><p>كشف</p></html>"  # the yardstick: a one-line WeasyPrint document
# The one-line document and the statement in turns (5 and 7 renders a turn), the order swapped each turn; the
# target is the median of the turns' ratios. Three turns until run C, whose 10.45, 10.08 and 9.31 (runs A and B:
# 9.25 and 8.98 overall) showed how far one turn moves on a machine shared with others: now seven.
PDF_TURNS = 7
# Fixed subjects looked up by the benchmark (the rest of the table is haystack).
TARGET_VEHICLE = ("10", "79210", "7702154")
HEAVY_VEHICLE = ("10", "79211", "7702155")
TARGET_LICENCE = "10118254"
FRESH_PLATE_CODE = "99"  # vehicles shown once each, to time the first showing (bills issued)
OFFENCES = [
    ("1205", "الوقوف في مكان ممنوع الوقوف فيه", "Parking where parking is prohibited", "38/ب", "15.000", "GAM"),
    ("2101", "تجاوز السرعة المقررة بما لا يزيد على 20 كم/س", "Speeding by up to 20 km/h", "37/أ/1", "20.000", "PSD"),
    ("2201", "استعمال الهاتف الخلوي أثناء القيادة", "Using a mobile phone while driving", "35/ب", "15.000", "PSD"),
    ("1210", "عدم دفع أجرة موقف السيارات", "Parking fee not paid", "14/أ", "5.000", "GAM"),
]
PLACES = ["شارع الملكة رانيا العبدالله", "شارع الجاردنز", "دوار الداخلية", "شارع مكة", "طريق المطار"]


# --- seeding -------------------------------------------------------------------------------------


def _violation_row(rng: random.Random, number: int, vehicle_id, licence_id, now: datetime, status: str = "open"):
    code, ar, en, article, amount, issuer = rng.choice(OFFENCES)
    issued = now - timedelta(days=rng.randrange(1, 700), minutes=rng.randrange(0, 1440))
    return (
        f"B{number:010d}",
        vehicle_id,
        licence_id,
        code,
        ar,
        en,
        article,
        rng.choice(PLACES),
        issued,
        Decimal(amount),
        issuer,
        True,
        status,
        "",
        now,
        now,
    )


VIOLATION_COLUMNS = (
    "number",
    "vehicle_id",
    "licence_id",
    "offence_code",
    "offence_ar",
    "offence_en",
    "article",
    "location",
    "issued_at",
    "amount",
    "issuer",
    "payable",
    "status",
    "paid_billing_number",
    "created_at",
    "updated_at",
)


def _insert(model, columns, rows) -> None:
    """COPY on PostgreSQL (the issue's "COPY or bulk insert"); plain executemany elsewhere."""
    from django.db import connection

    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", batch)


def _seed(ctx) -> dict:
    from django.db import connection, transaction

    from violations.models import DrivingLicence, Vehicle, Violation

    n_violations = ctx.scale(1_000_000)
    n_vehicles = ctx.scale(300_000)
    n_licences = ctx.scale(200_000)
    rng = random.Random(6)  # benchmark data: a fixed seed, not security
    now = datetime.now(tz=AMMAN)
    started = time.perf_counter()
    with transaction.atomic():
        _insert(
            Vehicle,
            ("plate_code", "plate_number", "registration_number", "updated_at"),
            ((str(10 + i % 40), str(100000 + i), str(5_000_000 + i), now) for i in range(n_vehicles)),
        )
        _insert(
            DrivingLicence,
            ("number", "centre", "category", "key", "updated_at"),
            ((str(20_000_000 + i), "", "", str(20_000_000 + i), now) for i in range(n_licences)),
        )
        vehicle_ids = list(Vehicle.objects.order_by("pk").values_list("pk", flat=True))
        licence_ids = list(DrivingLicence.objects.order_by("pk").values_list("pk", flat=True))

        def haystack():
            for i in range(n_violations):
                status = "paid" if i % 4 == 0 else "open"
                licence = rng.choice(licence_ids) if i % 2 else None
                yield _violation_row(rng, i, rng.choice(vehicle_ids), licence, now, status)

        _insert(Violation, VIOLATION_COLUMNS, haystack())

        # The subjects the benchmark looks up.
        target = Vehicle.objects.create(
            plate_code=TARGET_VEHICLE[0], plate_number=TARGET_VEHICLE[1], registration_number=TARGET_VEHICLE[2]
        )
        heavy = Vehicle.objects.create(
            plate_code=HEAVY_VEHICLE[0], plate_number=HEAVY_VEHICLE[1], registration_number=HEAVY_VEHICLE[2]
        )
        licence = DrivingLicence.objects.create(number=TARGET_LICENCE, key=TARGET_LICENCE, centre="عمان", category="3")
        fresh = [
            Vehicle.objects.create(plate_code=FRESH_PLATE_CODE, plate_number=str(1000 + i), registration_number=f"F{i}")
            for i in range(12)
        ]
        number = iter(range(n_violations, n_violations + 10_000))
        special = []
        for _ in range(STATEMENT_SIZE):
            special.append(_violation_row(rng, next(number), target.pk, None, now))
            special.append(_violation_row(rng, next(number), None, licence.pk, now))
        special.extend(_violation_row(rng, next(number), heavy.pk, None, now) for _ in range(HEAVY_SIZE))
        for vehicle in fresh:
            special.extend(_violation_row(rng, next(number), vehicle.pk, None, now) for _ in range(STATEMENT_SIZE))
        _insert(Violation, VIOLATION_COLUMNS, special)
    settle_database(Violation._meta.db_table, Vehicle._meta.db_table, DrivingLicence._meta.db_table)
    seconds = time.perf_counter() - started
    total = Violation.objects.count()
    ctx.record(
        "violations: seeded violations",
        total,
        note=f"{n_vehicles:,} vehicles, {n_licences:,} licences, in {seconds:.0f} s ({connection.vendor})",
    )
    return {"target": target, "heavy": heavy, "licence": licence, "fresh": fresh}


# --- helpers -------------------------------------------------------------------------------------


def _logged_in_client(ctx):
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username="bench-violations",
        defaults={
            "full_name_ar": "مواطن تجريبي",
            "full_name_en": "Bench Citizen",
            "mobile": "+962790000006",
            "mobile_verified": True,  # the portal sends unverified people to verify their mobile first
        },
    )
    client = ctx.client()
    client.force_login(user)
    return client


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- the benchmark -------------------------------------------------------------------------------


def run(ctx) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from violations.constants import SESSION_SUBJECT

    subjects = _seed(ctx)
    client = _logged_in_client(ctx)
    by_vehicle, by_licence = reverse("violations:inquiry-vehicle"), reverse("violations:inquiry-licence")
    statement = reverse("violations:statement")
    vehicle_form = dict(zip(("plate_code", "plate_number", "registration_number"), TARGET_VEHICLE, strict=True))
    licence_form = {"licence_number": TARGET_LICENCE, "centre": "", "category": ""}

    # An inquiry is answered with its statement (one request: the form's POST, answered 200 with the page). The
    # body is sent as a browser sends the page's form (no enctype: URL-encoded), not as the test client's
    # default multipart body, whose parsing no browser ever costs the portal.
    vehicle_body, licence_body = urlencode(vehicle_form), urlencode(licence_form)
    form_type = "application/x-www-form-urlencoded"

    def vehicle_inquiry():
        response = client.post(by_vehicle, vehicle_body, content_type=form_type)
        # (No response.context outside the test runner: check the page itself.)
        assert response.status_code == 200 and f'id="violations-count">{STATEMENT_SIZE}<'.encode() in response.content

    def licence_inquiry():
        response = client.post(by_licence, licence_body, content_type=form_type)
        assert response.status_code == 200 and b'id="violations-count">' in response.content

    # A page rendering the base layout and nothing else: the 404 page, for a signed-in person. (Its
    # "Not Found" warnings are silenced while timing: hundreds of log lines would be noise, and cost.)
    logging.getLogger("django.request").setLevel(logging.ERROR)

    def base_layout():
        assert client.get("/violations/no-such-page/").status_code == 404

    rounds = ctx.scale(200) if not ctx.quick else 40
    ctx.baseline()
    layout = ctx.measure("violations: reference page (base layout, signed in)", base_layout, number=20)
    vehicle_inquiry()  # first showing: issues the e-payment numbers; later showings reuse them
    licence_inquiry()
    v = ctx.measure(
        "violations: vehicle inquiry + statement (20)",
        vehicle_inquiry,
        number=10,
        note="POST plate+registration, answered with the statement",
    )
    lic = ctx.measure(
        "violations: licence inquiry + statement (20)", licence_inquiry, number=10, note="8-digit licence"
    )
    # In turns, so that the ratios compare the same minutes of a shared machine (measured one after the other,
    # the same code's vehicle inquiry ratio moved between 2.5x and 3.9x from run to run).
    p50 = p50_interleaved({"layout": base_layout, "vehicle": vehicle_inquiry, "licence": licence_inquiry}, rounds)
    p50_layout, p50_vehicle, p50_licence = p50["layout"], p50["vehicle"], p50["licence"]
    ctx.record(
        "violations: p50 vehicle inquiry / base layout",
        f"{p50_vehicle / p50_layout:.2f}×",
        versus=f"{v / layout:.2f}× mean",
        note=f"p50 {_ms(p50_vehicle)} vs {_ms(p50_layout)}; aim ≤ 2×",
    )
    ctx.target("violations: vehicle inquiry end to end / base-layout page (p50)", p50_vehicle / p50_layout, 2)
    # The bare view measured again here, beside the layout page, rather than the run's first baseline: by now
    # the process holds the earlier benchmarks' data (every request pays a larger heap's collections) and the
    # database has just taken a million rows; measured minutes apart, the same ratio moved from 4.7× to 11.4×.
    anonymous = ctx.client()
    bares, layouts = [], []
    # Interleaved, so that both see the same moment of the machine: seven turns (three until this stop, when the
    # same code gave 10.3x and 7.4x in two runs minutes apart, against 4.8-5.4x in the runs before).
    for _ in range(7):
        bares.append(median_time(lambda: anonymous.get(TRIVIAL_PATH), number=50))
        layouts.append(median_time(base_layout, number=20))
    bare, beside = statistics.median(bares), statistics.median(layouts)
    ctx.record(
        "violations: bare view measured beside the layout page",
        f"{bare * 1e6:,.0f} µs/op",
        note=f"layout page {_ms(beside)} in the same minute; the run's first baseline {ctx.baseline() * 1e6:,.0f} µs",
    )
    ctx.target("violations: base-layout page (signed in) / bare view", beside / bare, 8, note="measured side by side")

    # The statement's own address (reloading the answer, coming back to it): the page without the inquiry.
    def statement_only():
        assert client.get(statement).status_code == 200

    p50_page = p50_interleaved({"statement": statement_only}, rounds)["statement"]
    ctx.record(
        "violations: p50 statement page (20) / base layout",
        f"{p50_page / p50_layout:.2f}×",
        note=f"p50 {_ms(p50_page)}: 20 rows, 21 e-payment numbers reused",
    )
    ctx.record(
        "violations: p50 licence inquiry / base layout",
        f"{p50_licence / p50_layout:.2f}×",
        versus=f"{lic / layout:.2f}× mean",
        note=f"p50 {_ms(p50_licence)} vs {_ms(p50_layout)}; aim ≤ 2×",
    )

    # Query counts: 20 violations and 200 violations on the statement, e-payment numbers already issued; read
    # (a new state: the vehicle's row written again, as the feed does) and then shown again as kept.
    from django.db.models import F

    from violations.models import Vehicle

    def queries_for(vehicle) -> tuple[int, int]:
        session = client.session
        session[SESSION_SUBJECT] = {"kind": "vehicle", "id": vehicle.pk}
        session.save()
        client.get(statement)  # the e-payment numbers made, if they were not
        Vehicle.objects.filter(pk=vehicle.pk).update(updated_at=F("updated_at"))  # same values, a new row version
        counts = []
        for _ in range(2):  # read in that state (and kept), then shown again as kept
            with CaptureQueriesContext(connection) as captured:
                assert client.get(statement).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts[0], counts[1]

    few, many = queries_for(subjects["target"]), queries_for(subjects["heavy"])
    ctx.record(
        "violations: statement queries, read / kept (20 / 200 violations)",
        f"{few[0]}, {few[1]} / {many[0]}, {many[1]}",
        note="same counts: constant queries" if few == many else "GROWS with the violations shown",
    )
    ctx.measure(
        "violations: statement page (200 violations)",
        lambda: client.get(statement),
        number=5,
        note="shown again as kept",
    )

    # The first showing issues 20 + 1 e-payment numbers (bills with lines) under row locks.
    fresh = iter(subjects["fresh"])

    def first_showing():
        vehicle = next(fresh)
        session = client.session
        session[SESSION_SUBJECT] = {"kind": "vehicle", "id": vehicle.pk}
        session.save()
        response = client.get(statement)
        assert response.content.count(b"data-violation-billing=") == STATEMENT_SIZE

    ctx.measure(
        "violations: statement first shown (21 bills)",
        first_showing,
        number=1,
        repeat=len(subjects["fresh"]) - 1,
        note="one bill per violation + one for all",
    )

    # The statement PDF (issued document: render, QR code, store) next to a one-line WeasyPrint document.
    from weasyprint import HTML

    def one_line_document():
        HTML(string=ONE_LINE).write_pdf()

    # The portal reuses one font configuration across documents (services.documents): the same one line
    # with it, so that the PDF is also compared like with like.
    from services.documents import _font_config

    one_line_reused = ctx.measure(
        "violations: one-line WeasyPrint document, fonts reused",
        lambda: HTML(string=ONE_LINE).write_pdf(font_config=_font_config()),
        number=1,
        repeat=5,
    )
    # The same one line through the portal's PDF layout (header, embedded Arabic fonts, QR code).
    from django.template import Context, Template
    from django.utils import timezone, translation

    from services.documents import pdf_from_html, qr_data_uri

    layout_template = Template(
        '{% extends "services/documents/base_pdf.html" %}{% block content %}<p>كشف</p>{% endblock %}'
    )

    def one_line_in_layout():
        url = "https://example.invalid/verify/ABCD-EFGH-JKLM-NPQR/"
        meta = {
            "code": "ABCDEFGHJKLMNPQR",
            "display_code": "ABCD-EFGH-JKLM-NPQR",
            "verify_url": url,
            "title": "كشف",
            "issued_at": timezone.now(),
            "language": "ar",
            "qr": qr_data_uri(url),
        }
        with translation.override("ar"):
            html = layout_template.render(Context({"document": meta}))
        # Rendered the way services.documents.render_pdf renders every document (with the layout's style sheet).
        pdf_from_html(html)

    one_line_layout = ctx.measure(
        "violations: one-line document, portal PDF layout", one_line_in_layout, number=1, repeat=5
    )
    from services.models import IssuedDocument

    def subject(vehicle):
        session = client.session
        session[SESSION_SUBJECT] = {"kind": "vehicle", "id": vehicle.pk}
        session.save()
        client.get(statement)  # the statement as a person sees it first (its e-payment numbers issued)

    def forget_issued():
        # The statement's state made one never issued before (only the one document issued for the state now; the
        # earlier ones were freed already): the benchmark's doing, not the request's, so outside the timing.
        IssuedDocument.objects.filter(kind="violations-statement").exclude(state_key="").update(state_key="")

    def first_render():
        # A statement in a state never issued before: laid out, registered and stored (issue 20: once per state).
        forget_issued()
        response = client.post(reverse("violations:statement-pdf"))
        assert response.status_code == 302

    def first_renders(repeat: int) -> float:
        """The median time of ``repeat`` first renders, each timed from the request (the reset not timed)."""
        times = []
        for _ in range(repeat):
            forget_issued()
            started = time.perf_counter()
            response = client.post(reverse("violations:statement-pdf"))
            times.append(time.perf_counter() - started)
            assert response.status_code == 302
        return statistics.median(times)

    def repeat_download():
        # The same statement again: the document already issued, found and streamed from storage.
        response = client.post(reverse("violations:statement-pdf"))
        download = client.get(response["Location"])
        assert b"".join(download.streaming_content).startswith(b"%PDF-")

    # The statement of 20 before the one of 200: right after documents of 200 rows the next two or three
    # renders of 20 are 10-15% slower (measured: 132, 122, 120 ms, then 108-115; without the 200 first: 142 for
    # the process's very first, then 104-111; the cause not traced, likely the memory the 200 rows used), which
    # would measure the 200 rows' after-effect, not the statement of 20.
    # The statement and the one-line document in turns, the order swapped each turn (as the performance
    # benchmark's two sizes): the two medians of a turn are taken seconds apart, not a minute apart on a machine
    # shared with others (in one block each: 8.8-10.1x in four runs of the same code).
    subject(subjects["target"])
    first_render()  # once untimed, as median_time warms the one-line document up
    one_lines, statements = [], []
    for turn in range(PDF_TURNS):
        blocks = [
            (one_lines, lambda: median_time(one_line_document, number=1, repeat=5)),
            (statements, lambda: first_renders(7)),
        ]
        for taken, measure in blocks if turn % 2 == 0 else blocks[::-1]:
            taken.append(measure())
    one_line = statistics.median(one_lines)
    pdf = statistics.median(statements)
    turn_ratios = [statement / line for statement, line in zip(statements, one_lines, strict=True)]
    ctx.timed("violations: one-line WeasyPrint document", one_line, note=f"median of {PDF_TURNS} turns of 5")
    ctx.timed(
        "violations: statement PDF (20 violations)",
        pdf,
        note=f"first render: layout, QR, register, store; median of {PDF_TURNS} turns of 7",
    )
    # The same ratio from back-to-back pairs (one-line document, then the statement), each pair under the same
    # load: on a machine shared with others the two medians above are taken seconds apart.
    ratios = []
    for _ in range(7):
        forget_issued()
        started = time.perf_counter()
        one_line_document()
        middle = time.perf_counter()
        assert client.post(reverse("violations:statement-pdf")).status_code == 302
        ratios.append((time.perf_counter() - middle) / (middle - started))
    ctx.record(
        "violations: statement PDF first render (20) / one-line PDF, in pairs",
        f"{statistics.median(ratios):.2f}×",
        note=f"median of 7 back-to-back pairs (min {min(ratios):.2f}×, max {max(ratios):.2f}×)",
    )
    first_render()
    repeat = ctx.measure(
        "violations: statement PDF again, unchanged (20)", repeat_download, number=1, repeat=9, note="POST + download"
    )
    subject(subjects["heavy"])
    first_render()
    pdf_heavy = first_renders(3)
    ctx.timed(f"violations: statement PDF first render ({HEAVY_SIZE} violations)", pdf_heavy, note="median of 3")
    ctx.target(
        "violations: statement PDF first render (20) / one-line PDF",
        statistics.median(turn_ratios),
        10,
        note=f"{_ms(pdf)}; median of {PDF_TURNS} turns ({', '.join(f'{r:.2f}×' for r in turn_ratios)})",
    )
    ctx.record(
        f"violations: statement PDF first render ({HEAVY_SIZE}) / one-line PDF",
        f"{pdf_heavy / one_line:.1f}×",
        note=f"{_ms(pdf_heavy)}; per row {(pdf_heavy - pdf) / (HEAVY_SIZE - STATEMENT_SIZE) / one_line:.2f}× a one-line PDF",
    )
    ctx.target("violations: statement PDF repeat download / one-line PDF", repeat / one_line, 2, note=_ms(repeat))
    ctx.record(
        "violations: statement PDF / one-line PDF",
        f"{pdf / one_line:.2f}×",
        note=f"{_ms(pdf)} vs {_ms(one_line)}",
    )
    ctx.record(
        "violations: statement PDF / one-line PDF, fonts reused",
        f"{pdf / one_line_reused:.2f}×",
        note=f"{_ms(pdf)} vs {_ms(one_line_reused)}",
    )
    ctx.record(
        "violations: statement PDF / one-line in portal layout",
        f"{pdf / one_line_layout:.2f}×",
        note=f"{_ms(pdf)} vs {_ms(one_line_layout)}",
    )

    # Over HTTP: the statement page on gunicorn with concurrent clients (same signed-in session), of 20 violations.
    subject(subjects["target"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    n = ctx.scale(400) if not ctx.quick else 100
    ctx.load(
        "violations: statement page (gunicorn)",
        [ctx.request("GET", statement, headers={"Cookie": cookie})] * n,
        check=lambda status, body: status == 200 and b"all-billing-number" in body,
        note="20 violations, bills reused",
    )
