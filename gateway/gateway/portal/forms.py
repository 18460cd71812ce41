"""Portal forms (Flask-WTF): each carries its CSRF token."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your account number."), Length(max=40)])
    password = PasswordField("Password", validators=[InputRequired("Enter your passcode."), Length(max=200)])


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token (Logout, Remove, ...)."""
