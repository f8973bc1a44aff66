"""The member's request for a session; Flask-WTF adds the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange


class RequestSessionForm(FlaskForm):
    expert_id = IntegerField(_l("Expert"), validators=[InputRequired(), NumberRange(min=1)])
    topic = StringField(
        _l("What would you like to talk about?"),
        validators=[InputRequired(), Length(min=1, max=200)],
    )
