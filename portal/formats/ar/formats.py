# Jordan writes amounts with a decimal point: 15.000 دينار is fifteen dinars. Django's Arabic
# formats use a decimal comma and a dot for thousands, so the admin showed 15.000 as "15,000" —
# fifteen thousand to a Jordanian reader. Only the separators are overridden; dates stay Django's.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
