/**
 * Chat lines: shown as pending at once, kept in sessionStorage until the server acknowledges
 * them (the sender's own TXT copy with the same client_id), resent with the same client_id
 * after a reconnect or a reload, retried when the server could not save them.
 */

import { Type } from "./protocol.js";

const MAX_CHARS = 4000;
const RETRY_MS = [1000, 2000, 4000, 8000, 10000];

/** A random id for one chat line (crypto.randomUUID needs a secure context; this does not). */
export function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Chat {
  /** @param {{log: import("./chatlog.js").ChatLog, form: HTMLFormElement,
   *           input: HTMLInputElement, role: string, storageKey: string,
   *           send: (frame: object) => boolean}} options */
  constructor({ log, form, input, role, storageKey, send }) {
    this.log = log;
    this.role = role;
    this.storageKey = storageKey;
    this.send = send;
    this.pending = this.load();
    this.retries = new Map(); // client_id -> attempts after not-saved
    this.online = false;
    for (const line of this.pending) this.log.addPending(line.client_id, line.text, "waiting");
    this.composing = false;
    this.watchComposition(input);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.composing) return; // the syllable is not finished yet
      if (this.submit(input.value)) input.value = "";
    });
  }

  /**
   * An input method (Korean, Japanese, Chinese) composes a syllable over several keys; Enter
   * then commits the composition. It must never also send the line: chat apps that do send
   * the last syllable again as a message of its own.
   */
  watchComposition(input) {
    input.addEventListener("compositionstart", () => {
      this.composing = true;
    });
    input.addEventListener("compositionend", () => {
      this.composing = false;
    });
    input.addEventListener("keydown", (event) => {
      // keyCode 229: the key went to the input method (Safari ends the composition first).
      const composing = event.isComposing || event.keyCode === 229 || this.composing;
      if (event.key === "Enter" && composing) event.preventDefault();
    });
  }

  /** The person wrote a line: show it, keep it, send it if we can. */
  submit(rawText) {
    const text = rawText.trim() ? rawText : "";
    if (!text || text.length > MAX_CHARS) return false;
    const line = { client_id: newClientId(), text };
    this.pending.push(line);
    this.save();
    this.log.addPending(line.client_id, text, this.online ? "sending" : "waiting");
    if (this.online) this.transmit(line);
    return true;
  }

  transmit(line) {
    const sent = this.send({ type: Type.TXT, text: line.text, client_id: line.client_id });
    this.log.setPending(line.client_id, sent ? "sending" : "waiting");
  }

  /** A persisted TXT entry: our acknowledgement, or a line from the peer or from history. */
  onEntry(entry) {
    const index = this.pending.findIndex((l) => l.client_id === entry.client_id);
    if (entry.from !== this.role || index < 0) return this.log.add(entry);
    this.pending.splice(index, 1);
    this.retries.delete(entry.client_id);
    this.save();
    this.log.confirm(entry.client_id, entry);
  }

  /** Every missed entry has arrived: what is still pending was never stored, so send it. */
  onSynced() {
    this.online = true;
    for (const line of this.pending) this.transmit(line);
  }

  onDown() {
    this.online = false;
    for (const line of this.pending) this.log.setPending(line.client_id, "waiting");
  }

  /** The server could not store a line: nothing was relayed; retry with the same client_id. */
  onNotSaved(clientId) {
    const line = this.pending.find((l) => l.client_id === clientId);
    if (!line) return;
    const attempt = this.retries.get(clientId) || 0;
    this.retries.set(clientId, attempt + 1);
    this.log.setPending(clientId, "retrying");
    const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
    setTimeout(() => {
      if (this.online && this.pending.includes(line)) this.transmit(line);
    }, delay);
  }

  /** The server refused a line for good (e.g. too long): it stays visible, marked, unsent. */
  onRejected(clientId) {
    const index = this.pending.findIndex((l) => l.client_id === clientId);
    if (index < 0) return;
    this.pending.splice(index, 1);
    this.save();
    this.log.setPending(clientId, "refused");
  }

  load() {
    try {
      const lines = JSON.parse(sessionStorage.getItem(this.storageKey) || "[]");
      return Array.isArray(lines) ? lines.filter((l) => l && l.client_id && l.text) : [];
    } catch {
      return [];
    }
  }

  save() {
    try {
      if (this.pending.length) sessionStorage.setItem(this.storageKey, JSON.stringify(this.pending));
      else sessionStorage.removeItem(this.storageKey);
    } catch {
      // Storage full or disabled: the line still lives in the page.
    }
  }
}
