"""The portal's settings as a benchmark runs them (see bench/common.py).

DEBUG is off so that Django keeps no query log; what DEBUG-off production would add (HTTPS redirect,
secure cookies) is left out because the bench server speaks plain HTTP on 127.0.0.1.
"""

import warnings

from portal.settings import *  # noqa: F403
from portal.settings import LOGGING

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "bench.urls"
# Rate limits stay on, as in production (an inquiry counts against its person, address and plate on
# every request); only their rates are raised, so that a benchmark's thousands of inquiries by one person
# are counted and never refused.
_RATE = "1000000/h"
VIOLATIONS_RATE_USER = VIOLATIONS_RATE_IP = VIOLATIONS_RATE_FLEET = _RATE
VIOLATIONS_RATE_GUESS = VIOLATIONS_RATE_SUBJECT = _RATE
PAYMENTS_BILL_LOOKUP_RATE = _RATE
VERIFY_RATE = _RATE
SMS_BACKEND = "outbox"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}

# The bench serves no static files (no collectstatic in a throwaway run).
warnings.filterwarnings("ignore", message="No directory at")
