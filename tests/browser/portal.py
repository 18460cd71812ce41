"""What the browser tests do again and again on the portal: log in, use the Account menu, read the mail sink."""
import email
import re
import time
from email import policy

from playwright.sync_api import Page, expect


def login(page: Page, username, passcode):
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(passcode)
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()


def logout(page: Page):
    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_role("heading", name="Login")).to_be_visible()


def account_menu(page: Page, item):
    """Open the Account drop-down of the main menu and follow one of its links."""
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_text("Account", exact=True).click()
    navigation.get_by_role("link", name=item, exact=True).click()


def words(locator):
    """The visible text of a page or element, whitespace collapsed."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def wait_for_mail(mail_dir, predicate, timeout=30):
    """The first .eml in the SMTP sink's folder whose parsed message satisfies `predicate`, polled to a deadline."""
    deadline = time.monotonic() + timeout
    while True:
        for path in sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else ():
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if predicate(message):
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no matching e-mail arrived in {mail_dir} within {timeout} s")
        time.sleep(0.2)


def plain_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def pdf_attachments(message):
    return [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
