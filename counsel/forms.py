"""WTForms forms; Flask-WTF adds the CSRF token to each."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from counsel.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[InputRequired(), Length(min=1, max=100)])
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[InputRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )


class ExpertForm(RegisterForm):
    specialty = StringField("Specialty", validators=[Optional(), Length(max=100)])
    bio = TextAreaField("Short bio", validators=[Optional(), Length(max=2000)])


class RequestSessionForm(FlaskForm):
    expert_id = IntegerField("Expert", validators=[InputRequired(), NumberRange(min=1)])
    topic = StringField(
        "What would you like to talk about?", validators=[InputRequired(), Length(min=1, max=200)]
    )


class ActionForm(FlaskForm):
    """An empty form: a button that changes state, protected by its CSRF token."""
