"""Dashboards for each role and the session workflow routes: request, accept, decline, cancel."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from counsel.accounts import users
from counsel.models import Role
from counsel.records import audit
from counsel.sessions import dashboards, workflow
from counsel.sessions.access import require_role, session_or_404
from counsel.sessions.forms import RequestSessionForm
from counsel.web import display
from counsel.web.converters import parse_id

bp = Blueprint("sessions", __name__)
display.register(bp)

DONE = {
    "accept": _l("Session accepted. The room link is under Upcoming."),
    "decline": _l("Request declined."),
    "cancel": _l("Session cancelled."),
}


@bp.get("/")
@login_required
def dashboard():
    """The dashboard for the current user's role."""
    if current_user.role is Role.ADMIN:
        return redirect(url_for("admin.session_list"))
    if current_user.role is Role.EXPERT:
        board = dashboards.expert_board(current_user.id)
        return render_template("sessions/expert.html", board=board)
    form = RequestSessionForm()
    form.expert_id.data = request.args.get("expert", type=parse_id)
    return _member_page(form)


def _member_page(form: RequestSessionForm, status: int = 200):
    page = render_template(
        "sessions/member.html",
        form=form,
        sessions=dashboards.member_sessions(current_user.id),
        experts=users.experts(),
    )
    return page, status


@bp.post("/sessions")
@login_required
def request_session():
    """A member asks an expert for a session."""
    require_role(Role.MEMBER)
    form = RequestSessionForm()
    if not form.validate_on_submit():
        return _member_page(form, 400)
    user = current_user._get_current_object()
    try:
        session = workflow.request_session(user, form.expert_id.data, form.topic.data)
    except workflow.WorkflowError as error:
        # An unknown expert belongs to the expert field, anything else to the topic.
        (form.expert_id if error.status == 404 else form.topic).errors.append(error.message)
        return _member_page(form, error.status)
    flash(
        _("Your request was sent to %(name)s.", name=display.display_name(session.expert)), "info"
    )
    return redirect(url_for(".dashboard"))


@bp.post("/sessions/<id:session_id>/<any(accept, decline, cancel):action>")
@login_required
def act(session_id: int, action: str):
    """Accept, decline or cancel a session, when this user may."""
    session = session_or_404(session_id)
    try:
        workflow.apply(session, current_user._get_current_object(), action)
    except workflow.WorkflowError as error:
        if error.status == 403:
            audit.record("access", "denied", f"session:{session_id}")
        abort(error.status, error.message)
    flash(str(DONE[action]), "info")
    return redirect(url_for(".dashboard"))
