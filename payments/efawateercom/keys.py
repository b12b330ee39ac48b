"""Where the eFAWATEERcom keys come from.

Production: ``EFAWATEERCOM_PEER_PUBLIC_KEY`` (verifies requests) and ``EFAWATEERCOM_BILLER_PRIVATE_KEY``
(signs responses), each a PEM file path (or the PEM text itself). With DEBUG on and a key not
configured, a development key pair for each side is made once under ``DATA_DIR/efawateercom-dev/``
and the local simulator plays eFAWATEERcom with it. With DEBUG off and no peer key, nothing verifies,
so the endpoints refuse every request.
"""

import logging
import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

logger = logging.getLogger(__name__)

DEV_DIR_NAME = "efawateercom-dev"
DEV_PEER_PRIVATE = "efawateercom-private.pem"  # plays eFAWATEERcom: signs requests
DEV_BILLER_PRIVATE = "biller-private.pem"  # the portal: signs responses


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key) -> bytes:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _read_pem(value: str) -> bytes:
    if value.lstrip().startswith("-----BEGIN"):
        return value.encode("ascii")
    return Path(value).read_bytes()


@lru_cache(maxsize=32)
def _load(value: str, mtime: float, private: bool):
    pem = _read_pem(value)
    if private:
        key = serialization.load_pem_private_key(pem, password=None)
        # A private key for the peer side also gives its public half.
        return key
    try:
        return serialization.load_pem_public_key(pem)
    except ValueError:
        return serialization.load_pem_private_key(pem, password=None).public_key()


# A key file's modification time, looked at once a second at most per file: a key replaced in place (rotated) is
# used from the next second on, and the two biller endpoints do not stat their key files on every message.
MTIME_CHECK_SECONDS = 1.0
_mtimes: dict[str, tuple[float, float]] = {}  # path -> (monotonic time looked at, modification time)


def _mtime(path: str) -> float:
    now = time.monotonic()
    seen = _mtimes.get(path)
    if seen is not None and now - seen[0] < MTIME_CHECK_SECONDS:
        return seen[1]
    mtime = os.stat(path).st_mtime
    _mtimes[path] = (now, mtime)
    return mtime


def _load_setting(value: str, *, private: bool):
    mtime = 0.0 if value.lstrip().startswith("-----BEGIN") else _mtime(value)
    return _load(value, mtime, private)


def dev_dir() -> Path:
    return Path(settings.DATA_DIR) / DEV_DIR_NAME


def dev_key_path(name: str) -> Path:
    """The development key ``name``, made once (several processes may race here: the first link wins)."""
    path = dev_dir() / name
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem(generate_private_key()))
        try:
            os.link(tmp, path)
            logger.warning("eFAWATEERcom development key made at %s (DEBUG only)", path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path


def peer_public_key():
    """eFAWATEERcom's public key that verifies requests, or None (then every request is refused)."""
    if settings.EFAWATEERCOM_PEER_PUBLIC_KEY:
        return _load_setting(settings.EFAWATEERCOM_PEER_PUBLIC_KEY, private=False)
    if settings.DEBUG:
        return _load_setting(str(dev_key_path(DEV_PEER_PRIVATE)), private=True).public_key()
    return None


def biller_private_key():
    """The portal's key that signs responses, or None (answers then go unsigned)."""
    if settings.EFAWATEERCOM_BILLER_PRIVATE_KEY:
        return _load_setting(settings.EFAWATEERCOM_BILLER_PRIVATE_KEY, private=True)
    if settings.DEBUG:
        return _load_setting(str(dev_key_path(DEV_BILLER_PRIVATE)), private=True)
    return None


def simulator_keys(*, peer_private: str = "", biller_public: str = ""):
    """(key that signs requests, key that verifies responses) for the local simulator: given paths,
    else the development pair (DEBUG only)."""
    if peer_private:
        signing = _load_setting(peer_private, private=True)
    elif settings.DEBUG and not settings.EFAWATEERCOM_PEER_PUBLIC_KEY:
        signing = _load_setting(str(dev_key_path(DEV_PEER_PRIVATE)), private=True)
    else:
        raise LookupError("no eFAWATEERcom signing key: pass --peer-key (the dev key exists only with DEBUG on)")
    if biller_public:
        verifying = _load_setting(biller_public, private=False)
    else:
        biller = biller_private_key()
        verifying = biller.public_key() if biller is not None else None
    return signing, verifying
