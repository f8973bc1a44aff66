from tests.conftest import csrf_token, login


def test_login_then_dashboard(client, member):
    login(client, member)
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_email_look_the_same(client, member):
    token = csrf_token(client)
    wrong = client.post("/login", data={"email": member.email, "password": "nope-nope-nope",
                                        "csrf_token": token})
    unknown = client.post("/login", data={"email": "ghost@example.test",
                                          "password": "nope-nope-nope", "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    # The pages differ only in the email the form echoes back.
    wrong_page = wrong.get_data(as_text=True).replace(member.email, "EMAIL")
    unknown_page = unknown.get_data(as_text=True).replace("ghost@example.test", "EMAIL")
    assert wrong_page == unknown_page
