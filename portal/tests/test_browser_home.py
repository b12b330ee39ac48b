import pytest

from portal.testing import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def test_home_page_in_arabic_is_rtl_and_accessible(page, catalogue):
    page.goto(page.live_server_url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator(".service-tile").count() == 4
    screenshot(page, "home-ar")
    assert_accessible(page)


def test_citizen_opens_a_service_card_and_switches_to_english(page, catalogue):
    page.goto(page.live_server_url + "/")
    page.get_by_role("link", name="كف طلب عن حادث سير").click()
    page.wait_for_url("**/services/accident-claim-release/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "كف طلب عن حادث سير"
    assert page.get_by_text("وجود كروكة من دائرة السير").is_visible()
    screenshot(page, "card-ar")
    assert_accessible(page)

    # The switch stays visible on a phone (outside the collapsed menu) and keeps the reader on the same card.
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.dir === 'ltr'")
    assert page.url.endswith("/services/accident-claim-release/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Accident claim release"
    assert page.get_by_role("heading", name="Required documents").is_visible()
    screenshot(page, "card-en")
    assert_accessible(page)

    page.locator("nav[aria-label='Breadcrumb']").get_by_role("link", name="Services").click()
    page.wait_for_url(page.live_server_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Greater Amman Municipality e-services"
    screenshot(page, "home-en")
    assert_accessible(page)

    page.get_by_role("button", name="العربية").click()
    page.wait_for_function("document.documentElement.dir === 'rtl'")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_home_and_card_on_a_desktop(page, catalogue, language):
    page.set_viewport_size(DESKTOP)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.live_server_url}])
    page.goto(page.live_server_url + "/")
    # On a wide screen the menu is open, not behind the toggler.
    assert page.locator("#mainnav").is_visible()
    screenshot(page, f"home-{language}-desktop")
    page.goto(page.live_server_url + catalogue["traffic-violations"].get_absolute_url())
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    screenshot(page, f"card-{language}-desktop")
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_content(page, catalogue):
    page.goto(page.live_server_url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="انتقل إلى المحتوى الرئيسي")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
