"""axe-core on the page Chromium shows, for every browser test's accessibility checks."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_axe = Axe()


def assert_no_axe_violations(page: Page):
    # axe reads document.documentElement, which a page still loading may not have yet. This waits only for a page
    # the tab has already navigated to: after a click that navigates, wait for something of the new page first.
    page.wait_for_load_state("load")
    violations = _axe.run(page).response["violations"]
    assert violations == [], [(v["id"], v["help"], [node["target"] for node in v["nodes"]]) for v in violations]
