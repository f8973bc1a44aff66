/**
 * The room page: wires the signaling socket, the call, media, chat, files and the status
 * line together. Tests reach the live objects through window.counselRoom.
 */

import { Call } from "./call.js";
import { Chat } from "./chat.js";
import { ChatLog } from "./chatlog.js";
import { MediaControls } from "./controls.js";
import { Ending } from "./ending.js";
import { FileShare } from "./files.js";
import { t } from "./i18n.js";
import { ErrorCode, SysEvent, Type } from "./protocol.js";
import { Signaling } from "./signaling.js";
import { Stage } from "./stage.js";
import { RoomStatus } from "./status.js";

const $ = (id) => document.getElementById(id);

class Room {
  constructor(root) {
    const d = root.dataset;
    this.id = Number(d.sessionId);
    this.role = d.role;
    this.summaryUrl = d.summaryUrl;
    this.over = false;
    const key = (what) => `counsel:${what}:${this.id}:${this.role}`;
    const send = (frame) => this.signaling.send(frame);
    this.signaling = new Signaling({ sessionId: this.id, ledgerUrl: d.ledgerUrl, probeUrl: d.roomUrl });
    this.call = new Call({ iceUrl: d.iceUrl, send });
    this.status = new RoomStatus({
      call: $("call-status"), presence: $("peer-presence"), link: $("link-status"),
      peerName: d.peerName, graceSeconds: Number(d.graceSeconds) || 60,
      onLeft: () => this.peerGone(),
    });
    const log = new ChatLog({ list: $("chat-log"), role: this.role, peerName: d.peerName });
    this.chat = new Chat({ log, form: $("chat-form"), input: $("chat-input"), role: this.role,
                           storageKey: key("pending"), send });
    this.log = log;
    this.files = new FileShare({
      input: $("file-input"), progress: $("upload-progress"), note: $("upload-note"),
      uploadUrl: d.uploadUrl, csrf: document.querySelector('meta[name="csrf-token"]').content,
      maxBytes: Number(d.maxUploadMb) * 1024 * 1024, role: this.role, send,
    });
    this.controls = new MediaControls({
      buttons: { video: $("camera-toggle"), audio: $("mic-toggle") },
      localTile: $("local-tile"), remoteTile: $("remote-tile"), role: this.role,
      storageKey: key("devices"), send,
    });
    this.stage = new Stage({ onStream: (stream) => this.mediaReady(stream) });
    this.ending = new Ending({ button: $("end-button"), dialog: $("end-dialog"),
                               reason: $("end-reason"), send });
    this.connectedAt = null; // ms from navigation start to the first connected call
  }

  get pc() {
    return this.call.peer?.pc || null;
  }

  start() {
    this.listen();
    this.wirePage();
    this.status.render();
    this.signaling.connect();
    this.call.iceServers(false); // ready before the peer is
    this.stage.open();
  }

  listen() {
    const on = (name, handler) => this.signaling.on(name, handler);
    on("welcome", ({ frame }) => this.welcome(frame));
    on("entry", ({ entry, live }) => this.entry(entry, live));
    on("synced", () => this.synced());
    on("signal", ({ frame }) => this.call.signal(frame));
    on("notice", ({ frame }) => this.notice(frame));
    on("down", ({ delay }) => this.down(delay));
    on("replaced", () => this.finish(t("This call moved to another tab or device."), "moved"));
    on("done", () => this.ended());
    on("fatal", ({ reason }) => this.fatal(reason));
    this.call.on("state", ({ state }) => this.callState(state));
    this.call.on("remote", ({ stream }) => this.stage.showRemote(stream));
  }

  welcome(frame) {
    this.call.debug("welcome: peer present", frame.peer_present, "last_seq", frame.last_seq);
    this.call.polite = Boolean(frame.polite);
    this.status.setLink(true);
    if (frame.peer_present) {
      this.status.peerHere();
      this.call.arrived();
    } else {
      this.status.peerAway();
    }
  }

  entry(entry, live) {
    if (entry.type === Type.TXT) this.chat.onEntry(entry);
    else if (entry.type === Type.FILE) this.fileEntry(entry);
    else if (entry.type === Type.CAM) this.controls.onEntry(entry, live);
    else if (entry.type === Type.END) this.ended();
    else if (entry.type === Type.SYS && live) this.presence(entry);
  }

  fileEntry(entry) {
    this.log.add(entry);
    this.files.onEntry(entry);
  }

  /** Live presence of the peer; history says nothing about now. */
  presence(entry) {
    if (entry.role === this.role) return;
    this.call.debug("presence", entry.event, entry.seq);
    if (entry.event === SysEvent.JOINED) {
      this.status.peerHere();
      this.call.joined();
    } else if (entry.event === SysEvent.LEFT) {
      this.status.peerAway();
    }
  }

  /** The grace period is over: a connection that is not working will not come back. */
  peerGone() {
    if (this.call.state !== "connected") this.call.close();
  }

  synced() {
    this.chat.onSynced();
    this.files.onSynced();
    this.controls.onSynced();
    this.ending.onSynced();
  }

  notice(frame) {
    const error = frame.event === SysEvent.ERROR;
    if (error && frame.code === ErrorCode.NOT_SAVED) this.chat.onNotSaved(frame.client_id);
    else if (error && frame.client_id) this.chat.onRejected(frame.client_id);
    else if (error && frame.code === ErrorCode.PEER_ABSENT) this.call.lostFrame();
    else if (frame.event === SysEvent.DEGRADED) this.status.setDegraded(true);
    else if (frame.event === SysEvent.RESTORED) this.restored();
    else if (error) console.warn("counsel: server error", frame.code);
  }

  restored() {
    this.status.setDegraded(false);
    this.signaling.fillGap();
  }

  down(delay) {
    this.status.setLink(false, delay);
    this.chat.onDown();
    this.files.onDown();
    this.controls.onDown();
  }

  callState(state) {
    this.status.setCall(state);
    $("remote-tile").dataset.call = state;
    if (state === "none") this.stage.clearRemote();
    if (state === "connected" && this.connectedAt === null) this.connectedAt = performance.now();
  }

  mediaReady(stream) {
    this.call.debug("media", stream ? stream.getTracks().length : 0);
    this.controls.setStream(stream);
    this.call.setLocalStream(stream);
  }

  wirePage() {
    $("link-retry").addEventListener("click", () => this.signaling.retryNow());
    $("take-over").addEventListener("click", () => location.reload());
  }

  /** END from either side: leave for the summary. */
  ended() {
    if (this.over) return;
    this.finish(t("The session has ended."), "ended");
    location.assign(this.summaryUrl);
  }

  fatal(reason) {
    const text = reason === "logged-out"
      ? t("You were logged out. Log in again to rejoin the call.")
      : t("You can no longer join this room.");
    this.finish(text, reason);
  }

  /** The call is over for this page: stop the camera, the call and the socket. */
  finish(text, why) {
    this.over = true;
    this.signaling.stop();
    this.call.close();
    this.stage.stop();
    this.status.finish(text);
    document.body.dataset.over = why;
    $("moved").hidden = why !== "moved";
  }
}

const root = $("room");
if (root) {
  window.counselRoom = new Room(root);
  window.counselRoom.start();
}
