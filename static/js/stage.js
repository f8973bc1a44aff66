/**
 * The video stage: our preview, the peer's video, and what to say when the camera or the
 * microphone cannot be used.
 */

import { openMedia, stopAll } from "./media.js";

const $ = (id) => document.getElementById(id);

export class Stage {
  /** @param {{onStream: (stream: MediaStream|null) => void}} options */
  constructor({ onStream }) {
    this.onStream = onStream;
    this.stream = null;
    this.stopped = false;
    $("media-retry").addEventListener("click", () => this.open());
    $("sound-button").addEventListener("click", () => this.unmute());
  }

  /** Ask for camera and microphone; the call goes on with whatever we get. */
  async open() {
    $("media-retry").hidden = true;
    const { stream, problem } = await openMedia();
    if (this.stopped) return stopAll(stream);
    if (this.stream !== stream) stopAll(this.stream);
    this.stream = stream;
    $("local-video").srcObject = stream;
    $("media-problem").hidden = !problem;
    $("media-problem-text").textContent = problem || "";
    $("media-retry").hidden = !problem;
    this.onStream(stream);
  }

  showRemote(stream) {
    const video = $("remote-video");
    if (video.srcObject !== stream) video.srcObject = stream;
    // Browsers may refuse sound before a click: play muted and offer a button for sound.
    video.play().catch(() => {
      video.muted = true;
      $("sound-button").hidden = false;
      video.play().catch(() => {});
    });
  }

  clearRemote() {
    $("remote-video").srcObject = null;
  }

  unmute() {
    const video = $("remote-video");
    video.muted = false;
    video.play().catch(() => {});
    $("sound-button").hidden = true;
  }

  /** The call is over for this page: the camera light goes off. */
  stop() {
    this.stopped = true;
    stopAll(this.stream);
    this.stream = null;
    this.clearRemote();
    $("local-video").srcObject = null;
  }
}
