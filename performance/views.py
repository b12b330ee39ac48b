import csv
import dataclasses
import html

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods

from core.money import money_text
from core.plurals import minutes_text, working_days_text
from payments.constants import PaymentReason
from performance import charts
from performance.constants import EndReason, Unit
from performance.forms import PeriodForm, RatingForm
from performance.models import Rating
from performance.published import published_figures
from performance.selectors import (
    figures_for,
    money_per_day,
    queued_payments,
    service_kinds,
    services_by_kind,
    waiting_work,
)
from performance.workflow import application_is_completed, rating_submit
from services.models import Application


@dataclasses.dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    total: list | None = None
    chart: SafeString | None = None

    @property
    def body(self) -> SafeString:
        return _rows_html(self.rows)

    @property
    def foot(self) -> SafeString:
        return _rows_html([self.total], attrs=' class="fw-bold"') if self.total else SafeString("")


def _cell(value) -> str:
    # As ``{{ value }}`` renders it (localized, escaped), without a template node per cell: a tag per cell
    # was most of the 12-month dashboard's time (365 days of money, five cells each; issue 20). Most cells
    # are text already (amounts, days), which localizing leaves as they are.
    if type(value) is str:
        return html.escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(formats.localize(value))


def _rows_html(rows: list[list], *, attrs: str = "") -> SafeString:
    """Table rows, the first cell a row header, the others numbers ("–" when there is none)."""
    return mark_safe(  # noqa: S308 - every cell went through conditional_escape()
        "".join(
            f'<tr{attrs}><th scope="row">{_cell(row[0])}</th>'
            + "".join(f'<td class="num">{"–" if cell is None else _cell(cell)}</td>' for cell in row[1:])
            + "</tr>"
            for row in rows
        )
    )


def _service_name(figures_or_kind, services) -> str:
    kind = getattr(figures_or_kind, "kind", figures_or_kind)
    service = services.get(kind)
    return service.tr("name") if service else kind


def _unit_label(unit: str) -> str:
    return str(Unit(unit).label)


def _num(value, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.0f}"


def _standard(figures) -> str:
    if figures.standard is None:
        return _("Not set")
    # "3 أيام عمل", "10 دقائق", "يوما عمل": the noun in the form its count takes, not "N + the unit's label".
    if figures.unit == Unit.MINUTES:
        return minutes_text(figures.standard)
    return working_days_text(figures.standard)


def _dashboard_tables(form: PeriodForm, *, services, only: str = "") -> tuple[list[Table], dict]:
    """Every table of the dashboard (or, for a CSV, only the one named ``only``: the others are not computed).
    ``services``: :func:`services_by_kind`, read once per request."""
    period, kinds = form.period, form.kinds

    def needed(*keys):
        return not only or only in keys

    figures = (
        figures_for(kinds=kinds or service_kinds(), period=period, services=services)
        if needed("services", "endings")
        else []
    )
    waiting = waiting_work(kinds=kinds) if needed("waiting") else []
    money = money_per_day(period=period, kinds=kinds) if needed("money") else []
    queued = queued_payments() if needed("queued") else []

    summary = Table(
        "services",
        _("Applications and time to complete"),
        [
            _("Service"),
            _("Standard time"),
            _("Started"),
            _("Submitted"),
            _("Completed"),
            _("Cancelled or refused"),
            _("Completion rate (%)"),
            _("Median time"),
            _("90th percentile"),
            _("Unit"),
            _("Within the standard time (%)"),
            _("Satisfaction (1–5)"),
            _("Ratings"),
        ],
        [
            [
                _service_name(f, services),
                _standard(f),
                f.started,
                f.submitted,
                f.completed,
                f.cancelled,
                _pct(f.completion_rate),
                _num(f.median),
                _num(f.p90),
                _unit_label(f.unit),
                _pct(f.share_within_standard),
                _num(f.satisfaction),
                f.rated,
            ]
            for f in figures
        ],
    )
    endings = Table(
        "endings",
        _("Why applications ended without the service"),
        [_("Service"), *[str(label) for label in EndReason.labels], _("Total")],
        [[_service_name(f, services), *[f.ended[r] for r in EndReason.values], f.cancelled] for f in figures],
    )
    waiting_table = Table(
        "waiting",
        _("Work waiting at each step"),
        [_("Service"), _("Step"), _("Applications"), _("Oldest"), _("Submitted"), _("Days waiting")],
        [
            [
                _service_name(w.kind, services),
                w.label,
                w.count,
                w.oldest_reference,
                formats.date_format(timezone.localtime(w.oldest_at), "Y-m-d") if w.oldest_at else "",
                w.oldest_age_days,
            ]
            for w in waiting
        ],
    )
    money_table = Table(
        "money",
        _("Money through eFAWATEERcom per day (JOD)"),
        [_("Day"), _("Bills issued"), _("Billed"), _("Paid"), _("Outstanding")],
        [
            [d.day.isoformat(), d.bills, money_text(d.billed), money_text(d.paid), money_text(d.outstanding)]
            for d in money
        ],
        total=[
            _("Total"),
            sum(d.bills for d in money),
            money_text(sum(d.billed for d in money)),
            money_text(sum(d.paid for d in money)),
            money_text(sum(d.outstanding for d in money)),
        ],
    )
    queued_table = Table(
        "queued",
        _("Payments waiting for finance staff"),
        [_("Reason"), _("Payments"), _("Amount (JOD)"), _("Waiting since")],
        [
            [
                str(PaymentReason(q["reason"]).label) if q["reason"] in PaymentReason.values else q["reason"],
                q["n"],
                money_text(q["amount"]),
                formats.date_format(timezone.localtime(q["oldest"]), "Y-m-d H:i") if q["oldest"] else "",
            ]
            for q in queued
        ],
    )
    chart_data = {"figures": figures, "waiting": waiting, "money": money, "services": services}
    return [summary, endings, waiting_table, money_table, queued_table], chart_data


