"""Service performance (issue 12): the staff dashboard and the public page over 100,000 applications.

Seeds (bulk_create, a tenth with --quick) 100,000 applications of the three procedural services over
the last 13 months, each with its creation event and, for the ~85% that ended, its closing event
(completed, refused, deadline, staff), 30,000 bills (two thirds paid), a few public holidays and a
few thousand ratings; then times, in-process against the trivial view:
- the staff dashboard for all services, 30 days and 12 months (every figure: medians and 90th
  percentiles in working days, endings, work waiting, money per day, queued payments);
- one table of it as CSV;
- the public page uncached (its 2 × 3 service figures) and cached (the usual case).
"""

import random
from datetime import timedelta
from decimal import Decimal

TITLE = "Service performance: dashboard and public page over 100,000 applications"

KINDS = {
    # kind: (completed status, refused status, open statuses, share of the traffic)
    "accidents": ("released", "", ["submitted", "valued", "awaiting_payment", "awaiting_letter"], 0.4),
    "contractors": ("issued", "refused", ["submitted", "awaiting_payment"], 0.25),
    "licensing": ("issued", "refused", ["external_approvals", "awaiting_booking", "civil_defence"], 0.35),
}
SLUGS = {
    "accidents": "accident-claim-release",
    "contractors": "contractor-permit-renewal",
    "licensing": "profession-licence-splitting",
}
BILL_KINDS = ["accidents", "contractors", "licensing_fees", "licensing_dues", "violations"]


