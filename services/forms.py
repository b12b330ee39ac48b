"""Forms of the services pages: private uploads, document verification, the filter of My applications."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from services.uploads import DEFAULT_ALLOWED, KINDS, upload_check

_ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
}


class PrivateFileField(forms.FileField):
    """A file field that checks the upload by content, as ``services.uploads.upload_store`` does.

    The cleaned value is the uploaded file (pass it to ``upload_store``); ``help_text`` defaults to the
    accepted types and the size limit.
    """

    def __init__(self, *, allowed=DEFAULT_ALLOWED, **kwargs):
        self.allowed = tuple(allowed)
        kwargs.setdefault("help_text", _file_help(self.allowed))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(_ACCEPT[k] for k in self.allowed))

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and file is not initial:
            checked = upload_check(file=file, allowed=self.allowed)
            file.checked = checked
        return file


def _file_help(allowed):
    def text():
        return _("%(types)s, up to %(limit)s.") % {
            "types": ", ".join(KINDS[k][1] for k in allowed),
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
        }

    return lazy(text, str)()


class VerifyUploadForm(forms.Form):
    """Compare a PDF someone holds with the one the municipality issued."""

    pdf = PrivateFileField(label=_("The PDF you were given"), allowed=("pdf",))


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