def _dashboard_charts(data) -> dict:
    services = data["services"]
    figures = data["figures"]
    days = [f for f in figures if f.unit == Unit.WORKING_DAYS]
    time_chart = charts.bar_chart(
        [(_service_name(f, services), f.median, f.standard) for f in days],
        title=_("Median working days from submission to completion, against the standard time"),
        marker_label=_("Standard time"),
    )
    waiting_chart = charts.bar_chart(
        [(f"{_service_name(w.kind, services)}: {w.label}", w.count, None) for w in data["waiting"]],
        title=_("Applications waiting at each step"),
        value_format=lambda v: f"{v:.0f}",
    )
    money_chart = charts.column_chart(
        [d.day.strftime("%m-%d") for d in data["money"]],
        [
            (_("Billed"), charts.LIGHT, [float(d.billed) for d in data["money"]]),
            (_("Paid"), charts.GREEN, [float(d.paid) for d in data["money"]]),
        ],
        title=_("Money billed and paid per day (JOD)"),
    )
    return {"services": time_chart, "waiting": waiting_chart, "money": money_chart}


@staff_member_required
def dashboard(request):
    services = services_by_kind()
    form = PeriodForm.from_query(request.GET, services=services)
    context = {"form": form, "tables": []}
    if form.is_valid():
        tables, data = _dashboard_tables(form, services=services)
        charts = _dashboard_charts(data)
        for table in tables:
            table.chart = charts.get(table.key)
        context.update(tables=tables, period=form.period)
        context["query"] = request.GET.urlencode()
    return render(request, "performance/dashboard.html", context)


@staff_member_required
def dashboard_csv(request, table: str):
    services = services_by_kind()
    form = PeriodForm.from_query(request.GET, services=services)
    if not form.is_valid():
        raise Http404("bad period")
    tables, _data = _dashboard_tables(form, services=services, only=table)
    chosen = next((t for t in tables if t.key == table), None)
    if chosen is None:
        raise Http404("no such table")
    period = form.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="performance-{table}-{period.first}-{period.last}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Arabic as UTF-8
    writer = csv.writer(response)
    writer.writerow(chosen.headers)
    writer.writerows(chosen.rows)
    if chosen.total:
        writer.writerow(chosen.total)
    return response


# --- the public page ------------------------------------------------------------------------------


def _amount_text(value, unit: str) -> str:
    """A time in a card's unit, the noun agreeing with the number (Arabic has six forms)."""
    if value is None:
        return "–"
    if float(value).is_integer():
        n = int(value)
        if unit == Unit.MINUTES:
            return ngettext("%(count)s minute", "%(count)s minutes", n) % {"count": n}
        return ngettext("%(count)s working day", "%(count)s working days", n) % {"count": n}
    # A fraction takes no plural rule: the form a measure takes after a decimal number.
    if unit == Unit.MINUTES:
        return pgettext("after a decimal number", "%(value)s minutes") % {"value": f"{value:.1f}"}
    return pgettext("after a decimal number", "%(value)s working days") % {"value": f"{value:.1f}"}


def _with_numbers(text: str, **numbers) -> SafeString:
    """A translated phrase with each number in its own ``<bdi>``, so the bidi algorithm cannot reorder the
    numbers and the words (a left-to-right cell showed the Arabic "4 من 5" as if it said 5 of 4)."""
    isolated = {key: format_html('<bdi class="num">{}</bdi>', value) for key, value in numbers.items()}
    return mark_safe(escape(text) % isolated)  # noqa: S308 - the text is escaped, the numbers formatted


def public(request):
    services = services_by_kind()
    published = published_figures(services=services)
    titles = {"month": _("The last 30 days"), "year": _("The last 12 months")}
    windows = []
    for window in published.windows:
        rows = []
        for f in window.figures:
            f = dataclasses.replace(f, service=services.get(f.kind))
            rows.append(
                {
                    "f": f,
                    "name": _service_name(f, services),
                    "completed": _with_numbers(
                        _("%(completed)s of %(closed)s"), completed=f.completed, closed=f.closed
                    ),
                    "satisfaction": None
                    if f.satisfaction is None
                    else _with_numbers(_("%(score)s out of 5"), score=f"{f.satisfaction:.1f}"),
                    "median": _amount_text(f.median, f.unit),
                    "standard": _amount_text(f.standard, f.unit) if f.standard else "",
                }
            )
        title = titles[window.key]
        chart = charts.bar_chart(
            [(r["name"], r["f"].median, r["f"].standard) for r in rows if r["f"].unit == Unit.WORKING_DAYS],
            title=_("Median working days to complete, against the standard time") + f" — {title}",
            marker_label=_("Standard time"),
        )
        windows.append({"key": window.key, "title": title, "period": window.period, "rows": rows, "chart": chart})
    return render(request, "performance/public.html", {"windows": windows, "computed_at": published.computed_at})


# --- satisfaction ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, reference: str):
    application = get_object_or_404(Application, reference=reference, applicant=request.user)
    if not application_is_completed(application):
        raise Http404("not completed")
    existing = Rating.objects.filter(application=application).first()
    form = RatingForm(request.POST or None)
    if existing is None and request.method == "POST" and form.is_valid():
        try:
            rating_submit(
                application=application,
                user=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect(application.get_absolute_url())
    return render(request, "performance/rate.html", {"application": application, "form": form, "existing": existing})
