"""The accounting office's view of NACHA debit authorizations (a staff token with the viewer role): every
authorization an account gave, with the exact text it accepted, kept until two years after its last debit."""

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from billpay_common.money import Money
from billpay_common.staff_auth import VIEWER, staff_required

from . import ach_authorizations, ach_terms

blp = Blueprint("ops_ach", __name__, url_prefix="/ops/ach-authorizations", description="Accounting office: ACH")


class AchAuthorizationSchema(Schema):
    id = fields.Integer()
    account = fields.String()
    method = fields.String(metadata={"description": "one_time or autopay"})
    text_version = fields.String()
    text = fields.Method("accepted_text")
    bank_account = fields.String()
    amount = Money(allow_none=True)
    payment_id = fields.String(allow_none=True)
    profile_id = fields.String(allow_none=True)
    client_address = fields.String(allow_none=True)
    staff_actor = fields.String(allow_none=True)
    accepted_at = fields.DateTime()
    last_debit_at = fields.DateTime(allow_none=True)
    keep_until = fields.Date()

    def accepted_text(self, record):
        return ach_terms.render(
            record.text_version,
            company=current_app.config["COMPANY_NAME"],
            bank_account=record.bank_account,
            method=record.method,
            amount=f"${record.amount:,.2f}" if record.amount is not None else None,
        )


@blp.get("/<account>")
@staff_required(VIEWER)
@blp.response(200, AchAuthorizationSchema(many=True))
def of_account(account):
    return ach_authorizations.of_account(account)
