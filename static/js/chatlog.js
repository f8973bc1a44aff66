/**
 * The chat log: one row per chat line or shared file, in seq order, pending lines last.
 * Everything a person wrote goes in with textContent, never as HTML. Times are shown in the
 * person's zone and language (i18n.js).
 */

import { clock as timeOfDay, t } from "./i18n.js";
import { Type } from "./protocol.js";

const PENDING_TEXT = {
  sending: t("Sending…"),
  waiting: t("Not sent yet: it will be sent when the connection is back."),
  retrying: t("Not saved yet: trying again…"),
  refused: t("Not sent: the server refused this message."),
};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(ts) {
  return timeOfDay(ts ? new Date(ts) : new Date());
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export class ChatLog {
  /** @param {{list: HTMLElement, role: string, peerName: string}} options */
  constructor({ list, role, peerName }) {
    this.list = list;
    this.role = role;
    this.peerName = peerName;
  }

  /** A persisted TXT or FILE entry; ignored when a row with its seq exists. */
  add(entry) {
    if (this.list.querySelector(`[data-seq="${entry.seq}"]`)) return;
    const row = this.row(entry.from, entry.ts);
    row.dataset.seq = String(entry.seq);
    row.dataset.type = entry.type;
    row.append(entry.type === Type.FILE ? this.fileBody(entry) : element("p", "text", entry.text));
    this.place(row, entry.seq);
  }

  /** Our own line before the server has acknowledged it. */
  addPending(clientId, text, state = "sending") {
    const row = this.row(this.role, null);
    row.classList.add("pending");
    row.dataset.clientId = clientId;
    row.append(element("p", "text", text), element("small", "pending-note", ""));
    this.list.append(row);
    this.setPending(clientId, state);
    this.scroll(true);
  }

  setPending(clientId, state) {
    const row = this.pendingRow(clientId);
    if (row) row.querySelector(".pending-note").textContent = PENDING_TEXT[state];
    if (row) row.dataset.pending = state;
  }

  /** The server acknowledged a pending line: it takes its seq and its place. */
  confirm(clientId, entry) {
    const row = this.pendingRow(clientId);
    if (!row) return this.add(entry);
    row.classList.remove("pending");
    delete row.dataset.pending;
    row.querySelector(".pending-note").remove();
    row.querySelector("time").textContent = clock(entry.ts);
    row.querySelector("time").dateTime = entry.ts || "";
    row.dataset.seq = String(entry.seq);
    row.dataset.type = entry.type;
    this.place(row, entry.seq);
  }

  pendingRow(clientId) {
    return [...this.list.querySelectorAll(".pending")].find((r) => r.dataset.clientId === clientId);
  }

  row(from, ts) {
    const row = element("li", `entry from-${from === this.role ? "me" : "peer"}`);
    row.dataset.from = from;
    const head = element("div", "entry-head");
    head.append(element("span", "who", from === this.role ? t("You") : this.peerName));
    const time = element("time", null, clock(ts));
    if (ts) time.dateTime = ts;
    head.append(time);
    row.append(head);
    return row;
  }

  fileBody(entry) {
    const body = element("p", "file");
    const link = element("a", "file-link", entry.name);
    link.href = entry.url;
    link.setAttribute("download", entry.name);
    link.rel = "noopener";
    body.append(link, element("span", "file-size", ` ${formatSize(Number(entry.size) || 0)}`));
    return body;
  }

  /** Insert before the first row with a larger seq (or the first pending row). */
  place(row, seq) {
    const atBottom = this.nearBottom();
    const next = [...this.list.children].find(
      (r) => r !== row && (r.classList.contains("pending") || Number(r.dataset.seq) > seq),
    );
    this.list.insertBefore(row, next || null);
    this.scroll(atBottom);
  }

  nearBottom() {
    const box = this.list;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  scroll(force) {
    if (force) this.list.scrollTop = this.list.scrollHeight;
  }
}
