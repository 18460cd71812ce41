"""Staff accounts, for admins: who works in the console with which roles; add a member (the password and the
authenticator enrolment are shown on the answering page only, never again), change roles, unlock, disable, and a
new authenticator for a lost phone."""

from flask import redirect, render_template, request, url_for

from billpay_common.staff_auth import ADMIN, ROLES

from ..portal.two_step import qr_code
from . import console, staff
from .accounts import segment


@console.get("/staff")
@staff.role_required(ADMIN)
def staff_accounts():
    return _page()


@console.post("/staff")
@staff.role_required(ADMIN)
def add_staff():
    body = {"username": request.form.get("username", "").strip(), "roles": request.form.getlist("roles")}
    made = staff.act("auth", "POST", "/ops/staff", body, f"Staff member {body['username']} added.")
    return _page(enrolled=made) if made else redirect(url_for("console.staff_accounts"))


@console.post("/staff/<username>/roles")
@staff.role_required(ADMIN)
def set_staff_roles(username):
    roles = request.form.getlist("roles")
    staff.act("auth", "PUT", f"/ops/staff/{segment(username)}/roles", {"roles": roles}, f"Roles of {username} set.")
    return redirect(url_for("console.staff_accounts"))


@console.post("/staff/<username>/<any(unlock, disable):change>")
@staff.role_required(ADMIN)
def change_staff(username, change):
    done = {"unlock": f"{username} is unlocked.", "disable": f"{username} can no longer sign in."}[change]
    staff.act("auth", "POST", f"/ops/staff/{segment(username)}/{change}", done=done)
    return redirect(url_for("console.staff_accounts"))


@console.post("/staff/<username>/reset-totp")
@staff.role_required(ADMIN)
def reset_staff_totp(username):
    enrolled = staff.act(
        "auth", "POST", f"/ops/staff/{segment(username)}/reset-totp", done=f"{username} has a new authenticator."
    )
    return _page(enrolled=enrolled) if enrolled else redirect(url_for("console.staff_accounts"))


def _page(enrolled=None):
    members = staff.read("auth", "/ops/staff")
    qr = qr_code(enrolled["otpauth_uri"]) if enrolled else None
    return render_template("console/staff.html", members=members, roles=ROLES, enrolled=enrolled, qr=qr)
