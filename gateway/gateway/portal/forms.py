"""Portal forms (Flask-WTF): each carries its CSRF token."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address such as name@example.com.")
MONTHS = [f"{month:02d}" for month in range(1, 13)]


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your account number."), Length(max=40)])
    password = PasswordField("Password", validators=[InputRequired("Enter your passcode."), Length(max=200)])


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token (Logout, Remove, ...)."""


class EmailInvoiceForm(FlaskForm):
    email = StringField(
        "E-mail address", validators=[InputRequired("Enter the e-mail address to send it to."), Length(max=254), EMAIL]
    )


class CardFieldsForm(FlaskForm):
    """A card as typed. The number and code are never put back into the page, the session or a log."""

    card_number = StringField(
        "Card Number",
        validators=[
            InputRequired("Enter the card number."),
            Length(max=40, message="That card number is too long."),
            Regexp(r"^[\d\s-]+$", message="Enter the card number using digits only."),
        ],
    )
    # plain fields rendered as <select> by the template (options from .choices); AnyOf checks what comes back
    exp_month = StringField("Expiration month", validators=[AnyOf(MONTHS, message="Choose the month on the card.")])
    exp_year = StringField("Expiration year")
    card_code = StringField(
        "Card Code",
        validators=[
            InputRequired(
                "Enter the card code from the back of the card (4 digits on the front for American Express)."
            ),
            Regexp(r"^\d{3,4}$", message="The card code is 3 digits (4 for American Express)."),
        ],
    )

    def __init__(self, *args, year_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exp_month.choices = MONTHS
        self.exp_year.choices = [str(year) for year in year_choices]
        self.exp_year.validators = [AnyOf(self.exp_year.choices, message="Choose the year on the card.")]


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


class AutoPayForm(FlaskForm):
    """Set up or change AutoPay: a saved card (the choices are the account's), the text's version, I agree."""

    profile_id = StringField("Card", validators=[InputRequired("Choose the card AutoPay charges.")])
    terms_version = StringField("Authorization version", validators=[InputRequired(), Length(max=20)])
    agree = BooleanField(
        "I agree", validators=[InputRequired("Tick I agree to authorize AutoPay, or go back to Billing.")]
    )

    def __init__(self, *args, profile_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.profile_id.validators = [
            InputRequired("Choose the card AutoPay charges."),
            AnyOf(list(profile_ids), message="Choose one of your saved cards."),
        ]
