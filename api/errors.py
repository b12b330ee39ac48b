"""Errors as JSON: a stable machine ``code``, a translated ``message`` and, for bad input, ``fields``."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from core.storage import StorageUnavailableError
from services.workflow import TransitionError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message, fields: dict | None = None):
        super().__init__(code)
        self.status, self.code, self.message, self.fields = status, code, str(message), fields


def form_error(form) -> ApiError:
    """A Django form's errors, field by field (``__all__`` for errors about the whole input)."""
    fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    return ApiError(422, "invalid", _("Some of the information is not valid."), fields)


def body(code: str, message, fields: dict | None = None) -> dict:
    data = {"code": code, "message": str(message)}
    if fields:
        data["fields"] = fields
    return data


def _field_name(loc) -> str:
    # ninja reports ("body", "payload", "plate_code") or ("query", "status"): the last part names the field.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload")]
    return parts[-1] if parts else "__all__"


def install(api) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return api.create_response(request, body(exc.code, exc.message, exc.fields), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc", ())), []).append(
                str(_("This value is missing or not valid."))
            )
        return api.create_response(
            request, body("invalid", _("Some of the information is not valid."), fields), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def django_invalid(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            fields = {"__all__": [str(m) for m in exc.messages]}
        return api.create_response(
            request, body("invalid", _("Some of the information is not valid."), fields), status=422
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, body("not_authenticated", _("Sign in first: send a valid app token.")), status=401
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, body("not_found", _("Not found.")), status=404)

    @api.exception_handler(PermissionDenied)
    def not_yours(request, exc):
        # Someone else's object: the same 404 as one that does not exist (endpoints check first;
        # this is the workflow's own check answering).
        return api.create_response(request, body("not_found", _("Not found.")), status=404)

    @api.exception_handler(TransitionError)
    def wrong_status(request, exc: TransitionError):
        # The workflow refused the step in the application's current status (e.g. a second choice).
        return api.create_response(request, body("wrong_status", str(exc)), status=409)

    @api.exception_handler(Ratelimited)
    def limited(request, exc):
        return api.create_response(
            request, body("rate_limited", _("Too many requests. Wait a while and try again.")), status=429
        )

    @api.exception_handler(StorageUnavailableError)
    def files_unavailable(request, exc: StorageUnavailableError):
        # The file store is down (issue 19): the record is safe, the file can be fetched again later.
        logger.error("API file request: the private file store is unavailable: %s", exc)
        response = api.create_response(
            request,
            body(
                "files_unavailable",
                _("Files cannot be fetched right now. Nothing is lost: try again in a few minutes."),
            ),
            status=503,
        )
        response["Retry-After"] = "60"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, body("error", exc.message), status=exc.status_code)
