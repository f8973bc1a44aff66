"""The language switcher (`POST /language`) and the person's settings (`GET,POST /settings`)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from counsel.accounts.auth import safe_next
from counsel.i18n import COOKIE, is_language
from counsel.i18n.forms import LanguageForm, SettingsForm
from counsel.uow import unit_of_work

bp = Blueprint("i18n", __name__)

COOKIE_SECONDS = 365 * 24 * 3600


@bp.post("/language")
def switch_language():
    """Remember the chosen language in a cookie (and for a logged-in person, their account)."""
    form = LanguageForm()
    if not form.validate_on_submit() or not is_language(form.language.data):
        abort(400, _("Choose Korean (ko) or English (en)."))
    if current_user.is_authenticated:
        with unit_of_work():
            current_user.language = form.language.data
    response = redirect(safe_next(form.next.data) or url_for("sessions.dashboard"))
    response.set_cookie(
        COOKIE,
        form.language.data,
        max_age=COOKIE_SECONDS,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["HTTPS"],
    )
    return response


def _settings_form() -> SettingsForm:
    """The form, filled with the saved values on GET."""
    if request.method == "POST":
        return SettingsForm()
    return SettingsForm(language=current_user.language or "", timezone=current_user.timezone)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Show and save the person's language and time zone."""
    form = _settings_form()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("settings.html", form=form), status
    with unit_of_work():
        current_user.language = form.language.data or None
        current_user.timezone = form.timezone.data
    refresh()  # the flash below speaks the newly chosen language
    flash(_("Your settings are saved."), "info")
    return redirect(url_for(".settings"))
