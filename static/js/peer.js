/**
 * One RTCPeerConnection with perfect negotiation (MDN "Perfect negotiation", webrtc samples).
 * It knows nothing of the page: frames go out through `send`, come in through `handle`.
 *
 * Events: track {stream} (the remote MediaStream gained a track),
 *         connectionstatechange {state}.
 */

import { Emitter } from "./emitter.js";
import { Type } from "./protocol.js";

/** The o= session id of an SDP: it changes only when the other side builds a new connection. */
export function sdpSessionId(sdp) {
  const match = /^o=\S+ (\d+) /m.exec(sdp || "");
  return match ? match[1] : null;
}

export class Peer extends Emitter {
  /** @param {{polite: boolean, iceServers: RTCIceServer[], send: (frame: object) => boolean}} o */
  constructor({ polite, iceServers, send }) {
    super();
    this.polite = polite;
    this.send = send;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.isSettingRemoteAnswerPending = false;
    this.remoteId = null;
    this.lost = false; // a description could not be sent: this negotiation cannot finish
    this.remoteStream = new MediaStream();
    this.pc = new RTCPeerConnection({ iceServers });
    this.pc.addEventListener("negotiationneeded", () => this.negotiate());
    this.pc.addEventListener("icecandidate", ({ candidate }) => this.sendCandidate(candidate));
    this.pc.addEventListener("track", ({ track }) => this.addRemoteTrack(track));
    this.pc.addEventListener("connectionstatechange", () =>
      this.emit("connectionstatechange", { state: this.pc.connectionState }),
    );
  }

  get state() {
    return this.pc.connectionState;
  }

  /** Connected with no negotiation left hanging: worth keeping across a signaling outage. */
  get healthy() {
    return this.state === "connected" && this.pc.signalingState === "stable" && !this.lost;
  }

  /** Send our tracks: replace the track of a sender of the same kind, or add a new one. */
  setLocalStream(stream) {
    for (const track of stream.getTracks()) {
      const sender = this.pc.getSenders().find((s) => s.track?.kind === track.kind);
      if (sender) sender.replaceTrack(track);
      else this.pc.addTrack(track, stream);
    }
  }

  /** With nothing to send, still ask to receive, so that a negotiation happens at all. */
  receiveOnly() {
    for (const kind of ["audio", "video"]) {
      if (!this.pc.getTransceivers().some((t) => t.receiver.track.kind === kind)) {
        this.pc.addTransceiver(kind, { direction: "recvonly" });
      }
    }
  }

  async negotiate() {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendDescription();
    } catch (error) {
      console.warn("counsel: offer failed", error.name);
    } finally {
      this.makingOffer = false;
    }
  }

  sendDescription() {
    const { type, sdp } = this.pc.localDescription;
    const sent = this.send({ type, sdp });
    if (!sent) this.lost = true;
    this.emit("sent", { type, sent });
  }

  sendCandidate(candidate) {
    const sent = this.send({ type: Type.CANDIDATE, candidate: candidate ? candidate.toJSON() : null });
    this.emit("sent", { type: candidate ? "candidate" : "end-of-candidates", sent });
  }

  /**
   * Apply an offer, answer or candidate from the peer. Returns "stale" when the description
   * comes from a newer connection of the peer (a reload, another tab): the caller rebuilds.
   */
  async handle(frame) {
    if (frame.type === Type.CANDIDATE) return this.addCandidate(frame.candidate);
    const id = sdpSessionId(frame.sdp);
    if (this.remoteId && id && id !== this.remoteId) return "stale";
    const readyForOffer =
      !this.makingOffer &&
      (this.pc.signalingState === "stable" || this.isSettingRemoteAnswerPending);
    const offerCollision = frame.type === Type.OFFER && !readyForOffer;
    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return "ignored";
    this.isSettingRemoteAnswerPending = frame.type === Type.ANSWER;
    await this.pc.setRemoteDescription({ type: frame.type, sdp: frame.sdp });
    this.isSettingRemoteAnswerPending = false;
    this.remoteId = id;
    if (frame.type === Type.OFFER) {
      await this.pc.setLocalDescription();
      this.sendDescription();
    }
    return "applied";
  }

  async addCandidate(candidate) {
    try {
      // null means the peer has no more candidates for this generation.
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      if (!this.ignoreOffer) console.warn("counsel: candidate refused", error.name);
    }
    return "applied";
  }

  /** Gather new candidates (after fetching fresh ICE servers); the offer follows by itself. */
  restartIce(iceServers) {
    if (iceServers) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    this.lost = false;
    this.pc.restartIce();
  }

  addRemoteTrack(track) {
    this.remoteStream.addTrack(track);
    track.addEventListener("ended", () => this.remoteStream.removeTrack(track));
    this.emit("track", { stream: this.remoteStream, track });
  }

  close() {
    this.pc.close();
  }
}
