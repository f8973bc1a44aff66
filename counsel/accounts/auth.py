"""Login, logout and member registration."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from counsel import ertc
from counsel.accounts import lifetime, rates, signout, users
from counsel.accounts.forms import LoginForm, RegisterForm
from counsel.accounts.throttle import is_throttled
from counsel.extensions import login_manager
from counsel.i18n import N_, zones
from counsel.models import Role, User
from counsel.records import audit

bp = Blueprint("auth", __name__)

LOGIN_FAILED = N_("That email and password do not match an account.")
THROTTLED = N_("Too many failed attempts. Please wait a few minutes and try again.")
TOO_MANY = N_("Too many attempts from your network. Please wait a few minutes and try again.")


def init_app(app: Flask) -> None:
    """Configure Flask-Login."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.localize_callback = str  # the lazy message, in the visitor's language
    login_manager.session_protection = "basic"
    login_manager.user_loader(users.load_login)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site is a valid post-login destination."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "\" as "/" and drop tabs and newlines: "/\t/evil" would become "//evil".
    if "\\" in target or any(char.isspace() or not char.isprintable() for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _page(template: str, form: FlaskForm, status: int | None = None):
    """Render a form page: 200 for GET, 400 for a POST that did not validate."""
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render_template(template, form=form), status


def _start_login(user: User) -> None:
    session.clear()  # a fresh session (and CSRF token) on login: no fixation
    login_user(user)
    lifetime.stamp_login()
    audit.record("login", "success", user_id=user.id, subject=user.email)


def _refuse_login(form: LoginForm, email: str, result: str, message: str, status: int):
    audit.record("login", result, subject=email)
    flash(_(message), "error")
    return _page("auth/login.html", form, status)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show and handle the login form."""
    if current_user.is_authenticated:
        return redirect(url_for("sessions.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _page("auth/login.html", form)
    email = users.normalize_email(form.email.data)
    # Checked before the password, so a throttled guess learns nothing (and costs no hash).
    address = request.remote_addr or ""
    if rates.login_limited(address):
        return _refuse_login(form, email, "throttled", TOO_MANY, 429)
    if is_throttled(email, address):
        return _refuse_login(form, email, "throttled", THROTTLED, 429)
    user = users.authenticate(email, form.password.data)
    if user is None:
        return _refuse_login(form, email, "failure", LOGIN_FAILED, 401)
    _start_login(user)
    return redirect(safe_next(form.next.data) or url_for("sessions.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    """End this login everywhere: the cookie, other tabs, and open call sockets."""
    user = current_user._get_current_object()
    signout.log_out_everywhere(user)  # committed before the sockets are told to close
    ertc.get_relay().disconnect_user(user.id)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Members register themselves."""
    if current_user.is_authenticated:
        return redirect(url_for("sessions.dashboard"))
    form = RegisterForm()
    if not form.validate_on_submit():
        return _page("auth/register.html", form)
    if rates.registration_limited(request.remote_addr or ""):
        audit.record("register", "throttled")
        flash(_(TOO_MANY), "error")
        return _page("auth/register.html", form, 429)
    zone, zone_note = zones.proposed_zone(form.timezone.data)
    try:
        user = users.create_user(
            form.email.data, form.name.data, Role.MEMBER, form.password.data, timezone=zone
        )
    except users.AccountError as error:
        form[error.field].errors.append(error.message)
        return _page("auth/register.html", form, error.status)
    _start_login(user)
    flash(_("Welcome to Counsel."), "info")
    if zone_note:
        flash(zone_note, "info")
    return redirect(url_for("sessions.dashboard"))
