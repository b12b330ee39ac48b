# The English twin of portal/formats/ar/formats.py (README "Dates"): "9 December 2026" and
# "9 December 2026, 21:33" (a Latin comma, 24-hour time) instead of Django's "Dec. 9, 2026, 9:33 p.m.".
# Everything not set here (separators, input formats) stays Django's English.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
