"""A person's devices: the browsers signed in to the portal and the app tokens, listed and revoked together.

``accounts`` knows the browser sessions (accounts.sessions); the app tokens live in ``api``, a higher
layer, which registers them here in its ``AppConfig.ready()``::

    register_device_kind(AppTokenDevices())

So "My devices" (the website and the API), a password change and a password reset reach every kind
without an upward import. A device is named ``<kind>-<id>`` (``session-12``, ``app-5``) on pages and in the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.sessions import SESSION_ROW_KEY, sessions_end, sessions_live, sessions_of


@dataclass(frozen=True)
class Device:
    kind: str
    pk: int
    name: str
    address: str
    created_at: datetime
    last_used_at: datetime | None
    current: bool

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.pk}"

    @property
    def kind_label(self) -> str:
        return str(_KINDS[self.kind].label) if self.kind in _KINDS else self.kind


class DeviceKind(Protocol):
    kind: str
    label: str

    def list(self, user: User, *, current: str | None) -> list[Device]: ...

    def revoke(self, user: User, pk: int) -> bool:
        """End the user's device ``pk`` of this kind; False when it is not theirs (or gone)."""

    def revoke_all(self, user: User, *, keep: str | None) -> int: ...


class BrowserSessions:
    kind = "session"
    label = _("Browser")

    def list(self, user: User, *, current: str | None) -> list[Device]:
        return [
            Device(
                kind=self.kind,
                pk=row.pk,
                name=row.device,
                address=row.ip_address or "",
                created_at=row.created_at,
                last_used_at=row.last_seen_at,
                current=current == f"{self.kind}-{row.pk}",
            )
            for row in sessions_live(user)
        ]

    def revoke(self, user: User, pk: int) -> bool:
        return sessions_end(sessions_of(user).filter(pk=pk)) > 0

    def revoke_all(self, user: User, *, keep: str | None) -> int:
        rows = sessions_of(user)
        if keep and keep.startswith(f"{self.kind}-"):
            rows = rows.exclude(pk=int(keep.removeprefix(f"{self.kind}-")))
        return sessions_end(rows)


_KINDS: dict[str, DeviceKind] = {}


def register_device_kind(source: DeviceKind) -> None:
    """Add a kind of device (``ready()`` may run twice: registering the same kind again replaces it)."""
    _KINDS[source.kind] = source


def device_id_parse(device_id: str) -> tuple[DeviceKind, int] | None:
    kind, _sep, pk = device_id.partition("-")
    if kind not in _KINDS or not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        return None
    return _KINDS[kind], int(pk)


def devices_for(user: User, *, current: str | None = None) -> list[Device]:
    """Every device of ``user``, the current one first, then by last use."""
    devices = [device for source in _KINDS.values() for device in source.list(user, current=current)]
    return sorted(
        devices, key=lambda device: (not device.current, -(device.last_used_at or device.created_at).timestamp())
    )


def device_owned(*, user: User, device_id: str) -> bool:
    return any(device.id == device_id for device in devices_for(user))


def device_revoke(*, user: User, device_id: str) -> bool:
    """End one of ``user``'s devices; False when the id names none of theirs (callers answer 404)."""
    parsed = device_id_parse(device_id)
    if parsed is None:
        return False
    source, pk = parsed
    return source.revoke(user, pk)


def devices_revoke_all(*, user: User, keep: str | None = None) -> int:
    """End every device of ``user`` except ``keep`` (the one the person is using, after a password change)."""
    return sum(source.revoke_all(user, keep=keep) for source in _KINDS.values())


def current_session_device(request) -> str | None:
    """The device id of the browser session making ``request`` (None outside a signed-in browser)."""
    session = getattr(request, "session", None)
    row_id = session.get(SESSION_ROW_KEY) if session is not None else None
    return f"{BrowserSessions.kind}-{row_id}" if row_id else None
