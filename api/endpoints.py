"""The names api/accident_claims.py, api/contractor_permits.py and api/licence_splitting.py import
from here, kept until they import them from their own modules. The endpoints that were here are in
api/tokens.py, api/violations.py, api/bills.py, api/applications.py, api/inbox.py, api/documents.py.
"""

from api.applications import application_out as _application
from api.bills import bill_out as _bill
from api.common import ERRORS, LIST_ERRORS
from api.common import pdf_response as _pdf
from core.money import money_text as _money

__all__ = ["ERRORS", "LIST_ERRORS", "_application", "_bill", "_money", "_pdf"]
