"""Deployment checks of the portal's own security settings (run by `check --deploy`, hence `make check`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_mfa_check(app_configs, **kwargs):
    if not getattr(settings, "STAFF_MFA_REQUIRED", True):
        return [
            Warning(
                "STAFF_MFA_REQUIRED is off: staff reach the admin with a password alone.",
                hint="Remove STAFF_MFA_REQUIRED=False from the environment.",
                id="portal.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def content_security_policy_check(app_configs, **kwargs):
    from portal.middleware import content_security_policy

    warnings = []
    if "portal.middleware.SecurityHeadersMiddleware" not in settings.MIDDLEWARE:
        warnings.append(Warning("The Content Security Policy middleware is not installed.", id="portal.W002"))
    script_src = [d for d in content_security_policy().split(";") if d.strip().startswith("script-src")]
    if any("'unsafe-inline'" in d or "'unsafe-eval'" in d for d in script_src):
        warnings.append(Warning("The Content Security Policy allows inline scripts.", id="portal.W003"))
    return warnings


@register("storage", deploy=True)
def private_storage_check(app_configs, **kwargs):
    """The private file store answers (issue 19): at deploy time an unreachable S3 endpoint, a missing bucket or
    refused keys stop start-up with the variable to fix, not the first citizen's upload."""
    from django.core.checks import Error
    from django.core.files.storage import storages

    from core.storage import is_object_store, probe

    storage = storages["private"]
    if not is_object_store(storage):
        return []
    problem = probe(storage)
    return [Error(problem, id="portal.E010")] if problem else []
