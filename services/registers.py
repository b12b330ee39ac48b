"""The partner departments' registers the portal holds, asked through one door.

The vehicle register (the Traffic Department's data) is loaded and kept by the violations app; the
accident claims service must check a vehicle against it without importing a peer app. The app that
holds a register provides it in its ``AppConfig.ready()``, as a paid bill reaches its service through
``payments.registry``::

    register_vehicle_register(vehicle_in_register)   # violations/apps.py
"""

from collections.abc import Callable

VehicleRegister = Callable[..., bool]

_vehicle_register: list[VehicleRegister] = []


class RegisterUnavailableError(LookupError):
    """No app provides the register: a configuration error, never an answer about a vehicle."""


def register_vehicle_register(lookup: VehicleRegister) -> None:
    """``lookup(*, plate_code, plate_number, registration_number) -> bool``; registering again replaces it."""
    _vehicle_register[:] = [lookup]


def vehicle_registered(*, plate_code: str, plate_number: str, registration_number: str) -> bool:
    """Whether the register holds a vehicle with this plate AND this registration number (one answer:
    which part was wrong is never told)."""
    if not _vehicle_register:
        raise RegisterUnavailableError("No app provides the vehicle register (the violations app registers it).")
    return _vehicle_register[0](
        plate_code=plate_code, plate_number=plate_number, registration_number=registration_number
    )
