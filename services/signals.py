"""Signals the services layer sends, for apps above it (which services may not import).

``application_closed``: sent after the commit of the transaction that moved an application to a final
status (``services.workflow``), with ``application_id``, ``kind`` and ``status``. The performance app
listens, so its published figures are never older than the last case that closed.

``application_closing``: sent inside that transaction, right after the row is written with its
``closed_at`` and ``ending``, with ``application`` (the row). A receiver's writes commit or roll back with
the closing (the performance rollups count it there); an error in a receiver undoes the closing.
"""

from django.dispatch import Signal

application_closed = Signal()
application_closing = Signal()
