"""One person in a browser context (tests/browser), and what the tests read from their room page."""

import contextlib
import time

CONNECTED = """() => {
  const pc = window.counselRoom && window.counselRoom.pc;
  const status = document.getElementById("call-status");
  return Boolean(pc && pc.connectionState === "connected" && status.dataset.state === "connected");
}"""

REMOTE_VIDEO = """() => {
  const video = document.getElementById("remote-video");
  return {width: video.videoWidth, frames: video.getVideoPlaybackQuality().totalVideoFrames,
          at: performance.now()};
}"""

CHAT_ROWS = """() => [...document.getElementById("chat-log").children].map((row) => ({
  seq: row.dataset.seq ? Number(row.dataset.seq) : null,
  from: row.dataset.from,
  type: row.dataset.type || "TXT",
  pending: row.classList.contains("pending"),
  text: (row.querySelector(".text, .file-link") || {}).textContent,
}))"""

# Every value #peer-presence takes from now on, to prove what the person never saw.
WATCH_PRESENCE = """() => {
  const node = document.getElementById("peer-presence");
  window.presenceSeen = [node.dataset.presence];
  new MutationObserver(() => window.presenceSeen.push(node.dataset.presence))
    .observe(node, {attributes: true, attributeFilter: ["data-presence"]});
}"""


class Person:
    """A browser context (one person's cookies) and the page they look at."""

    def __init__(self, who: str, context):
        self.who = who
        self.context = context
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(20_000)
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        return page

    def _dialog(self, dialog) -> None:
        # Only an injected script would open a JavaScript dialog on this page.
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open_room(self, session_id: int) -> None:
        self.page.goto(f"/sessions/{session_id}/room?debug")

    def wait_connected(self, timeout_ms: int = 20_000) -> float:
        """Wait for a connected call; returns seconds from navigation start to connected."""
        self.page.wait_for_function(CONNECTED, timeout=timeout_ms)
        return self.page.evaluate("() => window.counselRoom.connectedAt") / 1000

    def state(self) -> str:
        return self.page.get_attribute("#call-status", "data-state")

    def remote_video(self) -> dict:
        return self.page.evaluate(REMOTE_VIDEO)

    def wait_frames(self, timeout_ms: int = 15_000) -> None:
        """Wait until the remote video decodes a new frame (after a restart it waits for a
        key frame)."""
        self.page.wait_for_function(
            """(before) => {
              const video = document.getElementById("remote-video");
              return video.videoWidth > 0
                && video.getVideoPlaybackQuality().totalVideoFrames > before;
            }""",
            arg=self.remote_video()["frames"],
            timeout=timeout_ms,
        )

    def video_flowing(self, seconds: float = 1.5) -> float:
        """Assert remote frames keep coming; returns frames per second over `seconds`."""
        self.wait_frames()
        first = self.remote_video()
        time.sleep(seconds)
        last = self.remote_video()
        assert last["frames"] > first["frames"], f"{self.who}: remote video frozen"
        return (last["frames"] - first["frames"]) / ((last["at"] - first["at"]) / 1000)

    def say(self, text: str) -> None:
        self.page.fill("#chat-input", text)
        self.page.press("#chat-input", "Enter")

    def chat_rows(self) -> list[dict]:
        return self.page.evaluate(CHAT_ROWS)

    def wait_for_line(self, text: str, timeout_ms: int = 10_000) -> None:
        """Wait until a line with this text is in the log with its seq (acknowledged)."""
        self.page.wait_for_function(
            """(text) => [...document.getElementById("chat-log").children].some(
                 (row) => row.dataset.seq && row.querySelector(".text, .file-link")
                          && row.querySelector(".text, .file-link").textContent === text)""",
            arg=text,
            timeout=timeout_ms,
        )

    def watch_presence(self) -> None:
        self.page.evaluate(WATCH_PRESENCE)

    def presence_seen(self) -> list[str]:
        return self.page.evaluate("() => window.presenceSeen")

    def report(self) -> str:
        """What this person's pages said, for a failed test's report."""
        states = []
        for page in self.context.pages:
            try:
                state = page.get_attribute("#call-status", "data-state", timeout=1000)
                states.append(f"{page.url} state={state}")
            except Exception as error:  # noqa: BLE001 - a report must not fail
                states.append(f"{page.url} ({type(error).__name__})")
        return "\n".join([*states, *self.console[-60:]])

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already closed by the test
            self.context.close()
