/**
 * The end button: a confirmation dialog with an optional reason, then END. An END chosen while
 * the connection is down is sent as soon as it is back.
 */

import { t } from "./i18n.js";
import { Type } from "./protocol.js";

const MAX_REASON = 500;

export class Ending {
  /** @param {{button: HTMLButtonElement, dialog: HTMLDialogElement,
   *           reason: HTMLTextAreaElement, send: (frame: object) => boolean}} options */
  constructor({ button, dialog, reason, send }) {
    Object.assign(this, { button, dialog, reason, send });
    this.pending = null; // the reason of an END not sent yet
    button.addEventListener("click", () => this.ask());
    dialog.addEventListener("close", () => this.chosen());
  }

  ask() {
    this.dialog.returnValue = "";
    this.dialog.showModal();
  }

  chosen() {
    if (this.dialog.returnValue !== "end") return;
    this.pending = this.reason.value.trim().slice(0, MAX_REASON);
    this.button.disabled = true;
    this.button.querySelector(".label").textContent = t("Ending…");
    this.flush();
  }

  onSynced() {
    this.flush();
  }

  flush() {
    if (this.pending === null) return;
    const frame = this.pending ? { type: Type.END, reason: this.pending } : { type: Type.END };
    if (this.send(frame)) this.pending = null;
  }
}
