"""Playwright drives Debian's Chromium (/usr/bin/chromium) against the real stack of tests/conftest.py.

Playwright's own browser download cannot run here, so its launch fixture is pointed at the system Chromium;
without it every browser test is skipped, saying why.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.support.accounts import GUIDE_INVOICES, create_subscriber

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run the browser tests")
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(browser_type_launch_args, stack):
    """The portal; asking for Chromium first means a machine without it skips before the stack starts."""
    return stack.url()


@pytest.fixture(scope="session")
def browser_context_args(base_url):
    return {
        "base_url": base_url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-US",
        "timezone_id": "America/New_York",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _timeouts(request):
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)


@pytest.fixture(scope="session")
def screenshots():
    """var/screenshots/, emptied once per run, for people to look at (var/ is git-ignored)."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def subscriber(stack):
    """An account of the test's own (portal login, billing account, two open invoices): never the demo one."""
    return create_subscriber(stack, GUIDE_INVOICES, billing_name="Payer, Pat")
