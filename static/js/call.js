/**
 * The call: which Peer is current, when to build a new one, and ICE restarts.
 *
 * Who offers: the side that arrives (its welcome says the peer is present) builds a connection
 * and offers; the side that was waiting (it hears `joined`) drops a broken connection and
 * answers. Offers still may cross (ICE restarts, new tracks): perfect negotiation handles that.
 *
 * Events: remote {stream}, state {state} where state is a connectionState, "restarting" or "none".
 */

import { Emitter } from "./emitter.js";
import { Peer } from "./peer.js";
import { Type } from "./protocol.js";

const CONNECT_TIMEOUT_MS = 8000; // a new connection not connected by then gets an ICE restart
const DISCONNECTED_GRACE_MS = 3000; // `disconnected` often heals by itself within a second or two
const RESTART_TIMEOUT_MS = 10000; // a restart that has not connected by then is tried again
const MAX_RESTARTS = 3; // after that, a new connection altogether

export class Call extends Emitter {
  /** @param {{iceUrl: string, send: (frame: object) => boolean}} options */
  constructor({ iceUrl, send }) {
    super();
    this.iceUrl = iceUrl;
    this.send = send;
    this.polite = true;
    this.peer = null;
    this.localStream = null;
    this.ice = null;
    this.queue = Promise.resolve();
    this.restartTimer = null;
    this.restarts = 0; // of the current connection, since it last connected
    this.iceRestarts = 0; // in this page, for the record (and the tests)
    this.verbose = new URLSearchParams(location.search).has("debug");
  }

  get state() {
    return this.peer ? this.peer.state : "none";
  }

  get hasTracks() {
    return Boolean(this.localStream && this.localStream.getTracks().length);
  }

  /** Our camera and microphone (null when they failed): used now and by every new Peer. */
  setLocalStream(stream) {
    this.localStream = stream;
    if (this.peer && this.hasTracks) this.peer.setLocalStream(stream);
  }

  /** We arrived and the peer is here: keep a healthy call, else start a new one and offer. */
  arrived() {
    this.enqueue(async () => {
      if (!this.peer?.healthy) await this.rebuild(true);
    });
  }

  /** The peer (re)joined: keep a healthy call, else drop ours and wait for the peer's offer. */
  joined() {
    this.enqueue(async () => {
      if (!this.peer?.healthy) this.close();
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

  debug(...words) {
    if (this.verbose) console.debug(`counsel call ${Math.round(performance.now())}:`, ...words);
  }

  enqueue(task) {
    this.queue = this.queue.then(task).catch((error) => console.warn("counsel:", error.name));
  }

  async apply(frame) {
    if (!this.peer && frame.type !== Type.OFFER) return; // from a connection we dropped
    if (!this.peer) await this.rebuild(false);
    const result = await this.peer.handle(frame);
    this.debug("in", frame.type, result, this.peer.pc.signalingState);
    if (result !== "stale") return;
    // The peer reloaded or moved to another tab: its offer starts a new connection.
    await this.rebuild(frame.type !== Type.OFFER);
    if (frame.type === Type.OFFER) await this.peer.handle(frame);
  }

  /** Drop the current connection and start a new one that offers, or only answers. */
  async rebuild(offering) {
    this.close();
    const peer = new Peer({ polite: this.polite, iceServers: await this.iceServers(false),
                            send: this.send });
    this.peer = peer;
    this.restarts = 0;
    this.debug("new connection", offering ? "offering" : "answering", "tracks", this.hasTracks);
    peer.on("track", (detail) => this.emit("remote", detail));
    peer.on("sent", (detail) => this.debug("out", detail.type, detail.sent));
    peer.on("connectionstatechange", (detail) => this.changed(peer, detail));
    if (this.hasTracks) peer.setLocalStream(this.localStream);
    else if (offering) peer.receiveOnly(); // our tracks, if they come, reuse these transceivers
    this.emit("state", { state: peer.state });
    this.later(CONNECT_TIMEOUT_MS);
  }

  changed(peer, { state }) {
    if (peer !== this.peer) return;
    this.debug("state", state);
    this.emit("state", { state });
    if (state === "connected") {
      clearTimeout(this.restartTimer);
      this.restarts = 0;
    } else if (state === "failed") {
      this.restart();
    } else if (state === "disconnected") {
      this.later(DISCONNECTED_GRACE_MS);
    }
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
      if (this.restarts > MAX_RESTARTS) return this.rebuild(true);
      this.iceRestarts += 1;
      this.debug("ice restart", this.restarts);
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
}
