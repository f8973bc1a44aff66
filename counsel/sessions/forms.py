"""The member's request for a session; Flask-WTF adds the CSRF token."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange


class RequestSessionForm(FlaskForm):
    expert_id = IntegerField("Expert", validators=[InputRequired(), NumberRange(min=1)])
    topic = StringField(
        "What would you like to talk about?", validators=[InputRequired(), Length(min=1, max=200)]
    )
