import pytest, time
pytestmark = pytest.mark.browser
def test_dbg(person, seeder, live, workdir):
    sid = seeder.accepted_session()
    e = person("expert")
    logs = []
    e.page.on("console", lambda m: logs.append(f"{m.type}: {m.text}"))
    e.page.on("pageerror", lambda m: logs.append(f"pageerror: {m}"))
    r = e.page.goto(f"/sessions/{sid}/room")
    print(r.status, e.page.url)
    time.sleep(3)
    print(e.state(), e.page.text_content("#call-status"), e.page.text_content("#peer-presence"))
    print("\n".join(logs))
    print((workdir / "gunicorn.log").read_text()[-3000:])
