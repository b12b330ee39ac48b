"""Test settings: only what tests must override."""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
SMS_BACKEND = "outbox"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Other apps' admin tests sign staff in with force_login (no second factor); portal/tests/test_mfa.py
# switches it back on; `check --deploy` fails with it off (portal.checks).
STAFF_MFA_REQUIRED = False
# Tests solve the contractor renewal's proof-of-work in Python (core.proofofwork): a small one.
ALTCHA_MAX_NUMBER = 200
