"""Finance staff's admin: bills, payments, the queue of payments waiting for a decision, raw
eFAWATEERcom messages and settlement statements. Actions call ``payments.services`` /
``payments.reconciliation`` only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from payments.constants import PaymentState
from payments.forms import PaymentApplyForm, PaymentRefundForm, SettlementUploadForm
from payments.models import (
    Bill,
    BillLine,
    Message,
    Payment,
    PaymentAction,
    QueuedPayment,
    Receipt,
    SettlementImport,
    SettlementLine,
)
from payments.reconciliation import SettlementError, settlement_import
from payments.services import BillStateError, PaymentError, bill_close, payment_apply, payment_mark_refund


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BillLineInline(ReadOnlyInline):
    model = BillLine
    fields = ("position", "description_ar", "description_en", "amount", "item_key", "content_type", "object_id")
    readonly_fields = fields


class BillPaymentInline(ReadOnlyInline):
    model = Payment
    fk_name = "bill"
    fields = ("trx", "paid_amount", "state", "reason", "source", "received_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = (
        "billing_number",
        "kind",
        "service_type",
        "amount",
        "status",
        "payer_name",
        "issued_at",
        "expires_at",
    )
    list_filter = ("status", "kind", "service_type")
    search_fields = ("=billing_number", "payer_name", "lines__item_key")
    date_hierarchy = "issued_at"
    list_select_related = ()
    inlines = [BillLineInline, BillPaymentInline]
    actions = ["close_bills"]
    readonly_fields = [f.name for f in Bill._meta.fields]

    def has_add_permission(self, request):
        # Bills are issued by the services that own them, never typed in.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Close the selected open bills"), permissions=["change"])
    def close_bills(self, request, queryset):
        closed = 0
        for bill in queryset:
            try:
                before = bill.status
                if (
                    bill_close(bill=bill, reason=f"closed by {request.user.get_username()} in the admin").status
                    != before
                ):
                    closed += 1
            except BillStateError:
                self.message_user(request, _("Bill %(n)s is paid and was not closed.") % {"n": bill}, messages.WARNING)
        self.message_user(
            request, ngettext("%(n)s bill closed.", "%(n)s bills closed.", closed) % {"n": closed}, messages.SUCCESS
        )


class PaymentActionInline(ReadOnlyInline):
    model = PaymentAction
    fields = ("created_at", "action", "actor", "bill", "note_display")
    readonly_fields = fields

    @admin.display(description=_("Note"))
    def note_display(self, obj):
        return obj.note_display


PAYMENT_FIELDS = (
    "trx",
    "billing_number",
    "bill",
    "state",
    "reason",
    "source",
    "paid_amount",
    "due_amount",
    "fees_amount",
    "fees_on_biller",
    "service_type",
    "biller_code",
    "bank_trx_id",
    "bank_code",
    "pmt_status",
    "payment_method",
    "payment_type",
    "access_channel",
    "pmt_src",
    "process_date",
    "stmt_date",
    "received_at",
    "applied_at",
    "message",
    "details",
)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("trx", "billing_number", "paid_amount", "state", "reason", "source", "received_at")
    list_filter = ("state", "reason", "source", "stmt_date")
    search_fields = ("=trx", "=billing_number", "=bank_trx_id")
    date_hierarchy = "received_at"
    readonly_fields = (*PAYMENT_FIELDS, "resolve_link")
    fields = ("resolve_link", *PAYMENT_FIELDS)
    inlines = [PaymentActionInline]

    @admin.display(description=_("Decide"))
    def resolve_link(self, obj):
        if obj is None or obj.state != PaymentState.QUEUED:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:payments_payment_resolve", args=[obj.pk]), _("Apply or refund")
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("<int:pk>/resolve/", self.admin_site.admin_view(self.resolve_view), name="payments_payment_resolve"),
            *super().get_urls(),
        ]

    def resolve_view(self, request, pk):
        """Apply a queued payment to a bill, or mark it for refund, with the reason written down."""
        payment = get_object_or_404(Payment, pk=pk)
        if not self.has_change_permission(request, payment):
            raise PermissionDenied
        apply_form = PaymentApplyForm(request.POST if "apply" in request.POST else None, prefix="apply")
        refund_form = PaymentRefundForm(request.POST if "refund" in request.POST else None, prefix="refund")
        if request.method == "POST" and payment.state == PaymentState.QUEUED:
            try:
                if "apply" in request.POST and apply_form.is_valid():
                    bill = apply_form.cleaned_data["bill"]
                    payment_apply(payment=payment, bill=bill, actor=request.user, note=apply_form.cleaned_data["note"])
                    self.message_user(
                        request, _("Payment applied to bill %(bill)s.") % {"bill": bill}, messages.SUCCESS
                    )
                    return HttpResponseRedirect(reverse("admin:payments_payment_change", args=[payment.pk]))
                if "refund" in request.POST and refund_form.is_valid():
                    payment_mark_refund(payment=payment, actor=request.user, note=refund_form.cleaned_data["note"])
                    self.message_user(request, _("Payment marked for refund."), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:payments_payment_change", args=[payment.pk]))
            except PaymentError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Resolve payment %(trx)s") % {"trx": payment.trx},
            "payment": payment,
            "apply_form": apply_form,
            "refund_form": refund_form,
            "opts": self.model._meta,
            "is_queued": payment.state == PaymentState.QUEUED,
        }
        return TemplateResponse(request, "admin/payments/payment_resolve.html", context)


@admin.register(QueuedPayment)
class QueuedPaymentAdmin(PaymentAdmin):
    list_display = ("trx", "billing_number", "paid_amount", "reason", "received_at", "resolve_link")
    list_filter = ("reason", "source")
    inlines = [PaymentActionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=PaymentState.QUEUED)

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)

    @admin.display(description=_("Decide"))
    def resolve_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:payments_payment_resolve", args=[obj.pk]), _("Apply or refund")
        )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "kind", "guid", "result_code", "soap", "remote_addr")
    list_filter = ("kind", "result_code", "soap")
    search_fields = ("=guid",)
    date_hierarchy = "received_at"
    fields = ("kind", "guid", "received_at", "remote_addr", "result_code", "soap", "request_text", "response_text")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Request as received"))
    def request_text(self, obj):
        return format_html(
            "<pre dir='ltr' style='white-space:pre-wrap'>{}</pre>", bytes(obj.request).decode("utf-8", "replace")
        )

    @admin.display(description=_("Response as sent"))
    def response_text(self, obj):
        return format_html(
            "<pre dir='ltr' style='white-space:pre-wrap'>{}</pre>", bytes(obj.response).decode("utf-8", "replace")
        )


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ("bill", "document", "created_at")
    search_fields = ("=bill__billing_number",)
    readonly_fields = ("bill", "payment", "document", "created_at")

    def has_add_permission(self, request):
        return False


class SettlementLineInline(ReadOnlyInline):
    model = SettlementLine
    fields = ("line_number", "outcome", "trx", "billing_number", "paid_amount", "stmt_date", "note", "payment")
    readonly_fields = fields

    def get_queryset(self, request):
        # Problems first: what staff must look at.
        return super().get_queryset(request).select_related("payment").order_by("outcome", "line_number", "pk")


@admin.register(SettlementImport)
class SettlementImportAdmin(admin.ModelAdmin):
    list_display = (
        "uploaded_at",
        "file_name",
        "first_day",
        "last_day",
        "line_count",
        "matched_count",
        "recovered_count",
        "problem_count",
        "uploaded_by",
    )
    readonly_fields = (
        "file_name",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "first_day",
        "last_day",
        "line_count",
        "matched_count",
        "recovered_count",
        "problem_count",
        "outcome_summary",
    )
    inlines = [SettlementLineInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewable, never editable: the statement is evidence.
        return False

    @admin.display(description=_("Outcomes"))
    def outcome_summary(self, obj):
        counts = obj.lines.values("outcome").annotate(n=Count("pk")).order_by("outcome")
        labels = dict(SettlementLine.Outcome.choices)
        return "; ".join(f"{labels[c['outcome']]}: {c['n']}" for c in counts)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SettlementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["statement"]
            try:
                settlement = settlement_import(data=upload.read(), file_name=upload.name, actor=request.user)
            except SettlementError as exc:
                form.add_error("statement", str(exc))
            else:
                self.message_user(
                    request,
                    # One count meets the noun ("12 سطراً"); the others are labelled, so none disagrees.
                    ngettext(
                        "Statement imported: %(n)s line (%(breakdown)s).",
                        "Statement imported: %(n)s lines (%(breakdown)s).",
                        settlement.line_count,
                    )
                    % {
                        "n": settlement.line_count,
                        "breakdown": _("matched: %(matched)s, recorded now: %(recovered)s, to look at: %(problems)s")
                        % {
                            "matched": settlement.matched_count,
                            "recovered": settlement.recovered_count,
                            "problems": settlement.problem_count,
                        },
                    },
                    messages.SUCCESS if not settlement.problem_count else messages.WARNING,
                )
                return HttpResponseRedirect(reverse("admin:payments_settlementimport_change", args=[settlement.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a settlement statement"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/settlement_upload.html", context)
