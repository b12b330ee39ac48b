"""What every router of the app's API shares: error responses, paging, query slugs and PDF answers.

Operation ids are part of the published schema (app clients name their methods after them): the
routers split out of the former ``api/endpoints.py`` keep its ids with ``operation_id=``.
"""

from django.http import FileResponse
from ninja import Query

from api import schemas

ERRORS = {400: schemas.Error, 401: schemas.Error, 404: schemas.Error, 422: schemas.Error, 429: schemas.Error}
LIST_ERRORS = {401: schemas.Error, 422: schemas.Error}
LIMIT = Query(50, ge=1, le=100)
OFFSET = Query(0, ge=0, le=100_000)
# Status and service names are short slugs: anything else (a NUL byte, say) is refused, not looked up.
SLUG = Query("", max_length=40, pattern=r"^[a-z0-9_-]*$")
# A step refused because the case is not in the right status (or a slot was taken meanwhile).
ACTION_ERRORS = {**ERRORS, 409: schemas.Error}
PDF = {"responses": {200: {"content": {"application/pdf": {}}}}}


def pdf_response(document) -> FileResponse:
    """An issued document's PDF as a download, with its verification code in a header."""
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.display_code}.pdf",
        content_type="application/pdf",
    )
    response["X-Document-Code"] = document.display_code
    response["Cache-Control"] = "private, no-store"
    return response
