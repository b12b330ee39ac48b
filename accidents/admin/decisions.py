"""Staff decisions on a claim: one page per step (value, check the insurance, review the letter, cancel),
the private files, and the bulk actions. Every decision calls one function of ``accidents.workflow``."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accidents.constants import ClaimStatus
from accidents.forms import LetterDecisionForm, ReasonForm, ValuationFormSet, ValuationNoteForm
from accidents.insurance import InsuranceUnavailableError
from accidents.workflow import (
    ValuationLine,
    claim_cancel,
    claim_insurance_check,
    claim_letter_decide,
    claim_value,
)
from core.money import money_text
from services.workflow import TransitionError

S = ClaimStatus


class ClaimDecisionsMixin:
    """For ``AccidentClaimAdmin``: the buttons on the case file and the pages behind them."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "decisions": self._decisions(request, claim) if claim else []}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _decisions(self, request, claim):
        """The buttons for what staff may do now, given the claim's status and their permissions."""
        user = request.user
        buttons = []
        if claim.status == S.SUBMITTED and user.has_perm("accidents.value_accidentclaim"):
            buttons.append(("value", _("Value the damage"), "default"))
        if claim.status == S.VALUED and user.has_perm("accidents.check_insurance_accidentclaim"):
            buttons.append(("insurance", _("Check the insurance again"), "default"))
        if claim.status == S.LETTER_REVIEW and user.has_perm("accidents.review_letter_accidentclaim"):
            buttons.append(("letter", _("Review the insurer's letter"), "default"))
        if not claim.is_closed and user.has_perm("accidents.cancel_accidentclaim"):
            buttons.append(("cancel", _("Cancel the request"), "deletelink"))
        return [
            (reverse(f"admin:accidents_accidentclaim_{name}", args=[claim.pk]), label, css)
            for name, label, css in buttons
        ]

    # --- decision pages --------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/value/", view(self.value_view), name="accidents_accidentclaim_value"),
            path("<int:pk>/insurance/", view(self.insurance_view), name="accidents_accidentclaim_insurance"),
            path("<int:pk>/letter/", view(self.letter_view), name="accidents_accidentclaim_letter"),
            path("<int:pk>/cancel/", view(self.cancel_view), name="accidents_accidentclaim_cancel"),
            path("<int:pk>/file/<str:which>/", view(self.file_view), name="accidents_accidentclaim_file"),
            *super().get_urls(),
        ]

    def _claim(self, request, pk, perm: str | None):
        claim = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        if perm and not request.user.has_perm(f"accidents.{perm}"):
            raise PermissionDenied
        return claim

    def _change_url(self, claim):
        return reverse("admin:accidents_accidentclaim_change", args=[claim.pk])

    def _render(self, request, claim, template, context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "claim": claim,
                "original": claim,
                "title": context.pop("title"),
                "items": list(claim.items.all()),
                **context,
            },
        )

    def value_view(self, request, pk):
        claim = self._claim(request, pk, "value_accidentclaim")
        formset = ValuationFormSet(request.POST or None, prefix="items")
        note_form = ValuationNoteForm(request.POST or None)
        if request.method == "POST" and formset.is_valid() and note_form.is_valid():
            lines = [
                ValuationLine(
                    department=f.cleaned_data["department"],
                    description=f.cleaned_data["description"],
                    quantity=f.cleaned_data["quantity"],
                    unit=f.cleaned_data["unit"],
                    unit_price=f.cleaned_data["unit_price"],
                )
                for f in formset.forms
                if f.cleaned_data
            ]
            try:
                claim = claim_value(
                    claim=claim, lines=lines, actor=request.user, public_note=note_form.cleaned_data["public_note"]
                )
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(claim))
            else:
                self.message_user(
                    request,
                    gettext("Valued at %(amount)s JOD. The request is now: %(status)s.")
                    % {"amount": money_text(claim.damage_amount), "status": claim.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(claim))
        return self._render(
            request,
            claim,
            "admin/accidents/accidentclaim/value.html",
            {
                "title": gettext("Value the damage of %(reference)s") % {"reference": claim.reference},
                "formset": formset,
                "note_form": note_form,
            },
        )

    def insurance_view(self, request, pk):
        claim = self._claim(request, pk, "check_insurance_accidentclaim")
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(claim))
        try:
            claim = claim_insurance_check(claim=claim, actor=request.user)
        except (TransitionError, InsuranceUnavailableError) as exc:
            self.message_user(request, str(exc) or gettext("The insurance registry is not answering."), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Insurance %(state)s. The request is now: %(status)s.")
                % {"state": claim.get_insurance_state_display(), "status": claim.get_status_display()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(claim))

    def letter_view(self, request, pk):
        claim = self._claim(request, pk, "review_letter_accidentclaim")
        form = LetterDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim = claim_letter_decide(
                    claim=claim,
                    actor=request.user,
                    valid=form.cleaned_data["decision"] == "valid",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error("reason", exc)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(claim))
            else:
                self.message_user(
                    request,
                    gettext("Decision recorded. The request is now: %(status)s.")
                    % {"status": claim.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(claim))
        return self._render(
            request,
            claim,
            "admin/accidents/accidentclaim/letter.html",
            {
                "title": gettext("Review the insurer's letter of %(reference)s") % {"reference": claim.reference},
                "form": form,
                "letter_url": reverse("admin:accidents_accidentclaim_file", args=[claim.pk, "letter"]),
            },
        )

    def cancel_view(self, request, pk):
        claim = self._claim(request, pk, "cancel_accidentclaim")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim = claim_cancel(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error("reason", exc)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(claim))
            else:
                self.message_user(request, gettext("The request is cancelled."), messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(claim))
        return self._render(
            request,
            claim,
            "admin/accidents/accidentclaim/cancel.html",
            {"title": gettext("Cancel %(reference)s") % {"reference": claim.reference}, "form": form},
        )

    def file_view(self, request, pk, which):
        """The sketch or the letter, to staff who may view this claim (never a public URL)."""
        claim = self._claim(request, pk, None)
        upload = {"sketch": claim.sketch, "letter": claim.letter}.get(which)
        if upload is None:
            raise Http404
        response = FileResponse(upload.file.open("rb"), content_type=upload.content_type)
        response["Content-Disposition"] = f'inline; filename="{claim.reference}-{which}.{upload.extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    # --- bulk actions ----------------------------------------------------------------------------
    @admin.action(description=_("Check the insurance again (valued requests)"), permissions=["check_insurance"])
    def action_check_insurance(self, request, queryset):
        done, refused = 0, 0
        for claim in queryset.filter(status=S.VALUED):
            try:
                claim_insurance_check(claim=claim, actor=request.user)
                done += 1
            except (TransitionError, InsuranceUnavailableError):
                refused += 1
        skipped = queryset.exclude(status=S.VALUED).count()
        text = ngettext("Insurance checked on %(n)s request.", "Insurance checked on %(n)s requests.", done) % {
            "n": done
        }
        if other := skipped + refused:
            left = ngettext(
                "%(n)s request not waiting for a check was left alone.",
                "%(n)s requests not waiting for a check were left alone.",
                other,
            )
            text = f"{text} {left % {'n': other}}"
        self.message_user(request, text, messages.SUCCESS if done else messages.WARNING)

    @admin.action(description=_("Cancel the selected requests (with a reason)"), permissions=["cancel"])
    def action_cancel(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            cancelled, refused = 0, []
            for claim in queryset:
                try:
                    claim_cancel(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
                    cancelled += 1
                except TransitionError:
                    refused.append(claim.reference)
            self.message_user(
                request,
                ngettext("%(n)s request cancelled.", "%(n)s requests cancelled.", cancelled) % {"n": cancelled},
                messages.SUCCESS,
            )
            if refused:
                self.message_user(
                    request,
                    gettext("Already closed, left alone: %(refs)s") % {"refs": ", ".join(refused)},
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/accidents/accidentclaim/cancel_many.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Cancel the selected requests"),
                "claims": queryset,
                "form": form,
                "action": "action_cancel",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_check_insurance_permission(self, request):
        return request.user.has_perm("accidents.check_insurance_accidentclaim")

    def has_cancel_permission(self, request):
        return request.user.has_perm("accidents.cancel_accidentclaim")
