/**
 * The /ertc WebSocket: JSON frames, reconnection with backoff and jitter, resume by seq.
 *
 * Events (CustomEvent, details in `event.detail`):
 *   connecting {attempt}        a socket is being opened
 *   welcome    {frame}          the server's SYS welcome (presence now, last_seq)
 *   entry      {entry, live}    a persisted entry seen for the first time (deduplicated by seq);
 *                               live is false for history (replay, ledger catch-up)
 *   synced     {}               every entry up to the welcome's last_seq has been seen
 *   signal     {frame}          offer, answer or candidate from the peer (other unknown types
 *                               are ignored with a console warning naming the type)
 *   notice     {frame}          SYS without seq: error, degraded, restored
 *   down       {code, delay}    the socket closed; a retry follows after `delay` ms
 *   replaced   {}               another tab or device of this person took over (close 4000)
 *   done       {}               the session ended (END seen, or the server refused it as over)
 *   fatal      {reason}         the room cannot be reopened: "logged-out" or "forbidden"
 */

import { Emitter } from "./emitter.js";
import { Close, SIGNALS, SysEvent, Type } from "./protocol.js";

// Immediate tries first, then growing to a cap of about ten seconds.
const BACKOFF_MS = [0, 0, 250, 500, 1000, 2000, 4000, 7000, 10000];
const PROBE_AFTER_FAILURES = 2;
// A socket closed sooner than this after its welcome counts as a failed try: a server that
// is shutting down may still accept and close, and must not get a tight reconnect loop.
const STABLE_MS = 3000;
// A connection attempt that has not been welcomed by then is given up and retried.
const CONNECT_TIMEOUT_MS = 10000;

export class Signaling extends Emitter {
  /** @param {{sessionId: number, ledgerUrl: string, probeUrl: string}} options */
  constructor({ sessionId, ledgerUrl, probeUrl }) {
    super();
    this.sessionId = sessionId;
    this.ledgerUrl = ledgerUrl;
    this.probeUrl = probeUrl;
    this.seen = new Set();
    this.contiguous = 0; // every seq up to this one has been seen
    this.welcomeSeq = 0;
    this.socket = null;
    this.welcomed = false;
    this.synced = false;
    this.failures = 0;
    this.stopped = false;
    this.ended = false;
    this.timer = null;
    this.filling = null;
    window.addEventListener("online", () => this.retryNow());
    window.addEventListener("offline", () => this.drop());
  }

  /** True when frames can be sent: the socket is open and the server has welcomed it. */
  get ready() {
    return this.welcomed && this.socket?.readyState === WebSocket.OPEN;
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = `session=${this.sessionId}&after=${this.contiguous}`;
    return `${scheme}//${location.host}/ertc?${query}`;
  }

  /** Open a socket, unless one is open or we stopped. */
  connect() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.socket) return;
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", (event) => this.closed(socket, event.code));
    setTimeout(() => {
      if (this.socket === socket && !this.welcomed) socket.close();
    }, CONNECT_TIMEOUT_MS);
    this.emit("connecting", { attempt: this.failures });
  }

  /** Send one frame; false when it could not be sent now (the caller keeps it). */
  send(frame) {
    if (!this.ready) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Skip the backoff wait (the browser came back online, or the user asked). */
  retryNow() {
    if (this.stopped || this.socket) return;
    this.failures = 0;
    this.connect();
  }

  /** The network went away: the socket's path is gone, but the browser may not notice for
   *  minutes (no close arrives over a dead path). Count it down now so chat waits as pending. */
  drop() {
    const socket = this.socket;
    if (this.stopped || !socket) return;
    socket.close();
    this.closed(socket, Close.ABNORMAL);
  }

  /** Close for good: no more reconnects. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(Close.NORMAL);
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    if (frame.type === Type.SYS && frame.event === SysEvent.WELCOME) this.welcome(frame);
    else if (Number.isInteger(frame.seq)) this.entry(frame, true);
    else if (frame.type === Type.SYS) this.emit("notice", { frame });
    else if (SIGNALS.has(frame.type)) this.emit("signal", { frame });
    else console.warn("counsel: ignored a frame of unknown type", String(frame.type).slice(0, 40));
  }

  welcome(frame) {
    this.welcomed = true;
    this.welcomedAt = Date.now();
    this.synced = false;
    this.welcomeSeq = Number(frame.last_seq) || 0;
    this.emit("welcome", { frame });
    this.checkSynced();
  }

  /** Record an entry once; live only when it is newer than this socket's welcome. */
  entry(entry, fromSocket) {
    if (this.seen.has(entry.seq)) return;
    if (fromSocket && entry.seq > this.contiguous + 1 && this.synced) this.fillGap();
    this.seen.add(entry.seq);
    while (this.seen.has(this.contiguous + 1)) this.contiguous += 1;
    if (entry.type === Type.END) this.ended = true;
    const live = fromSocket && this.welcomed && entry.seq > this.welcomeSeq;
    this.emit("entry", { entry, live });
    this.checkSynced();
  }

  checkSynced() {
    if (this.synced || !this.welcomed || this.contiguous < this.welcomeSeq) return;
    this.synced = true;
    this.emit("synced", {});
  }

  /** Live delivery skipped a seq (e.g. between workers): fetch what is missing, once at a time. */
  fillGap() {
    if (this.filling) return;
    this.filling = fetch(`${this.ledgerUrl}?after=${this.contiguous}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : { entries: [] }))
      .then((body) => (body.entries || []).forEach((entry) => this.entry(entry, false)))
      .catch(() => {})
      .finally(() => {
        this.filling = null;
      });
  }

  closed(socket, code) {
    if (socket !== this.socket) return;
    this.socket = null;
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    this.synced = false;
    if (code === Close.REPLACED) return this.finish("replaced", {});
    if (this.ended) return this.finish("done", {});
    // After a working connection (a server restart's 1012, a network blip) the first tries
    // are immediate; repeated failures back off.
    const stable = wasWelcomed && Date.now() - this.welcomedAt > STABLE_MS;
    this.failures = stable ? 0 : this.failures + 1;
    if (code === Close.NORMAL || this.failures >= PROBE_AFTER_FAILURES) this.probe();
    this.schedule(code);
  }

  finish(name, detail) {
    this.stop();
    this.emit(name, detail);
  }

  schedule(code) {
    const step = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    // Jitter spreads reconnects of many clients after a server restart.
    const delay = step === 0 ? 0 : Math.round(step * (0.5 + Math.random() * 0.5));
    this.emit("down", { code, delay });
    if (this.stopped) return;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** The WebSocket hides HTTP refusals; ask the room page why we cannot get back in. */
  async probe() {
    let response;
    try {
      response = await fetch(this.probeUrl, {
        method: "HEAD",
        credentials: "same-origin",
        redirect: "manual",
        cache: "no-store",
      });
    } catch {
      return; // the network is down: keep retrying
    }
    if (response.type === "opaqueredirect" || response.status === 401) {
      this.finish("fatal", { reason: "logged-out" });
    } else if (response.status === 409) {
      this.finish("done", {});
    } else if (response.status === 403 || response.status === 404) {
      this.finish("fatal", { reason: "forbidden" });
    }
  }
}
