"""Numbers the accounts rules depend on (named so tests and docs point at one place)."""

from datetime import timedelta

# One-time SMS codes: six digits, valid ten minutes, single use, five wrong tries void the code.
CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5

# Staff (Django admin) sessions end after this much inactivity.
STAFF_IDLE_TIMEOUT = timedelta(minutes=30)

# django-ratelimit rates ("count/period"). Jordanian mobile networks put many people behind one
# address (carrier NAT), so the per-address limits are loose and the per-number limits tight.
SIGNUP_RATE_PER_IP = "20/h"
CODE_RATE_PER_MOBILE = "5/h"
CODE_RATE_PER_IP = "30/h"
LOOKUP_RATE_PER_IP = "60/h"  # password-reset requests and invitations look people up by number
