from core.text import embedded


def test_an_embedded_reason_loses_the_punctuation_the_sentence_around_it_supplies():
    assert embedded("الرقم غير مطابق للمدخل.") == "الرقم غير مطابق للمدخل"
    assert embedded("Not matching the plate. ") == "Not matching the plate"
    assert embedded("لماذا؟") == "لماذا"
    assert embedded("10.500 JOD") == "10.500 JOD"
    assert embedded("") == ""
