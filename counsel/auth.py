"""Login, logout and member registration."""

from urllib.parse import urlsplit

from flask import (Blueprint, Flask, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_required, login_user, logout_user

from counsel import accounts, audit
from counsel.extensions import login_manager
from counsel.forms import LoginForm, RegisterForm
from counsel.models import Role
from counsel.passwords import verify_password
from counsel.throttle import is_throttled

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "That email and password do not match an account."
THROTTLED = "Too many failed attempts. Please wait a few minutes and try again."


def init_app(app: Flask) -> None:
    """Configure Flask-Login."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.session_protection = "basic"
    login_manager.user_loader(accounts.load_login)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site is a valid post-login destination."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _start_login(user) -> None:
    session.clear()  # a fresh session on login: no fixation
    login_user(user)
    audit.record("login", "success", user_id=user.id, subject=user.email)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show and handle the login form."""
    if current_user.is_authenticated:
        return redirect(url_for("sessions.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    email = accounts.normalize_email(form.email.data)
    if is_throttled(email, request.remote_addr or ""):
        audit.record("login", "throttled", subject=email)
        flash(THROTTLED, "error")
        return render_template("auth/login.html", form=form), 429
    user = accounts.find_by_email(email)
    if not verify_password(user.password_hash if user else None, form.password.data) or (
        user is not None and not user.active
    ):
        audit.record("login", "failure", subject=email)
        flash(LOGIN_FAILED, "error")
        return render_template("auth/login.html", form=form), 401
    _start_login(user)
    return redirect(safe_next(form.next.data) or url_for("sessions.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    """End this login everywhere: the cookie, other tabs, and open call sockets."""
    user = current_user._get_current_object()
    accounts.end_all_logins(user)
    current_app.extensions["counsel.relay"].disconnect_user(user.id)
    audit.record("logout", "success", user_id=user.id)
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Members register themselves."""
    if current_user.is_authenticated:
        return redirect(url_for("sessions.dashboard"))
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), 400 if request.method == "POST" else 200
    try:
        user = accounts.create_user(form.email.data, form.name.data, Role.MEMBER,
                                    form.password.data)
    except accounts.DuplicateEmail:
        form.email.errors.append("An account with this email already exists. Try logging in.")
        return render_template("auth/register.html", form=form), 409
    _start_login(user)
    flash("Welcome to Counsel.", "info")
    return redirect(url_for("sessions.dashboard"))
