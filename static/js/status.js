/**
 * What the page tells the person: the call status (#call-status data-state), the peer's
 * presence (#peer-presence data-presence) and the link to the server (#link-status).
 */

import { t } from "./i18n.js";

const WORKING_CALL = new Set(["new", "connecting", "none"]);
const BROKEN_CALL = new Set(["disconnected", "failed", "restarting"]);

export class RoomStatus {
  /** @param {{call: HTMLElement, presence: HTMLElement, link: HTMLElement,
   *           peerName: string, graceSeconds: number, onLeft: () => void}} options */
  constructor({ call, presence, link, peerName, graceSeconds, onLeft }) {
    Object.assign(this, { callEl: call, presenceEl: presence, linkEl: link, peerName, onLeft });
    this.graceMs = Math.max(1, graceSeconds) * 1000;
    this.callState = "none";
    this.presence = "absent";
    this.linkUp = false;
    this.everLinked = false;
    this.final = null; // text once the call is over for this page
    this.graceTimer = null;
  }

  setCall(state) {
    this.callState = state;
    this.render();
  }

  /** The peer is present on the server now (welcome or joined). */
  peerHere() {
    clearTimeout(this.graceTimer);
    this.setPresence("present");
  }

  /** The peer's socket went away: reconnecting within the grace period, then left. */
  peerAway() {
    if (this.presence === "absent" || this.presence === "left") return this.render();
    if (this.presence === "reconnecting") return;
    this.setPresence("reconnecting");
    this.graceTimer = setTimeout(() => {
      this.setPresence("left");
      this.onLeft();
    }, this.graceMs);
  }

  setPresence(presence) {
    this.presence = presence;
    this.render();
  }

  setLink(up, retryMs = 0) {
    this.linkUp = up;
    this.everLinked = this.everLinked || up;
    const lost = t("The connection to Counsel was lost; your messages wait here and will be sent.");
    const seconds = Math.round(retryMs / 1000);
    const when = retryMs > 1000 ? " " + t("Trying again in {seconds} s.", { seconds }) : "";
    this.banner(up ? null : lost + when, !up);
    this.render();
  }

  /** The server says live delivery is interrupted (it still saves everything), or back. */
  setDegraded(degraded) {
    if (!this.linkUp) return;
    const text = t("Messages are saved but arrive late for a moment; the call itself is not affected.");
    this.banner(degraded ? text : null, false);
  }

  banner(text, retry) {
    this.linkEl.hidden = !text;
    this.linkEl.querySelector(".link-text").textContent = text || "";
    this.linkEl.querySelector("button").hidden = !retry;
  }

  /** The call is over for this page (ended, moved, logged out): nothing changes it after. */
  finish(text) {
    this.final = text;
    clearTimeout(this.graceTimer);
    this.linkEl.hidden = true;
    this.render();
  }

  state() {
    if (this.final) return "ended";
    if (this.callState === "connected") return "connected";
    if (!this.linkUp) return this.everLinked ? "reconnecting" : "connecting";
    if (this.presence === "absent" || this.presence === "left") return "waiting";
    if (BROKEN_CALL.has(this.callState) || this.presence === "reconnecting") return "reconnecting";
    return WORKING_CALL.has(this.callState) ? "connecting" : "reconnecting";
  }

  text(state) {
    const name = this.peerName;
    if (state === "ended") return this.final;
    if (state === "connected") return t("Connected with {name}", { name });
    if (state === "connecting") return t("Connecting to {name}…", { name });
    if (state === "reconnecting") return t("The connection was interrupted. Reconnecting…");
    if (this.presence === "left") {
      return t("{name} left the room. You can wait here or end the session.", { name });
    }
    return t("Waiting for {name} to join…", { name });
  }

  presenceText() {
    const name = this.peerName;
    if (this.presence === "present") return t("{name} is here", { name });
    if (this.presence === "reconnecting") return t("{name} is reconnecting…", { name });
    if (this.presence === "left") return t("{name} left", { name });
    return t("Waiting for {name}", { name });
  }

  render() {
    const state = this.state();
    this.callEl.dataset.state = state;
    this.callEl.querySelector(".status-text").textContent = this.text(state);
    this.presenceEl.dataset.presence = this.presence;
    this.presenceEl.textContent = this.final ? "" : this.presenceText();
  }
}
