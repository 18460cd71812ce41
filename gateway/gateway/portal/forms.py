"""Portal forms (Flask-WTF): each carries its CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp, ValidationError

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address such as name@example.com.")


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your account number."), Length(max=40)])
    password = PasswordField("Password", validators=[InputRequired("Enter your passcode."), Length(max=200)])


class LoginCodeForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired("Enter the code."), Length(max=40)])


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token (Logout, Remove, ...)."""


class EmailInvoiceForm(FlaskForm):
    email = StringField(
        "E-mail address", validators=[InputRequired("Enter the e-mail address to send it to."), Length(max=254), EMAIL]
    )


class CardFieldsForm(FlaskForm):
    """A card entered in the card processor's own fields (iframes of its origin): the portal gets only the
    one-time token the processor gave the browser for it, never the number or the code."""

    payment_method = StringField(
        "Card",
        validators=[
            InputRequired("Enter the card in the Card Number, Expiration Date and Card Code fields."),
            Length(max=120, message="That card token is not valid. Please enter the card again."),
            Regexp(r"^[A-Za-z0-9_:]+$", message="That card token is not valid. Please enter the card again."),
        ],
    )


class CardPaymentForm(CardFieldsForm):
    receipt_email = StringField(
        "Send receipt to the following email address", validators=[Optional(), Length(max=254), EMAIL]
    )
    save_card = BooleanField("Save this card for future payments")


class SavedCardPaymentForm(FlaskForm):
    receipt_email = StringField(
        "Send receipt to the following email address", validators=[Optional(), Length(max=254), EMAIL]
    )


class ProfileForm(CardFieldsForm):
    make_default = BooleanField("Make this my default card")


class BankAccountProfileForm(FlaskForm):
    """A bank account connected in the processor's own dialog (Stripe.js collectBankAccountForSetup, then
    confirmUsBankAccountSetup under the debit authorization ticked here): only the name on the account and the
    SetupIntent's id come here, never the routing or account number."""

    account_holder_name = StringField(
        "Name on the account",
        validators=[
            InputRequired("Enter the name on the account."),
            Length(max=100, message="Use up to 100 characters."),
        ],
    )
    setup_intent = StringField(
        "Bank account",
        validators=[
            InputRequired("Connect the bank account first: press Connect bank account."),
            Length(max=120, message="That bank account was not connected. Please connect it again."),
            Regexp(r"^[A-Za-z0-9_]+$", message="That bank account was not connected. Please connect it again."),
        ],
    )
    ach_version = StringField("Authorization version", validators=[Optional(), Length(max=20)])
    ach_agree = BooleanField("I authorize")
    make_default = BooleanField("Make this my default payment method")

    def validate_ach_agree(self, field):
        if self.setup_intent.data and not field.data:
            raise ValidationError("Tick I authorize to let us debit your bank account.")


class SavedBankAccountPaymentForm(SavedCardPaymentForm):
    ach_version = StringField("Authorization version", validators=[InputRequired(), Length(max=20)])
    ach_agree = BooleanField(
        "I authorize this debit",
        validators=[InputRequired("Tick I authorize to let us debit your bank account, or choose another method.")],
    )


class AutoPayForm(FlaskForm):
    """Set up or change AutoPay: a saved card or bank account (the choices are the account's), the text's version,
    I agree; for a bank account also the debit authorization's version and its own I authorize tick
    (ach_agree carries the id of the bank account it was ticked for)."""

    profile_id = StringField("Card", validators=[InputRequired("Choose the card AutoPay charges.")])
    terms_version = StringField("Authorization version", validators=[InputRequired(), Length(max=20)])
    ach_version = StringField("Debit authorization version", validators=[Optional(), Length(max=20)])
    agree = BooleanField(
        "I agree", validators=[InputRequired("Tick I agree to authorize AutoPay, or go back to Billing.")]
    )

    def __init__(self, *args, profile_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.profile_id.validators = [
            InputRequired("Choose the card or bank account AutoPay pays from."),
            AnyOf(list(profile_ids), message="Choose one of your saved cards or bank accounts."),
        ]
