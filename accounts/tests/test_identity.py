import pytest
from django.core.exceptions import ValidationError

from accounts import identity


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9861012345", "9861012345"),
        (" 986 101 2345 ", "9861012345"),
        ("٩٨٦١٠١٢٣٤٥", "9861012345"),  # Arabic-Indic digits from an Arabic keyboard
        ("2001234567", "2001234567"),
    ],
)
def test_national_number_accepts_ten_digits_in_any_script(typed, stored):
    assert identity.national_id_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["", "123456789", "12345678901", "0861012345", "98610123a5", "+962791234567"])
def test_national_number_rejects_wrong_shapes(typed):
    with pytest.raises(ValidationError) as caught:
        identity.national_id_normalise(typed)
    assert caught.value.code == "national_id"


def test_arabic_full_name_needs_arabic_letters_and_two_names():
    assert identity.name_ar_clean("  أحمد   محمود العلي ") == "أحمد محمود العلي"
    for bad in ("أحمد", "Ahmad Ali", "أحمد 123"):
        with pytest.raises(ValidationError):
            identity.name_ar_clean(bad)


def test_english_name_is_optional_but_latin_when_given():
    assert identity.name_en_clean("") == ""
    assert identity.name_en_clean("ahmad  al-ali") == "ahmad al-ali"
    with pytest.raises(ValidationError):
        identity.name_en_clean("أحمد العلي")


def test_jordanians_cannot_claim_a_personal_number():
    with pytest.raises(ValidationError):
        identity.nationality_clean("أردني")
    assert identity.nationality_clean("مصري") == "مصري"


def test_personal_number_is_upper_cased_and_checked():
    assert identity.personal_number_normalise("eg-123 4567") == "EG1234567"
    with pytest.raises(ValidationError):
        identity.personal_number_normalise("12")


def test_identifier_tells_mobiles_from_numbers():
    assert identity.identifier_normalise("0791234567") == ("mobile", "+962791234567")
    assert identity.identifier_normalise("٩٨٦١٠١٢٣٤٥") == ("number", "9861012345")
    assert identity.identifier_normalise("eg1234567") == ("number", "EG1234567")
