"""The inquiry's log line (who looked up whose vehicle or licence) is written while the statement that answers
it is read and laid out (core.alongside, issue 20), and is committed before that answer is given: an inquiry
whose line cannot be written is not answered with a statement."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from violations.models import InquiryLog

BY_VEHICLE = reverse("violations:inquiry-vehicle")
BY_LICENCE = reverse("violations:inquiry-licence")
FORM = {"plate_code": "10", "plate_number": "79210", "registration_number": "7702154"}

# Committed as the portal commits (no test transaction around the request: inside one, the line is written
# in place, with the caller's transaction).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="written alongside on PostgreSQL only"),
]


def test_the_line_is_written_on_another_connection_and_committed_when_the_statement_is_answered(
    logged_in, user, vehicle, three
):
    with CaptureQueriesContext(connection) as request_queries:
        response = logged_in.post(BY_VEHICLE, FORM)
    assert response.status_code == 200 and "V-A" in response.content.decode()
    table = InquiryLog._meta.db_table
    assert not [q for q in request_queries.captured_queries if table in q["sql"]]  # not on the request's own
    (log,) = InquiryLog.objects.all()  # and committed: seen from here once the answer is given
    assert (log.user, log.matched) == (user, True)


def test_an_inquiry_whose_line_cannot_be_written_gets_no_statement(logged_in, vehicle, three):
    table = connection.ops.quote_name(InquiryLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT refuse_every_line CHECK (false) NOT VALID")
    try:
        with pytest.raises(IntegrityError):  # answered as an error (500), not with the statement
            logged_in.post(BY_VEHICLE, FORM)
        with pytest.raises(IntegrityError):
            logged_in.post(BY_LICENCE, {"licence_number": "12345678", "centre": "", "category": ""})
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT refuse_every_line")
    assert not InquiryLog.objects.exists()
