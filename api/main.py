"""The municipality's smartphone app API (django-ninja): /api/v1/, schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

from api import (
    accident_claims,
    applications,
    bills,
    contractor_permits,
    devices,
    documents,
    errors,
    inbox,
    licence_splitting,
    tokens,
    violations,
)
from api.auth import TokenAuth

api = NinjaAPI(
    title="Amman e-Services Portal API",
    version="1",
    description=(
        "What a citizen does on the website, for the municipality's smartphone app. Sign in with "
        "POST /auth/token and send the token as `Authorization: Bearer <token>`. Messages follow "
        "Accept-Language (ar, en). Errors are JSON: a stable `code`, a translated `message` and, "
        "for bad input, `fields`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,  # Swagger UI would load scripts from a CDN; the schema is what apps need.
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/auth", tokens.auth_router)
api.add_router("/me/devices", devices.devices_router)
api.add_router("/me", tokens.me_router)
api.add_router("/violations", violations.violations_router)
api.add_router("/bills", bills.bills_router)
api.add_router("/applications", applications.applications_router)
api.add_router("/inbox", inbox.inbox_router)
api.add_router("/documents", documents.documents_router)
api.add_router("/contractors", contractor_permits.router)
api.add_router("/accidents", accident_claims.router)
api.add_router("/licensing", licence_splitting.router)
