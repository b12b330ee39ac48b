"""Signals the services layer sends, for apps above it (which services may not import).

``application_closed``: sent after the commit of the transaction that moved an application to a final
status (``services.workflow``), with ``application_id``, ``kind`` and ``status``. The performance app
listens, so its published figures are never older than the last case that closed.
"""

from django.dispatch import Signal

application_closed = Signal()
