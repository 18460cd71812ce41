"""Account menu: Billing (Account Summary and Payment Status)."""
from flask import render_template

from . import portal
from .backend import login_required


@portal.get("/billing")
@login_required
def billing():
    return render_template("billing.html")
