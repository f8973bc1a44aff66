/**
 * The call: which Peer is current, when to build a new one, and ICE restarts.
 *
 * Events: remote {stream}, state {state} where state is a connectionState or "none".
 */

import { Peer } from "./peer.js";

const DISCONNECTED_GRACE_MS = 3000; // `disconnected` often heals by itself within a second or two
const RESTART_TIMEOUT_MS = 10000; // a restart that has not connected by then is tried again
const MAX_RESTARTS = 3; // after that, a new connection altogether

export class Call extends EventTarget {
  /** @param {{iceUrl: string, send: (frame: object) => boolean}} options */
  constructor({ iceUrl, send }) {
    super();
    this.iceUrl = iceUrl;
    this.send = send;
    this.polite = true;
    this.peer = null;
    this.localStream = null;
    this.noMedia = false;
    this.ice = null;
    this.queue = Promise.resolve();
    this.restartTimer = null;
    this.restarts = 0;
  }

  get state() {
    return this.peer ? this.peer.state : "none";
  }

  /** Our camera and microphone (or none when they failed): used now and by every new Peer. */
  setLocalStream(stream) {
    this.localStream = stream;
    this.noMedia = !stream || stream.getTracks().length === 0;
    if (this.peer && !this.noMedia) this.peer.setLocalStream(stream);
  }

  /** The peer is present on the signaling server: keep a healthy call, else start a new one. */
  peerPresent() {
    this.enqueue(async () => {
      if (!this.peer?.healthy) await this.rebuild();
    });
  }

  /** An offer, answer or candidate from the peer, handled strictly in arrival order. */
  signal(frame) {
    this.enqueue(() => this.apply(frame));
  }

  /** The server could not deliver our last frame: this negotiation cannot complete. */
  lostFrame() {
    if (this.peer) this.peer.lost = true;
  }

  enqueue(task) {
    this.queue = this.queue.then(task).catch((error) => console.warn("counsel:", error.name));
  }

  async apply(frame) {
    if (!this.peer) {
      if (frame.type !== "offer") return; // candidates and answers of a connection we dropped
      await this.rebuild();
    }
    const result = await this.peer.handle(frame);
    if (result !== "stale") return;
    // The peer reloaded or moved to another tab: its offer starts a new connection.
    await this.rebuild(frame.type === "offer");
    if (frame.type === "offer") await this.peer.handle(frame);
  }

  /** Drop the current connection and start a new one; quiet ones only answer. */
  async rebuild(quiet = false) {
    this.close();
    const ice = await this.iceServers(false);
    const peer = new Peer({ polite: this.polite, iceServers: ice, send: this.send });
    this.peer = peer;
    this.restarts = 0;
    peer.addEventListener("track", ({ detail }) => this.emit("remote", detail));
    peer.addEventListener("connectionstatechange", ({ detail }) => this.changed(peer, detail));
    if (this.localStream && !this.noMedia) peer.setLocalStream(this.localStream);
    else if (this.noMedia && !quiet) peer.receiveOnly();
    this.emit("state", { state: peer.state });
  }

  changed(peer, { state }) {
    if (peer !== this.peer) return;
    this.emit("state", { state });
    clearTimeout(this.restartTimer);
    if (state === "connected") this.restarts = 0;
    else if (state === "failed") this.restart();
    else if (state === "disconnected") this.later(DISCONNECTED_GRACE_MS);
  }

  later(ms) {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.restart(), ms);
  }

  /** ICE restart with fresh credentials; perfect negotiation carries the offer. */
  restart() {
    this.enqueue(async () => {
      const peer = this.peer;
      if (!peer || peer.state === "connected") return;
      this.restarts += 1;
      if (this.restarts > MAX_RESTARTS) return this.rebuild();
      peer.restartIce(await this.iceServers(true));
      this.emit("state", { state: "restarting" });
      this.later(RESTART_TIMEOUT_MS);
    });
  }

  /** ICE servers from the server, reused until half their lifetime has passed. */
  async iceServers(fresh) {
    if (!fresh && this.ice && Date.now() < this.ice.until) return this.ice.servers;
    try {
      const response = await fetch(this.iceUrl, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error(`ice ${response.status}`);
      const body = await response.json();
      const ttl = Number(body.ttl) || 600;
      this.ice = { servers: body.iceServers || [], until: Date.now() + (ttl * 1000) / 2 };
    } catch {
      // Host candidates still work on one network; keep what we had.
      if (!this.ice) this.ice = { servers: [], until: 0 };
    }
    return this.ice.servers;
  }

  close() {
    clearTimeout(this.restartTimer);
    if (!this.peer) return;
    this.peer.close();
    this.peer = null;
    this.emit("state", { state: "none" });
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}
