"""Numbers the accounts rules depend on (named so tests and docs point at one place)."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

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

# An SMS password reset to a mobile number changed this recently is refused (issue 17): whoever changed
# it may not be the person, and the reset would hand them the account.
MOBILE_CHANGE_RESET_HOLD = timedelta(hours=72)

# "My devices": a session's last use is written at most this often (a write per request costs too much).
SESSION_TOUCH_PRECISION = timedelta(minutes=1)

# The SMS that tells a person's (old) mobile number that their account changed (issue 17). Fixed texts:
# nothing typed by whoever holds the session (not even the new number) goes into them. {url} is the
# portal's sign-in page (settings.SITE_URL).
ACCOUNT_CHANGE_MOBILE = "mobile"
ACCOUNT_CHANGE_EMAIL = "email"
ACCOUNT_CHANGE_PASSWORD = "password"  # noqa: S105 - the name of a kind of change, not a secret
ACCOUNT_CHANGE_SMS = {
    ACCOUNT_CHANGE_MOBILE: _(
        "Amman e-Services: the mobile number of your account was changed, and messages now go to the new "
        "number. If it was not you, sign in at {url} and change it back, or call the municipality's customer service."
    ),
    ACCOUNT_CHANGE_EMAIL: _(
        "Amman e-Services: the e-mail address of your account was changed. If it was not you, sign in at {url}, "
        "change your password and remove the address, or call the municipality's customer service."
    ),
    ACCOUNT_CHANGE_PASSWORD: _(
        "Amman e-Services: the password of your account was changed and your other devices were signed out. "
        "If it was not you, reset your password at {url} or call the municipality's customer service."
    ),
}
