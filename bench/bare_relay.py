"""A bare flask-sock relay speaking Counsel's /ertc wire shape: no login, no checks, no database.

It is the floor Counsel's own overhead is measured against (and what validated the generator
before /ertc existed). Serve it like Counsel:
`gunicorn -k gevent -w 1 --worker-connections 30000 bench.bare_relay:app`.
"""

import json

from flask import Flask, request
from flask_sock import Sock
from simple_websocket import ConnectionClosed

app = Flask(__name__)
app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 5, "max_message_size": 65536}
sock = Sock(app)
rooms: dict[str, list] = {}
ROLES = ("member", "expert")


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


def _relay(ws, seats: list, side: int) -> None:
    origin = ROLES[side]
    while True:
        body = json.loads(ws.receive())
        body["from"] = origin
        peer = seats[1 - side]
        if peer is not None:
            peer.send(json.dumps(body))


@sock.route("/ertc")
def ertc(ws) -> None:
    """Take the first free seat of the room, relay every frame to the other one."""
    seats = rooms.setdefault(request.args.get("session", ""), [None, None])
    side = 0 if seats[0] is None else 1
    seats[side] = ws
    welcome = {
        "type": "SYS",
        "event": "welcome",
        "role": ROLES[side],
        "peer_present": seats[1 - side] is not None,
    }
    ws.send(json.dumps(welcome))
    try:
        _relay(ws, seats, side)
    except ConnectionClosed:
        pass
    finally:
        seats[side] = None
