"""The admin's form for a new expert account."""

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from counsel.accounts.forms import RegisterForm


class ExpertForm(RegisterForm):
    specialty = StringField("Specialty", validators=[Optional(), Length(max=100)])
    bio = TextAreaField("Short bio", validators=[Optional(), Length(max=2000)])
