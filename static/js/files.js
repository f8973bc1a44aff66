/**
 * Sharing a file: upload over HTTP with progress, then a FILE message that puts it in the
 * session's record. A FILE that could not be sent yet is sent once the connection is back.
 */

import { t } from "./i18n.js";
import { Type } from "./protocol.js";

export class FileShare {
  /** @param {{input: HTMLInputElement, progress: HTMLProgressElement, note: HTMLElement,
   *           uploadUrl: string, csrf: string, maxBytes: number, role: string,
   *           send: (frame: object) => boolean}} options */
  constructor({ input, progress, note, uploadUrl, csrf, maxBytes, role, send }) {
    Object.assign(this, { input, progress, note, uploadUrl, csrf, maxBytes, role, send });
    this.unsent = new Set(); // file ids uploaded whose FILE message is not confirmed yet
    this.inFlight = new Set(); // sent on the current socket, awaiting the entry
    this.online = false;
    input.addEventListener("change", () => this.choose());
  }

  choose() {
    const file = this.input.files?.[0];
    this.input.value = "";
    if (!file) return;
    if (file.size > this.maxBytes) {
      const size = this.maxBytes / (1024 * 1024);
      return this.say(t("“{name}” is larger than {size} MB.", { name: file.name, size }), true);
    }
    this.upload(file);
  }

  upload(file) {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.open("POST", this.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", this.csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => this.showProgress(event));
    xhr.addEventListener("load", () => this.uploaded(xhr, file.name));
    xhr.addEventListener("error", () => {
      this.say(t("Could not upload “{name}”: the connection failed.", { name: file.name }), true);
    });
    this.progress.value = 0;
    this.progress.hidden = false;
    this.say(t("Uploading “{name}”…", { name: file.name }), false);
    xhr.send(form);
  }

  showProgress(event) {
    if (event.lengthComputable) this.progress.value = event.loaded / event.total;
  }

  uploaded(xhr, name) {
    this.progress.hidden = true;
    const body = xhr.response || {};
    if (xhr.status !== 201 || !Number.isInteger(body.id)) {
      const why = body.message || t("the server answered {status}.", { status: xhr.status });
      return this.say(t("Could not share “{name}”: {why}", { name, why }), true);
    }
    this.unsent.add(body.id);
    this.say(t("Sharing “{name}”…", { name }), false);
    this.flush();
  }

  /** A FILE entry: ours confirms the share. */
  onEntry(entry) {
    if (entry.from !== this.role || !this.unsent.delete(entry.file_id)) return;
    this.inFlight.delete(entry.file_id);
    this.say(t("Shared “{name}”.", { name: entry.name }), false);
  }

  onSynced() {
    this.online = true;
    this.flush();
  }

  onDown() {
    this.online = false;
    this.inFlight.clear();
  }

  flush() {
    if (!this.online) return;
    for (const id of this.unsent) {
      if (!this.inFlight.has(id) && this.send({ type: Type.FILE, file_id: id })) this.inFlight.add(id);
    }
  }

  say(text, problem) {
    this.note.textContent = text;
    this.note.classList.toggle("problem", problem);
  }
}
