"""The admin's form for a new expert account."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from counsel.accounts.forms import RegisterForm


class ExpertForm(RegisterForm):
    specialty = StringField(_l("Specialty"), validators=[Optional(), Length(max=100)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
