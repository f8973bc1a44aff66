"""Session requests and the status machine through the HTTP routes."""

import pytest

from counsel.extensions import db
from counsel.models import CounselingSession, Role, Status, StatusChange
from tests.helpers.forms import csrf_token, login
from tests.helpers.roomkit import audit_events
from tests.helpers.web import load, post, snapshot


def _statuses(app, session_id: int) -> list[Status]:
    with app.app_context():
        query = db.select(StatusChange.status).where(StatusChange.session_id == session_id)
        return list(db.session.scalars(query.order_by(StatusChange.id)))


def test_member_requests_a_session(app, login_as, member, expert):
    client = login_as(member)
    response = post(client, "/sessions", expert_id=expert.id, topic="  Exam stress  ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    session = load(app, CounselingSession, 1)
    assert (session.member_id, session.expert_id) == (member.id, expert.id)
    assert session.status is Status.REQUESTED
    assert session.topic == "Exam stress"
    assert _statuses(app, 1) == [Status.REQUESTED]
    page = client.get("/").get_data(as_text=True)
    assert "Your request was sent to Erin Expert." in page
    assert "Exam stress" in page


@pytest.mark.parametrize(
    ("start", "action", "end", "stamp"),
    [
        (Status.REQUESTED, "accept", Status.ACCEPTED, "accepted_at"),
        (Status.REQUESTED, "decline", Status.DECLINED, None),
        (Status.REQUESTED, "cancel", Status.CANCELLED, None),
        (Status.ACCEPTED, "cancel", Status.CANCELLED, None),
    ],
)
def test_allowed_transitions(
    app, client, member, expert, create_session, start, action, end, stamp
):
    session = create_session(member, expert, start)
    login(client, member if action == "cancel" else expert)
    response = post(client, f"/sessions/{session.id}/{action}")
    assert response.status_code == 302
    after = load(app, CounselingSession, session.id)
    assert after.status is end
    assert _statuses(app, session.id) == [end]
    if stamp:
        assert getattr(after, stamp) is not None


FORBIDDEN = [
    # (status, action, who, expected HTTP status)
    (Status.ACCEPTED, "accept", "expert", 409),
    (Status.ACCEPTED, "decline", "expert", 409),
    (Status.LIVE, "cancel", "member", 409),
    (Status.LIVE, "accept", "expert", 409),
    (Status.ENDED, "cancel", "member", 409),
    (Status.DECLINED, "accept", "expert", 409),
    (Status.DECLINED, "cancel", "member", 409),
    (Status.CANCELLED, "accept", "expert", 409),
    (Status.CANCELLED, "cancel", "member", 409),
    (Status.REQUESTED, "accept", "member", 403),
    (Status.REQUESTED, "decline", "member", 403),
    (Status.REQUESTED, "cancel", "expert", 403),
    (Status.ACCEPTED, "cancel", "expert", 403),
    (Status.REQUESTED, "accept", "other_expert", 403),
    (Status.REQUESTED, "cancel", "other_member", 403),
    (Status.REQUESTED, "accept", "admin", 403),
    (Status.REQUESTED, "cancel", "admin", 403),
]


@pytest.mark.parametrize(("status", "action", "who", "expected"), FORBIDDEN)
def test_forbidden_transitions_change_nothing(
    app, client, request, member, expert, create_session, status, action, who, expected
):
    session = create_session(member, expert, status)
    login(client, request.getfixturevalue(who))
    before = snapshot(app)
    response = post(client, f"/sessions/{session.id}/{action}")
    assert response.status_code == expected
    assert snapshot(app) == before
    assert "<h1>" in response.get_data(as_text=True)  # the HTML error page, not a bare body


def test_accept_twice_is_a_conflict(app, login_as, member, expert, create_session):
    session = create_session(member, expert, Status.REQUESTED)
    client = login_as(expert)
    assert post(client, f"/sessions/{session.id}/accept").status_code == 302
    again = post(client, f"/sessions/{session.id}/accept")
    assert again.status_code == 409
    assert "no longer possible" in again.get_data(as_text=True)
    assert _statuses(app, session.id) == [Status.ACCEPTED]


def test_refused_action_is_audited(app, login_as, member, other_expert, expert, create_session):
    session = create_session(member, expert, Status.REQUESTED)
    post(login_as(other_expert), f"/sessions/{session.id}/accept")
    assert ("access", "denied", f"session:{session.id}") in audit_events(app)


def test_unknown_session_and_get_never_change_state(app, login_as, member, expert, create_session):
    session = create_session(member, expert, Status.REQUESTED)
    client = login_as(expert)
    before = snapshot(app)
    assert post(client, "/sessions/999/accept").status_code == 404
    assert post(client, "/sessions/abc/accept").status_code == 404
    assert post(client, f"/sessions/{session.id}/approve").status_code == 404
    assert client.get(f"/sessions/{session.id}/accept").status_code == 405
    assert client.get("/sessions").status_code == 405
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("fields", "expected", "message"),
    [
        ({"topic": ""}, 400, "This field is required."),
        ({"topic": "   "}, 400, "Please give a topic of 1 to 200 characters."),
        ({"topic": "x" * 201}, 400, "Field must be between 1 and 200 characters long."),
        ({"expert_id": "abc"}, 400, "Not a valid integer value."),
        ({"expert_id": ""}, 400, "This field is required."),
        ({"expert_id": "0"}, 400, "Number must be at least 1."),
        ({"expert_id": "9999"}, 404, "That expert does not exist."),
        ({"expert_id": "member"}, 404, "That expert does not exist."),
        ({"expert_id": "admin"}, 404, "That expert does not exist."),
    ],
)
def test_bad_requests_change_nothing(
    app, request, login_as, member, expert, admin, fields, expected, message
):
    data = {"expert_id": str(expert.id), "topic": "Sleep"}
    data.update(fields)
    if data["expert_id"] in ("member", "admin"):
        data["expert_id"] = str(request.getfixturevalue(data["expert_id"]).id)
    client = login_as(member)
    before = snapshot(app)
    response = post(client, "/sessions", **data)
    assert response.status_code == expected
    assert message in response.get_data(as_text=True)
    assert 'id="request"' in response.get_data(as_text=True)  # the form is shown again
    assert snapshot(app) == before


