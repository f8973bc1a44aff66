"""The login and registration forms; Flask-WTF adds the CSRF token to each."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import Email, InputRequired, Length

from counsel.accounts.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), Length(min=1, max=100)])
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[InputRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    # The browser's IANA zone, filled by static/js/timezone.js; checked in counsel/i18n/zones.py.
    timezone = HiddenField()
