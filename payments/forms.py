from django import forms
from django.utils.translation import gettext_lazy as _

from payments.billing_numbers import billing_number_is_valid, billing_number_normalise
from payments.models import Bill


class PaymentApplyForm(forms.Form):
    billing_number = forms.CharField(
        label=_("E-payment number of the bill to pay"),
        max_length=20,
        help_text=_("13 digits. The bill must be open or expired and due exactly the paid amount."),
    )
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def clean_billing_number(self):
        number = billing_number_normalise(self.cleaned_data["billing_number"])
        if not billing_number_is_valid(number):
            raise forms.ValidationError(_("This is not a valid e-payment number: check the digits."))
        bill = Bill.objects.filter(billing_number=number).first()
        if bill is None:
            raise forms.ValidationError(_("No bill has this e-payment number."))
        self.cleaned_data["bill"] = bill
        return number


class PaymentRefundForm(forms.Form):
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class SettlementUploadForm(forms.Form):
    statement = forms.FileField(
        label=_("Settlement statement (CSV)"),
        help_text=_("eFAWATEERcom's daily statement with the columns JOEBPPSTrx, BillingNo, PaidAmt, STMTDate."),
    )
