/**
 * Camera and microphone buttons, the CAM messages that tell the peer, and how the peer's
 * camera and microphone state is shown over the remote video.
 */

import { t } from "./i18n.js";
import { hasKind, isOn, setOn } from "./media.js";
import { Type } from "./protocol.js";

const LABELS = {
  // A toggle keeps its name and says its state with aria-pressed (pressed: camera off, muted),
  // so a screen reader never hears a name and a state that contradict each other.
  video: { present: t("Turn camera off"), none: t("No camera") },
  audio: { present: t("Mute microphone"), none: t("No microphone") },
};

export class MediaControls {
  /** @param {{buttons: {video: HTMLButtonElement, audio: HTMLButtonElement},
   *           localTile: HTMLElement, remoteTile: HTMLElement, role: string,
   *           storageKey: string, send: (frame: object) => boolean}} options */
  constructor({ buttons, localTile, remoteTile, role, storageKey, send }) {
    Object.assign(this, { buttons, localTile, remoteTile, role, storageKey, send });
    this.stream = null;
    this.settled = false; // getUserMedia has answered (with a stream or without)
    this.announced = { video: true, audio: true }; // what our last CAM entry says
    this.online = false;
    for (const kind of ["video", "audio"]) {
      buttons[kind].addEventListener("click", () => this.toggle(kind));
    }
    this.render();
  }

  /** Our media arrived (or failed): apply the choice made before a reload, then tell the peer. */
  setStream(stream) {
    this.stream = stream;
    this.settled = true;
    const saved = this.loadChoice();
    for (const kind of ["video", "audio"]) {
      if (saved && kind in saved) setOn(stream, kind, saved[kind]);
    }
    this.render();
    this.reconcile();
  }

  toggle(kind) {
    if (!hasKind(this.stream, kind)) return;
    setOn(this.stream, kind, !isOn(this.stream, kind));
    this.saveChoice();
    this.render();
    this.reconcile();
  }

  current() {
    return { video: isOn(this.stream, "video"), audio: isOn(this.stream, "audio") };
  }

  /** Send CAM when what the ledger says about us differs from the truth. */
  reconcile() {
    if (!this.online || !this.settled) return;
    const now = this.current();
    if (now.video === this.announced.video && now.audio === this.announced.audio) return;
    this.send({ type: Type.CAM, video: now.video, audio: now.audio });
  }

  /** A CAM entry, ours or the peer's, live or from history. */
  onEntry(entry, live) {
    const state = { video: Boolean(entry.video), audio: Boolean(entry.audio) };
    if (entry.from !== this.role) return this.showPeer(state);
    this.announced = state;
    // A quick second toggle may have been made while this one was on its way.
    if (live) this.reconcile();
  }

  showPeer({ video, audio }) {
    this.remoteTile.dataset.camera = video ? "on" : "off";
    this.remoteTile.dataset.mic = audio ? "on" : "off";
  }

  onSynced() {
    this.online = true;
    this.reconcile();
  }

  onDown() {
    this.online = false;
  }

  render() {
    for (const kind of ["video", "audio"]) {
      const button = this.buttons[kind];
      const present = hasKind(this.stream, kind);
      const on = isOn(this.stream, kind);
      button.disabled = !present;
      button.setAttribute("aria-pressed", String(present && !on));
      button.dataset.on = String(on);
      button.querySelector(".label").textContent = LABELS[kind][present ? "present" : "none"];
    }
    this.localTile.dataset.camera = isOn(this.stream, "video") ? "on" : "off";
    this.localTile.dataset.mic = isOn(this.stream, "audio") ? "on" : "off";
  }

  loadChoice() {
    try {
      return JSON.parse(sessionStorage.getItem(this.storageKey) || "null");
    } catch {
      return null;
    }
  }

  saveChoice() {
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify(this.current()));
    } catch {
      // Without storage a reload turns the camera back on; the peer is told by CAM.
    }
  }
}
