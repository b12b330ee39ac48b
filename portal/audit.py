"""Writes the audit trail (portal.models.AuditEntry).

- Model changes: ``pre_save`` reads the row as stored, ``post_save``/``post_delete`` write one entry
  with the fields that changed, for every model in ``settings.AUDITED_MODELS`` (connected in
  ``PortalConfig.ready``). Queryset ``.update()`` bypasses signals: the workflows that use conditional
  updates for races (bill paid, deadline claimed) record those moves in ApplicationEvent / Payment rows.
- Staff views: ``AuditMiddleware`` records a staff member's successful GET of an admin page about one
  record (change, history, and the apps' own per-record admin pages) and of a person's file or document.
- Who: the signed-in person of the current request (a context variable set by the middleware); outside
  a request (Celery, commands, eFAWATEERcom calls) the entry says "system". From where: the client's
  address (``core.ratelimit.client_ip``, so behind the TLS proxy the client's, not the proxy's).
"""

from __future__ import annotations

import contextvars
import json
import re

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_save, pre_save

from core.ratelimit import client_ip

# The request, not its user: the token API sets request.user inside the view (api.auth.TokenAuth).
_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)
_path: contextvars.ContextVar = contextvars.ContextVar("audit_path", default="")

SYSTEM = "system"
MASK = "***"
# Field names whose values never enter the trail (only the fact that they changed).
MASKED_FIELDS = re.compile(r"(?i)password|secret|token|key|salt|hash|otp")
IGNORED_FIELDS = {"last_login", "updated_at"}
# Per-record pages under the admin, and files about a person, whose views by staff are recorded.
VIEWED_FILE_URLS = {
    "services:upload-download": ("services.Upload", "uuid"),
    "services:document-download": ("services.IssuedDocument", "code"),
}


def _actor_fields() -> dict:
    request = _request.get()
    where = {"ip_address": client_ip(request) if request is not None else None}
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor": None, "actor_repr": SYSTEM, **where}
    return {"actor_id": user.pk, "actor_repr": user.get_username()[:150], **where}


def _plain(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def _values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in IGNORED_FIELDS
    }


def record(*, action: str, instance=None, changes: dict | None = None, path: str | None = None, **extra):
    from portal.models import AuditEntry

    fields = {"action": action, "changes": changes or {}, "path": (path if path is not None else _path.get())[:300]}
    if instance is not None:
        fields.update(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk)[:64],
            object_repr=str(instance)[:200],
        )
    fields.update(extra)
    return AuditEntry.objects.create(**_actor_fields(), **fields)


def _diff(old: dict, new: dict, *, only=None) -> dict:
    changes = {}
    for name, value in new.items():
        if only is not None and name not in only and name.removesuffix("_id") not in only:
            continue
        before = old.get(name)
        if _plain(before) == _plain(value):
            continue
        if MASKED_FIELDS.search(name):
            changes[name] = [MASK if before not in (None, "") else None, MASK]
        else:
            changes[name] = [_plain(before), _plain(value)]
    return changes


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_old = None
        return
    names = [f.attname for f in sender._meta.concrete_fields if f.attname not in IGNORED_FIELDS]
    instance._audit_old = sender._base_manager.filter(pk=instance.pk).values(*names).first()


def _post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    old = getattr(instance, "_audit_old", None)
    if created or old is None:
        changes = _diff({}, {k: v for k, v in _values(instance).items() if v not in (None, "")})
        record(action="create", instance=instance, changes=changes)
        return
    changes = _diff(old, _values(instance), only=set(update_fields) if update_fields else None)
    if changes:
        record(action="update", instance=instance, changes=changes)


def _post_delete(sender, instance, **kwargs):
    record(action="delete", instance=instance)


def connect() -> None:
    for label in getattr(settings, "AUDITED_MODELS", ()):
        model = apps.get_model(label)
        uid = f"portal.audit:{label}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=f"{uid}:post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=f"{uid}:delete")


def _admin_record(match):
    """(model, object id) for an admin page about one record, else None."""
    from django.contrib import admin

    object_id = match.kwargs.get("object_id") or match.kwargs.get("pk")
    if not object_id or "admin" not in match.namespaces:
        return None
    url_name = match.url_name or ""
    # The longest prefix wins: "accounts_user_" must not claim "accounts_user_profile_change".
    candidates = [
        model
        for model in admin.site._registry
        if url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_")
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda m: len(m._meta.model_name)), object_id


class AuditMiddleware:
    """Sets who is acting for the signals, and records staff views of one person's data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_token = _request.set(request)
        path_token = _path.set(request.path)
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            staff = user is not None and user.is_authenticated and user.is_staff
            if staff and request.method == "GET" and response.status_code == 200:
                self._record_view(request)
            return response
        finally:
            _request.reset(request_token)
            _path.reset(path_token)

    @staticmethod
    def _record_view(request):
        match = getattr(request, "resolver_match", None)
        if match is None:
            return
        found = _admin_record(match)
        if found is not None:
            model, object_id = found
            try:
                instance = model._base_manager.filter(pk=object_id).first()
            except (ValueError, TypeError, ValidationError):
                instance = None
            if instance is not None:
                record(action="view", instance=instance, changes={"page": match.view_name})
        elif match.view_name in VIEWED_FILE_URLS:
            label, field = VIEWED_FILE_URLS[match.view_name]
            instance = apps.get_model(label)._base_manager.filter(**{field: match.kwargs.get(field)}).first()
            if instance is not None:
                record(action="view", instance=instance, changes={"page": match.view_name})
