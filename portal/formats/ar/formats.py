# Jordan writes amounts with a decimal point: 15.000 دينار is fifteen dinars. Django's Arabic
# formats use a decimal comma and a dot for thousands, so the admin showed 15.000 as "15,000" —
# fifteen thousand to a Jordanian reader.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","

# One date and one date-time for people, everywhere (pages, admin, SMS, PDFs: README "Dates"):
# "9 ديسمبر 2026" and "9 ديسمبر 2026، 21:33" — day, month name, year; 24-hour time after an Arabic
# comma; ASCII digits like every other number on the portal. Django's Arabic has no date-time format
# of its own, so pages fell back to the English order ("ديسمبر 9, 2026, 9:33 م"). The short formats are
# the same on purpose: there is one format, not a long and a short one. Input formats stay Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
