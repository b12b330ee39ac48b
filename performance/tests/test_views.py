import csv
import io
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import UserFactory
from performance.models import Rating
from performance.published import cache_key
from performance.tests.factories import at, make_application, make_bill

pytestmark = pytest.mark.django_db
NOW = at("2026-03-15 18:00")
QUERY = {"start": "2026-03-01", "end": "2026-03-15"}


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)


@pytest.fixture
def some(catalogue, user):
    service = catalogue["profession-licence-splitting"]
    done = make_application(
        applicant=user, status="issued", created=at("2026-03-01 10:00"), closed=at("2026-03-03 10:00"), service=service
    )
    make_application(applicant=user, status="awaiting_payment", created=at("2026-03-02 10:00"), service=service)
    make_bill(amount="12.500", issued=at("2026-03-02 10:00"), paid=at("2026-03-02 12:00"))
    return done


def _get(client, url, **params):
    return client.get(url, params)


@time_machine.travel(NOW, tick=False)
def test_dashboard_is_for_staff_only(client, user, some):
    url = reverse("performance:dashboard")
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(reverse("performance:dashboard-csv", args=["services"])).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_dashboard_shows_the_figures_and_charts(client, staff, some):
    client.force_login(staff)
    response = client.get(reverse("performance:dashboard"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3
    assert some.reference not in html  # the only open one is the oldest waiting, not the completed
    assert "12.500" in html
    tables = {t.key: t for t in response.context["tables"]}
    assert set(tables) == {"services", "endings", "waiting", "money", "queued"}
    licensing = next(r for r in tables["services"].rows if r[2] == 2)
    assert licensing[4] == 1 and licensing[7] == "2.0"  # completed once, in 2 working days


@time_machine.travel(NOW, tick=False)
def test_dashboard_bad_period_keeps_the_input_and_says_why(client, staff, some):
    client.force_login(staff)
    response = client.get(
        reverse("performance:dashboard"), {"service": "licensing", "start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "end" in form.errors
    html = response.content.decode()
    assert 'value="2026-03-10"' in html and 'value="2026-03-01"' in html
    assert '<option value="licensing" selected>' in html  # the service chosen stays chosen
    # The error is tied to its field for assistive technology, and shown under it.
    assert 'aria-invalid="true" aria-describedby="id_end_error" id="id_end"' in html
    assert (
        f'<div id="id_end_error" class="invalid-feedback"><p><strong>{form.errors["end"][0]}</strong></p></div>' in html
    )
    assert 'id="id_start_error"' not in html and 'id="id_service_error"' not in html
    assert response.context["tables"] == []


@time_machine.travel(NOW, tick=False)
def test_dashboard_refuses_an_unknown_service_under_its_field(client, staff, some):
    client.force_login(staff)
    response = client.get(
        reverse("performance:dashboard"), {"service": "nope", "start": "2026-03-01", "end": "2026-03-10"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and response.context["tables"] == []
    assert 'aria-describedby="id_service_error"' in html and 'id="id_service_error" class="invalid-feedback"' in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("table", ["services", "endings", "waiting", "money", "queued"])
def test_every_table_exports_as_csv(client, staff, some, table):
    client.force_login(staff)
    response = client.get(reverse("performance:dashboard-csv", args=[table]), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"performance-{table}-2026-03-01-2026-03-15.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows[0]) >= 4
    if table == "money":
        assert rows[0][0] and len(rows) == 1 + 15 + 1  # header, 15 days, total
        assert rows[-1][2:4] == ["12.500", "12.500"]


@time_machine.travel(NOW, tick=False)
def test_unknown_csv_table_is_404(client, staff, some):
    client.force_login(staff)
    assert client.get(reverse("performance:dashboard-csv", args=["nope"]), QUERY).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_public_page_has_no_personal_data_and_is_cached(client, some, user, django_assert_max_num_queries):
    response = client.get(reverse("performance:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "تجزئة رخصة مهن" in html or "Profession" in html
    for personal in (some.reference, user.full_name_ar, user.national_id, user.mobile, user.username):
        assert personal not in html
    assert cache.get(cache_key()) is not None
    # A second view reads the cached figures: no aggregate runs again.
    with django_assert_max_num_queries(3):
        assert client.get(reverse("performance:public")).status_code == 200


def test_rating_a_completed_application_once_from_its_page(client, catalogue, user):
    from accidents.tests.factories import ClaimFactory

    claim = ClaimFactory(released_by_letter=True, applicant=user)
    assert claim.status == "released"
    client.force_login(user)
    url = reverse("performance:rate", args=[claim.reference])
    assert url in client.get(claim.get_absolute_url()).content.decode()  # the application page offers it
    response = client.post(url, {"score": "4", "comment": "سريع"})
    assert response.status_code == 302
    rating = Rating.objects.get(application_id=claim.pk)
    assert (rating.score, rating.comment, rating.kind) == (4, "سريع", "accidents")
    again = client.post(url, {"score": "1"})
    assert again.status_code == 200 and Rating.objects.get(application_id=claim.pk).score == 4
    assert url not in client.get(claim.get_absolute_url()).content.decode()


def test_the_database_refuses_a_second_rating(user, some):
    from django.core.exceptions import ValidationError

    from performance.workflow import rating_submit

    rating_submit(application=some, user=user, score=5)
    with pytest.raises(ValidationError):
        rating_submit(application=some, user=user, score=2)
    assert Rating.objects.get().score == 5


@time_machine.travel(NOW, tick=False)
def test_rating_is_the_applicants_only(client, other_user, some):
    client.force_login(other_user)
    url = reverse("performance:rate", args=[some.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"score": "5"}).status_code == 404
    assert not Rating.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_open_application_cannot_be_rated(client, user, some):
    open_one = make_application(applicant=user, status="awaiting_payment", created=at("2026-03-05 10:00"))
    client.force_login(user)
    assert client.get(reverse("performance:rate", args=[open_one.reference])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_rating_without_a_score_says_why_and_keeps_the_comment(client, user, some):
    client.force_login(user)
    response = client.post(reverse("performance:rate", args=[some.reference]), {"comment": "تعليقي"})
    assert response.status_code == 200
    assert response.context["form"].errors["score"]
    assert "تعليقي" in response.content.decode()
    assert not Rating.objects.exists()


def test_period_defaults_to_the_last_30_days():
    from performance.forms import PeriodForm

    with time_machine.travel(NOW, tick=False):
        form = PeriodForm.from_query({})
        assert form.is_valid(), form.errors
        assert form.period.first == date(2026, 2, 14) and form.period.last == date(2026, 3, 15)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_table_rows_are_built_as_the_template_rendered_each_cell(language, settings):
    from django.template import Context, Template
    from django.utils import translation

    from performance.views import Table

    settings.USE_THOUSAND_SEPARATOR = True
    rows = [["<b>خدمة</b>", 12345, None, "12.500", 2.5], ["2026-03-01", 0, "–", "a & b", None]]
    cell = Template('{{ cell|default_if_none:"–" }}')
    with translation.override(language):
        expected = "".join(
            f'<tr><th scope="row">{cell.render(Context({"cell": row[0]}))}</th>'
            + "".join(f'<td class="num">{cell.render(Context({"cell": c}))}</td>' for c in row[1:])
            + "</tr>"
            for row in rows
        )
        table = Table("t", "T", ["a"] * 5, rows, total=["Total", 1, "2", "3", 4])
        assert table.body == expected
        assert "&lt;b&gt;" in table.body and "a &amp; b" in table.body
        assert table.foot.startswith('<tr class="fw-bold"><th scope="row">Total</th>')
