"""The portal's settings as ``make load`` and the fault tests run it (see load/runner.py).

Production-like: DEBUG off (no query log), PostgreSQL, Redis cache, a real Celery worker (not eager),
SMS over HTTP (to the runner's fake gateway, which records every send). What production adds for
HTTPS (redirect, secure cookies, HSTS) is left out: the server speaks plain HTTP on 127.0.0.1.

Rate limits stay on, so every inquiry still counts in Redis as it would in production, but their rates
are raised (``LOAD_RATE``, default 1000000/h): a handful of test users make thousands of inquiries a
minute, which the real limits (30 an hour per user) exist to refuse.
"""

import os
import warnings

from portal.settings import *  # noqa: F403
from portal.settings import LOGGING

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

_RATE = os.environ.get("LOAD_RATE", "1000000/h")
VIOLATIONS_RATE_USER = VIOLATIONS_RATE_IP = VIOLATIONS_RATE_FLEET = _RATE
VIOLATIONS_RATE_GUESS = VIOLATIONS_RATE_SUBJECT = _RATE
PAYMENTS_BILL_LOOKUP_RATE = _RATE
VERIFY_RATE = _RATE

# The fault tests run the recovery sweep seconds, not minutes, after a failure (notifications.recovery).
if os.environ.get("LOAD_SMS_RECOVER_AFTER"):
    SMS_RECOVER_AFTER_SECONDS = int(os.environ["LOAD_SMS_RECOVER_AFTER"])

LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": os.environ.get("LOG_LEVEL", "WARNING")}}

# No collectstatic in a throwaway run: pages are fetched without their static files.
warnings.filterwarnings("ignore", message="No directory at")
