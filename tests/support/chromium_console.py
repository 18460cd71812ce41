"""The office console in Chromium: staff members of a test's own (not yet signed in anywhere, so their first TOTP
code is unused) and the console's sign-in form."""

import uuid
from dataclasses import dataclass

import pyotp
from playwright.sync_api import Page, expect

from .accounts import ops


@dataclass(frozen=True)
class NewStaff:
    username: str
    password: str
    totp_secret: str

    def code(self):
        return pyotp.TOTP(self.totp_secret).now()


def new_staff(stack, *roles):
    """A staff member with `roles`, made by the stack's admin; never signed in."""
    username = f"console-{uuid.uuid4().hex[:10]}"
    made = ops(stack, "auth_service").post("/ops/staff", {"username": username, "roles": list(roles)})
    assert made.status == 201, made.data
    return NewStaff(username, made.json_body["password"], made.json_body["totp_secret"])


def console_sign_in(page: Page, console_url, member: NewStaff, code=None):
    page.goto(console_url + "sign-in")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(member.password)
    page.get_by_label("Authenticator code").fill(code or member.code())
    page.get_by_role("button", name="Sign in").click()
    if code is None:
        expect(page.get_by_text(f"Signed in as {member.username}")).to_be_visible()
