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
RATELIMIT_ENABLE = False
SMS_BACKEND = "outbox"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}

# The bench serves no static files (no collectstatic in a throwaway run).
warnings.filterwarnings("ignore", message="No directory at")
