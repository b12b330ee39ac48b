"""The filter form of "My applications" (choices come from the party's own applications)."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _


class ApplicationFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, services: list[tuple[str, str]], statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "application-filters mb-4"
        self.helper.attrs = {"role": "search", "aria-label": _("Filter applications")}
        self.helper.layout = Layout(
            Row(
                Column("service", css_class="col-md-5"),
                Column("status", css_class="col-md-4"),
                # No name: the button adds nothing to the query string.
                Column(StrictButton(_("Show"), type="submit", css_class="btn-primary mt-md-4"), css_class="col-md-3"),
            )
        )
