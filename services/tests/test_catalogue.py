"""The public service cards: data from the seed cards, shown in Arabic and English, edited in the admin."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from services.catalogue_data import CATALOGUE, load_catalogue
from services.models import Service, ServiceDocument

pytestmark = pytest.mark.django_db

SLUGS = ["traffic-violations", "accident-claim-release", "contractor-permit-renewal", "profession-licence-splitting"]


def test_catalogue_has_the_four_services_of_the_seed_cards(catalogue):
    assert list(Service.objects.values_list("slug", flat=True)) == SLUGS
    violations = catalogue["traffic-violations"]
    assert violations.kind == Service.Kind.INQUIRY
    assert violations.standard_minutes == 10
    assert violations.hours_ar == "على مدار 24 ساعة"
    assert catalogue["accident-claim-release"].standard_working_days == 5
    assert catalogue["accident-claim-release"].fees_ar == "حسب قيمة الاضرار"
    assert catalogue["profession-licence-splitting"].standard_working_days == 3
    assert catalogue["profession-licence-splitting"].standard_time_ar == "3 أيام عمل"
    for service in catalogue.values():
        assert service.name_en and service.description_en and service.steps_en
        assert len(service.tr_lines("steps")) == len(service.steps_en.splitlines())


def test_every_catalogue_entry_is_fully_bilingual():
    for entry in CATALOGUE:
        for key, value in entry.items():
            if key.endswith("_ar"):
                english = entry[key[:-3] + "_en"]
                assert bool(value) == bool(english), f"{entry['slug']}.{key}"
                assert len(value.splitlines()) == len(english.splitlines()), f"{entry['slug']}.{key}"
        for doc in entry["documents"]:
            assert all(doc[f"{field}_en"] for field in ("name", "description", "issuer"))


def test_loading_the_catalogue_twice_changes_nothing(catalogue):
    counts = (Service.objects.count(), ServiceDocument.objects.count())
    load_catalogue(Service, ServiceDocument)
    assert (Service.objects.count(), ServiceDocument.objects.count()) == counts == (4, 8)


def test_loading_the_catalogue_keeps_the_start_page_an_app_set(catalogue):
    # Regression: a later services migration reloaded the catalogue and blanked the accident and
    # contractor start buttons that their apps' migrations had set.
    Service.objects.filter(slug="accident-claim-release").update(start_url_name="home")
    load_catalogue(Service, ServiceDocument)
    assert Service.objects.get(slug="accident-claim-release").start_url_name == "home"


def test_loading_the_catalogue_keeps_services_staff_added(catalogue):
    extra = Service.objects.create(slug="building-permit", kind="procedure", name_ar="رخصة بناء", description_ar="-")
    load_catalogue(Service, ServiceDocument)
    assert Service.objects.filter(pk=extra.pk).exists()


def test_card_page_shows_what_the_seed_card_says_in_arabic(client, catalogue):
    response = client.get(reverse("services:card", kwargs={"slug": "accident-claim-release"}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "كف طلب عن حادث سير",
        "إجرائية",
        "وجود كروكة من دائرة السير",
        "مواطن، مقيم",
        "الموقع الالكتروني للأمانة www.amman.jo",
        "3 - 5 أيام عمل",
        "حسب قيمة الاضرار",
        "كروكة الحادث",
        "يتم احتساب قيمة الاضرار الناجمة عن الحادث",
        "خلال (3) ثلاثة أيام",
        "شركات التأمين",
    ):
        assert text in html, text


def test_violations_card_lists_documents_channels_hours_and_partner(client, catalogue):
    html = client.get(catalogue["traffic-violations"].get_absolute_url()).content.decode()
    for text in (
        "استعلامية",
        "أفراد: أردني، غير أردني",
        "رخصة المركبة",
        "إدارة السواقين و المركبات",
        "إلكتروني",
        "تطبيق الهواتف الذكية",
        "على مدار 24 ساعة",
        "10 دقائق",
        "يتم دفع قيمة المخالفات من خلال إي فواتيركم",
        "إدارة السير",
        "8 خانات",
    ):
        assert text in html, text


def test_card_page_in_english(client, catalogue):
    client.cookies["django_language"] = "en"
    html = client.get(catalogue["profession-licence-splitting"].get_absolute_url()).content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html
    for text in ("Profession licence splitting", "Procedure", "3 working days", "Civil Defence", "Property title deed"):
        assert text in html, text
    assert "تجزئة رخصة مهن" not in html


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_card_shows_every_fact_of_a_service_card(client, catalogue, slug, language):
    client.cookies["django_language"] = language
    html = client.get(catalogue[slug].get_absolute_url()).content.decode()
    with translation.override(language):
        for label in (
            "Service type",
            "Who can use it",
            "Channels",
            "Hours",
            "Standard time",
            "Fees",
            "Required documents",
            "Steps",
            "Partners",
        ):
            assert str(translation.gettext(label)) in html, (slug, label)


def test_card_hides_rows_a_service_does_not_fill(client, catalogue):
    Service.objects.filter(slug="contractor-permit-renewal").update(partners_ar="", partners_en="", hours_ar="")
    html = client.get(catalogue["contractor-permit-renewal"].get_absolute_url()).content.decode()
    assert "الشركاء" not in html
    assert "أوقات تقديم الخدمة" not in html


def test_unpublished_and_unknown_services_are_404(client, catalogue):
    Service.objects.filter(slug="contractor-permit-renewal").update(is_active=False)
    assert client.get(reverse("services:card", kwargs={"slug": "contractor-permit-renewal"})).status_code == 404
    assert client.get(reverse("services:card", kwargs={"slug": "no-such-service"})).status_code == 404
    assert "تجديد تصريح مقاولين" not in client.get(reverse("home")).content.decode()


def test_start_button_appears_once_the_service_names_its_page(client, catalogue):
    service = catalogue["traffic-violations"]
    url = service.get_absolute_url()
    Service.objects.filter(pk=service.pk).update(start_url_name="")
    assert "ابدأ الخدمة" not in client.get(url).content.decode()
    Service.objects.filter(pk=service.pk).update(start_url_name="home")
    html = client.get(url).content.decode()
    assert "ابدأ الخدمة" in html and f'href="{reverse("home")}"' in html


def test_a_start_url_name_that_does_not_resolve_hides_the_button_and_is_refused_in_the_admin(client, catalogue):
    service = catalogue["traffic-violations"]
    Service.objects.filter(pk=service.pk).update(start_url_name="violations:no-such-page")
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    assert "ابدأ الخدمة" not in response.content.decode()
    service.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        service.full_clean()
    assert "start_url_name" in excinfo.value.message_dict


def test_catalogue_is_registered_in_the_admin_with_its_documents_inline(admin_client, catalogue):
    assert Service in admin_site._registry
    service = catalogue["traffic-violations"]
    response = admin_client.get(reverse("admin:services_service_change", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "رخصة المركبة" in html  # the inline's document
    assert admin_client.get(reverse("admin:services_service_changelist")).status_code == 200


def test_home_page_query_count_does_not_grow_with_services(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(reverse("home"))


def test_the_catalogue_writes_numbers_in_the_portals_digits(catalogue):
    """The home page lists the cards together: one card's "٣ أيام عمل" beside another's "10 دقائق" read as two conventions."""
    from core.digits import digits_ascii

    for service in catalogue.values():
        for field in ("standard_time_ar", "fees_ar", "summary_ar"):
            value = getattr(service, field, "") or ""
            assert value == digits_ascii(value), (service.slug, field, value)
