"""The eFAWATEERcom key files: a key replaced in place (rotated) is used once its file is looked at again,
within a second (payments.efawateercom.keys), without a stat of every key file on every message."""

import os

import pytest

from payments.efawateercom import keys


def _write(path, key, mtime):
    path.write_bytes(keys.private_pem(key))
    os.utime(path, (mtime, mtime))


def _public(key):
    return keys.public_pem(key)


def test_a_key_replaced_in_place_is_used_after_the_check_interval(tmp_path, settings, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(keys.time, "monotonic", lambda: clock[0])
    path = tmp_path / "biller.pem"
    old, new = keys.generate_private_key(), keys.generate_private_key()
    _write(path, old, 1_700_000_000)
    settings.EFAWATEERCOM_BILLER_PRIVATE_KEY = str(path)
    assert _public(keys.biller_private_key()) == _public(old)

    _write(path, new, 1_700_000_100)  # rotated: the same path, a new file
    clock[0] += 0.5
    assert _public(keys.biller_private_key()) == _public(old)  # not looked at again yet
    clock[0] += keys.MTIME_CHECK_SECONDS
    assert _public(keys.biller_private_key()) == _public(new)


def test_a_key_file_is_looked_at_once_per_interval(tmp_path, settings, monkeypatch):
    clock = [2000.0]
    monkeypatch.setattr(keys.time, "monotonic", lambda: clock[0])
    path = tmp_path / "peer.pem"
    _write(path, keys.generate_private_key(), 1_700_000_000)
    settings.EFAWATEERCOM_PEER_PUBLIC_KEY = str(path)
    looked = []
    real_stat = os.stat
    monkeypatch.setattr(keys.os, "stat", lambda p, *a, **k: looked.append(p) or real_stat(p, *a, **k))
    for _ in range(50):
        keys.peer_public_key()
    assert looked == [str(path)]
    clock[0] += keys.MTIME_CHECK_SECONDS
    keys.peer_public_key()
    assert looked == [str(path)] * 2


def test_a_missing_key_file_is_an_error_not_an_old_key(tmp_path, settings):
    settings.EFAWATEERCOM_BILLER_PRIVATE_KEY = str(tmp_path / "absent.pem")
    with pytest.raises(FileNotFoundError):
        keys.biller_private_key()