def _seed(*, n: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from payments.models import Bill
    from performance.models import Rating
    from services.models import Application, ApplicationEvent, Holiday, Service

    rng = random.Random(12)
    now = timezone.now()
    user_model = get_user_model()
    applicant, _ = user_model.objects.get_or_create(
        username="bench-performance-applicant",
        defaults={"full_name_ar": "مواطن تجريبي", "mobile": "+962790000012", "mobile_verified": True},
    )
    staff, _ = user_model.objects.get_or_create(
        username="bench-performance-staff",
        defaults={
            "full_name_ar": "موظف تجريبي",
            "mobile": "+962790000013",
            "mobile_verified": True,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    services = {s.slug: s.pk for s in Service.objects.filter(slug__in=SLUGS.values())}
    today = timezone.localdate()
    Holiday.objects.bulk_create(
        [Holiday(date=today - timedelta(days=d), name=f"bench {d}") for d in (20, 75, 140, 200, 300)],
        ignore_conflicts=True,
    )

    kinds, weights = list(KINDS), [v[3] for v in KINDS.values()]
    apps, plans = [], []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        completed, refused, open_statuses, _share = KINDS[kind]
        created = now - timedelta(days=rng.uniform(0, 395))
        roll = rng.random()
        if roll < 0.15 and created > now - timedelta(days=60):
            status, closed, closer = rng.choice(open_statuses), None, ""
        elif roll < 0.75:
            status, closed, closer = completed, created + timedelta(hours=rng.uniform(2, 24 * 12)), "staff"
        elif roll < 0.85 and refused:
            status, closed, closer = refused, created + timedelta(days=rng.uniform(1, 9)), "staff"
        elif roll < 0.95:
            status, closed, closer = "cancelled", created + timedelta(days=3), "system"
        else:
            status, closed, closer = "cancelled", created + timedelta(days=rng.uniform(0, 5)), "staff"
        if closed is not None and closed > now:
            status, closed, closer = rng.choice(open_statuses), None, ""
        apps.append(
            Application(
                reference=f"BP{i:08d}",
                kind=kind,
                applicant=applicant,
                service_id=services.get(SLUGS[kind]),
                status=status,
                submitted_at=created,
                closed_at=closed,
            )
        )
        plans.append((created, closed, closer, open_statuses[0], status))
    Application.objects.bulk_create(apps, batch_size=5000)
    # created_at is auto_now_add: set it to the planned time (= submission here) in one statement.
    Application.objects.filter(reference__startswith="BP").update(created_at=F("submitted_at"))
    ids = list(
        Application.objects.filter(reference__startswith="BP").order_by("reference").values_list("pk", flat=True)
    )
    events, ratings = [], []
    for pk, (created, closed, closer, first, status) in zip(ids, plans, strict=True):
        events.append(
            ApplicationEvent(
                application_id=pk,
                from_status="",
                to_status=first,
                actor_id=applicant.pk,
                actor_kind="citizen",
                created_at=created,
            )
        )
        if closed is not None:
            events.append(
                ApplicationEvent(
                    application_id=pk,
                    from_status=first,
                    to_status=status,
                    actor_id=None if closer == "system" else staff.pk,
                    actor_kind=closer,
                    created_at=closed,
                )
            )
            if status in ("released", "issued") and rng.random() < 0.1:
                ratings.append(Rating(application_id=pk, kind="", score=rng.choice([3, 4, 4, 5, 5]), created_at=closed))
    ApplicationEvent.objects.bulk_create(events, batch_size=5000)
    kind_of = dict(Application.objects.filter(pk__in=[r.application_id for r in ratings]).values_list("pk", "kind"))
    for rating in ratings:
        rating.kind = kind_of[rating.application_id]
    Rating.objects.bulk_create(ratings, batch_size=5000)

    bills = []
    for i in range(max(n * 3 // 10, 10)):
        issued = now - timedelta(days=rng.uniform(0, 395))
        paid = issued + timedelta(hours=rng.uniform(1, 60)) if rng.random() < 0.66 else None
        if paid is not None and paid > now:
            paid = None
        bills.append(
            Bill(
                billing_number=f"8{i:012d}",
                kind=rng.choice(BILL_KINDS),
                service_type="ProfessionLicences",
                amount=Decimal(rng.randrange(5, 400)) + Decimal("0.250"),
                status="paid" if paid else "open",
                payer_name="bench",
                issued_at=issued,
                due_at=issued + timedelta(days=7),
                expires_at=issued + timedelta(days=7),
                paid_at=paid,
            )
        )
    Bill.objects.bulk_create(bills, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have after such a load
    start_30 = today - timedelta(days=29)
    return {
        "staff": staff,
        "events": len(events),
        "ratings": len(ratings),
        "bills": len(bills),
        "period_30": {"start": start_30.isoformat(), "end": today.isoformat()},
        "period_365": {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()},
    }


def run(ctx) -> None:
    import time as clock

    from django.core.cache import cache
    from django.test import override_settings

    n = ctx.scale(100_000)
    started = clock.perf_counter()
    seeded = _seed(n=n)
    ctx.record(
        "performance: seeded applications",
        n,
        note=(
            f"{seeded['events']:,} events, {seeded['bills']:,} bills, {seeded['ratings']:,} ratings in "
            f"{clock.perf_counter() - started:.1f} s (bulk_create)"
        ),
    )
    client = ctx.client()
    client.force_login(seeded["staff"])
    # The staff second factor (portal.mfa) would send this session to the code page; a session verified by
    # TOTP costs the same per request, so the bench switches the check off rather than enrolling a device.
    mfa_off = override_settings(STAFF_MFA_REQUIRED=False)
    mfa_off.enable()

    def get(path, params=None):
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code)
        return response

    number = 1
    ctx.measure(
        "performance: staff dashboard, 30 days",
        lambda: get("/performance/dashboard/", seeded["period_30"]),
        number=number,
        repeat=3,
        note=f"{n:,} applications, all services",
    )
    ctx.measure(
        "performance: staff dashboard, 12 months",
        lambda: get("/performance/dashboard/", seeded["period_365"]),
        number=number,
        repeat=3,
        note="365 days of money per day",
    )
    ctx.measure(
        "performance: CSV of the services table, 12 months",
        lambda: get("/performance/dashboard/services.csv", seeded["period_365"]),
        number=number,
        repeat=3,
    )

    def public_uncached():
        cache.clear()
        return get("/performance/")

    ctx.measure(
        "performance: public page, uncached", public_uncached, number=number, repeat=3, note="30 days + 12 months"
    )
    get("/performance/")
    ctx.measure("performance: public page, cached", lambda: get("/performance/"), number=50, note="Redis/locmem cache")
    mfa_off.disable()
