"""The language switcher and the settings form; Flask-WTF adds the CSRF token to each."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from counsel.i18n import LANGUAGE_NAMES, LANGUAGES, zones


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[InputRequired(), AnyOf(LANGUAGES)])
    next = HiddenField()


class SettingsForm(FlaskForm):
    """The person's own settings; name, password and e-mail join it later."""

    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("As my browser says"))]
        + [SelectChoice(code, name, {"lang": code}) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=True,
    )
    timezone = SelectField(
        _l("Time zone"),
        validators=[InputRequired()],
        choices=lambda: list(zones.known_zones()),
        validate_choice=True,
    )
