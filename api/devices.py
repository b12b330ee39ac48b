"""The person's devices for the app: browsers signed in to the portal and app tokens (issue 17).

The app tokens are one kind of device in ``accounts.devices`` (registered in ``ApiConfig.ready()``), so
"My devices" on the website, a password change and a password reset see and end them too.
"""

from datetime import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema, Status

from accounts.devices import Device, device_revoke, devices_for
from accounts.models import User
from api import schemas
from api.models import ApiToken

devices_router = Router(tags=["me"])

DEVICE_ID = Path(..., max_length=40, pattern=r"^[a-z]+-[0-9]{1,18}$", examples=["app-12", "session-3"])


class AppTokenDevices:
    kind = "app"
    label = _("App")

    def list(self, user: User, *, current: str | None) -> list[Device]:
        return [
            Device(
                kind=self.kind,
                pk=token.pk,
                name=token.device,
                address="",
                created_at=token.created_at,
                last_used_at=token.last_used_at,
                current=current == f"{self.kind}-{token.pk}",
            )
            for token in ApiToken.objects.active().filter(user=user)
        ]

    def revoke(self, user: User, pk: int) -> bool:
        token = ApiToken.objects.active().filter(user=user, pk=pk).first()
        if token is None:
            return False
        token.revoke()
        return True

    def revoke_all(self, user: User, *, keep: str | None) -> int:
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if keep and keep.startswith(f"{self.kind}-"):
            tokens = tokens.exclude(pk=int(keep.removeprefix(f"{self.kind}-")))
        return tokens.update(revoked_at=timezone.now())


class DeviceOut(Schema):
    id: str
    kind: str
    name: str
    address: str
    created_at: datetime
    last_used_at: datetime | None
    current: bool


def _out(device: Device) -> dict:
    return {
        "id": device.id,
        "kind": device.kind,
        "name": device.name,
        "address": device.address,
        "created_at": device.created_at,
        "last_used_at": device.last_used_at,
        "current": device.current,
    }


def _current(request) -> str:
    return f"{AppTokenDevices.kind}-{request.api_token.pk}"


@devices_router.get(
    "",
    response={200: list[DeviceOut], 401: schemas.Error},
    summary="My devices: browsers signed in to the portal and app tokens",
)
def device_list(request):
    return [_out(device) for device in devices_for(request.user, current=_current(request))]


@devices_router.get(
    "/{device_id}",
    response={200: DeviceOut, 401: schemas.Error, 404: schemas.Error, 422: schemas.Error},
    summary="One of my devices",
)
def device_detail(request, device_id: str = DEVICE_ID):
    for device in devices_for(request.user, current=_current(request)):
        if device.id == device_id:
            return _out(device)
    raise Http404


@devices_router.delete(
    "/{device_id}",
    response={204: None, 401: schemas.Error, 404: schemas.Error, 422: schemas.Error},
    summary="Sign a device out (a browser session or an app token; this app's own token too)",
)
def device_delete(request, device_id: str = DEVICE_ID):
    if not device_revoke(user=request.user, device_id=device_id):
        raise Http404
    return Status(204, None)
