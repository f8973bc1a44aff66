"""The member's request for a session; Flask-WTF adds the CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from counsel.web.converters import MAX_ID


class RequestSessionForm(FlaskForm):
    expert_id = IntegerField(
        _l("Expert"),
        validators=[
            InputRequired(),
            NumberRange(min=1),
            # Beyond any database id: no such expert (and no OverflowError in the driver).
            NumberRange(max=MAX_ID, message=_l("That expert does not exist.")),
        ],
    )
    topic = StringField(
        _l("What would you like to talk about?"),
        validators=[InputRequired(), Length(min=1, max=200)],
    )
