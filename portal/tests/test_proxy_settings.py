"""TRUSTED_PROXIES / TRUSTED_PROXY_COUNT: a bad value stops start-up naming the variable (issue 17)."""

import pytest

from portal.envcheck import ConfigError, check_proxies
from portal.tests.test_settings import _manage


@pytest.mark.parametrize(
    ("proxies", "count"),
    [(["10.0.0.0/33"], 0), (["proxy.local"], 0), (["10.0.0.1"], 1), ([], -1)],
)
def test_a_bad_proxy_setting_is_refused(proxies, count):
    with pytest.raises(ConfigError, match="TRUSTED_PROX"):
        check_proxies(TRUSTED_PROXIES=proxies, TRUSTED_PROXY_COUNT=count)


def test_good_proxy_settings_pass():
    check_proxies(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::1", "192.0.2.10"], TRUSTED_PROXY_COUNT=0)
    check_proxies(TRUSTED_PROXIES=[], TRUSTED_PROXY_COUNT=2)


def test_a_misspelt_proxy_stops_start_up_naming_the_variable():
    result = _manage("check", TRUSTED_PROXIES="10.0.0.5,10.0.0.300")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "10.0.0.300" in result.stderr
