import pytest

from accounts.tests.sanad import CALLBACK_PATH, CLIENT_ID, CLIENT_SECRET, ID_CLAIM, SanadServer


def _configure(settings, server: SanadServer) -> None:
    settings.SANAD_ISSUER_URL = server.issuer
    settings.SANAD_CLIENT_ID = CLIENT_ID
    settings.SANAD_CLIENT_SECRET = CLIENT_SECRET
    settings.SANAD_ID_CLAIM = ID_CLAIM


@pytest.fixture
def sanad(settings, tmp_path):
    """Sanad (a real OpenID Provider on 127.0.0.1) for Django's test client, and the portal pointed at it."""
    server = SanadServer.start(folder=tmp_path, redirect_uris=[f"http://testserver{CALLBACK_PATH}"])
    _configure(settings, server)
    yield server
    server.stop()


@pytest.fixture
def sanad_live(settings, tmp_path, live_server):
    """The same, for the browser: Sanad sends people back to the live server."""
    server = SanadServer.start(folder=tmp_path, redirect_uris=[f"{live_server.url}{CALLBACK_PATH}"])
    _configure(settings, server)
    yield server
    server.stop()
