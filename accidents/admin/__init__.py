"""Staff side of the accident claim service: queues per step, decisions with reasons, files, timeline.

Every decision calls a function of ``accidents.workflow``; the admin never edits a claim's fields.
Importing the modules registers their ModelAdmins.
"""

from accidents.admin import claims, insurance

__all__ = ["claims", "insurance"]
