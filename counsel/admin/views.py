"""Admin pages: review sessions and their ledgers, manage experts, disable accounts."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from counsel import ertc
from counsel.accounts import users
from counsel.accounts.auth import safe_next
from counsel.admin import actions, queries
from counsel.admin.forms import ExpertForm
from counsel.extensions import db
from counsel.models import Role, Status, User
from counsel.records import audit, transcript
from counsel.sessions.access import require_role, session_or_404
from counsel.web import display

bp = Blueprint("admin", __name__, url_prefix="/admin")
display.register(bp)


@bp.before_request
@login_required
def _admins_only() -> None:
    """Every admin route: logged in (else the login page), admin (else 403 and audited)."""
    require_role(Role.ADMIN)


@bp.get("/sessions")
def session_list():
    """All sessions, filtered and paginated."""
    filters = queries.parse_filters(request.args)
    page = db.paginate(
        queries.session_query(filters),
        page=queries.page_number(request.args.get("page")),
        per_page=current_app.config["ADMIN_PAGE_SIZE"],
        error_out=False,
        count=True,
    )
    return render_template(
        "admin/sessions.html",
        filters=filters,
        page=page,
        experts=queries.all_experts(),
        statuses=list(Status),
    )


@bp.get("/sessions/<id:session_id>")
def session_detail(session_id: int):
    """One session: people, times, status history, the whole ledger as text, files."""
    session = session_or_404(session_id)
    audit.record("admin.view_session", "success", f"session:{session_id}")
    entries = queries.ledger(session_id)
    return render_template(
        "admin/session.html",
        session=session,
        lines=transcript.lines(entries, session),
        files=queries.shared_files(session_id),
    )


@bp.route("/experts", methods=["GET", "POST"])
def experts():
    """List experts and create new expert accounts."""
    form = ExpertForm()
    if not form.validate_on_submit():
        return _experts_page(form, 400 if request.method == "POST" else 200)
    try:
        user = actions.create_expert(
            form.email.data,
            form.name.data,
            form.password.data,
            specialty=form.specialty.data or "",
            bio=form.bio.data or "",
        )
    except users.AccountError as error:
        form[error.field].errors.append(error.message)
        return _experts_page(form, error.status)
    flash(_("Expert account created for %(email)s.", email=user.email), "info")
    return redirect(url_for(".experts"))


def _experts_page(form: ExpertForm, status: int):
    return render_template("admin/experts.html", form=form, experts=queries.all_experts()), status


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, _("No such user."))
    return user


def _back():
    return redirect(safe_next(request.form.get("next")) or url_for(".experts"))


@bp.post("/users/<id:user_id>/disable")
def disable_user(user_id: int):
    """Disable an account and end all its logins and open calls."""
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        abort(409, _("You cannot disable your own account."))
    actions.disable_user(user)  # committed before the sockets are told to close
    ertc.get_relay().disconnect_user(user.id)
    flash(_("%(name)s is disabled and logged out everywhere.", name=user.name), "info")
    return _back()


@bp.post("/users/<id:user_id>/enable")
def enable_user(user_id: int):
    """Let a disabled account log in again."""
    user = _user_or_404(user_id)
    actions.enable_user(user)
    flash(_("%(name)s can log in again.", name=user.name), "info")
    return _back()
