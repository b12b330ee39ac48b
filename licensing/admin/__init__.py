"""Staff side of licence splitting: the split requests (queues, case file, decisions) and the registers.

Importing the modules registers their ModelAdmins with the admin site (``admin.autodiscover``).
"""

from licensing.admin import registers, requests

__all__ = ["registers", "requests"]
