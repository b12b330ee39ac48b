from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from performance.constants import MONTH_DAYS
from performance.selectors import Period, services_by_kind

MAX_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    """The dashboard's filter: a service (or all) and a period of whole days."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, services=None, **kwargs):
        """``services``: :func:`services_by_kind`, when the caller has read it already."""
        super().__init__(*args, **kwargs)
        services = services_by_kind() if services is None else services
        self.fields["service"].choices = [("", _("All services"))] + [
            (kind, service.tr("name") if service else kind) for kind, service in services.items()
        ]

    @classmethod
    def from_query(cls, query, *, services=None):
        """Bound to the query string, with the public page's first window (the last 30 days) when it gives no dates."""
        data = query.copy()
        default = Period.last_days(MONTH_DAYS)
        data.setdefault("start", default.first.isoformat())
        data.setdefault("end", default.last.isoformat())
        return cls(data, services=services)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period is before its start."))
            elif end - start > timedelta(days=MAX_PERIOD_DAYS - 1):
                self.add_error("end", _("Choose a period of at most a year."))
            elif start > timezone.localdate():
                self.add_error("start", _("The period starts in the future."))
        return cleaned

    @property
    def period(self) -> Period:
        return Period(first=self.cleaned_data["start"], last=self.cleaned_data["end"])

    @property
    def kinds(self) -> list[str] | None:
        kind = self.cleaned_data.get("service")
        return [kind] if kind else None


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with this service?"),
        coerce=int,
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — neither satisfied nor dissatisfied")),
            (2, _("2 — dissatisfied")),
            (1, _("1 — very dissatisfied")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write personal details here."),
    )