def test_disabled_expert_cannot_be_requested(app, login_as, member, create_user):
    retired = create_user(Role.EXPERT, "Retired Expert", active=False)
    client = login_as(member)
    before = snapshot(app)
    assert post(client, "/sessions", expert_id=retired.id, topic="Hi").status_code == 404
    assert snapshot(app) == before
    assert "Retired Expert" not in client.get("/").get_data(as_text=True)


def test_topic_of_200_characters_is_accepted(app, login_as, member, expert):
    response = post(login_as(member), "/sessions", expert_id=expert.id, topic="y" * 200)
    assert response.status_code == 302
    assert load(app, CounselingSession, 1).topic == "y" * 200


def _request_path(session_id: int, kind: str) -> str:
    return "/sessions" if kind == "request" else f"/sessions/{session_id}/{kind}"


@pytest.mark.parametrize("kind", ["request", "accept", "cancel"])
def test_csrf_missing_or_foreign_token_is_refused(
    app, member, expert, other_member, create_session, kind
):
    session = create_session(member, expert, Status.REQUESTED)
    actor = expert if kind == "accept" else member
    client, stranger = app.test_client(), app.test_client()
    login(client, actor)
    login(stranger, other_member)
    foreign = csrf_token(stranger, "/")
    data = {"expert_id": expert.id, "topic": "Sleep"}
    before = snapshot(app)
    for token in ("", foreign, "garbage"):
        response = client.post(
            _request_path(session.id, kind), data={**data, "csrf_token": token} if token else data
        )
        assert response.status_code == 400
        assert "did not come from this site" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_member_dashboard_shows_status_cancel_and_room_links(
    login_as, member, expert, other_expert, create_session
):
    by_status = {
        status: create_session(member, expert, status, topic=f"Topic {status}") for status in Status
    }
    page = login_as(member).get("/").get_data(as_text=True)
    for status, session in by_status.items():
        assert f"Topic {status}" in page
        assert f'status-{status}">{status}<' in page
        cancellable = status in (Status.REQUESTED, Status.ACCEPTED)
        assert (f"/sessions/{session.id}/cancel" in page) == cancellable
        joinable = status in (Status.ACCEPTED, Status.LIVE)
        assert (f"/sessions/{session.id}/room" in page) == joinable
    # The directory: every active expert with a way to ask for them.
    assert "Sam Sage" in page and "Listening" in page
    assert f'<option value="{other_expert.id}"' in page


def test_member_sees_only_own_sessions(login_as, member, other_member, expert, create_session):
    create_session(other_member, expert, Status.REQUESTED, topic="Someone else's worry")
    page = login_as(member).get("/").get_data(as_text=True)
    assert "Someone else" not in page
    assert "No sessions yet" in page


def test_expert_dashboard_groups_requests_upcoming_and_past(
    login_as, member, expert, other_expert, create_session
):
    requested = create_session(member, expert, Status.REQUESTED, topic="Please help")
    accepted = create_session(member, expert, Status.ACCEPTED, topic="Booked in")
    create_session(member, expert, Status.ENDED, topic="All done")
    create_session(member, other_expert, Status.REQUESTED, topic="Not for Erin")
    page = login_as(expert).get("/").get_data(as_text=True)
    incoming, rest = page.split('id="upcoming"')
    upcoming, past = rest.split('id="past"')
    assert "Please help" in incoming and f"/sessions/{requested.id}/accept" in incoming
    assert f"/sessions/{requested.id}/decline" in incoming
    assert "Booked in" in upcoming and f"/sessions/{accepted.id}/room" in upcoming
    assert "All done" in past and "/room" not in past
    assert "Not for Erin" not in page


def test_admin_dashboard_is_the_session_list(login_as, admin):
    response = login_as(admin).get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sessions"


def test_user_text_is_escaped_on_dashboards(app, member, expert, create_session):
    create_session(member, expert, Status.REQUESTED, topic="<script>alert(1)</script>")
    for user in (member, expert):
        client = app.test_client()
        login(client, user)
        page = client.get("/").get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
