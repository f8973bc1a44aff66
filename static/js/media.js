/**
 * Camera and microphone: ask for both, fall back to one or none, and say what to do about it.
 */

import { t } from "./i18n.js";

const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" };
const SINGLE = [
  { kind: "audio", constraints: { audio: true } },
  { kind: "video", constraints: { video: VIDEO } },
];
const DEVICE = { audio: "microphone", video: "camera" };
const STILL_WORKS = t("You can still see and hear the other person, and chat.");
// Whole sentences per device, so that each language can word them its own way.
const REASONS = {
  blocked: {
    camera: t("Your camera is blocked for this site. Allow it in the address bar (the camera icon), then press Try again."),
    microphone: t("Your microphone is blocked for this site. Allow it in the address bar (the camera icon), then press Try again."),
    both: t("Your camera and microphone are blocked for this site. Allow them in the address bar (the camera icon), then press Try again."),
  },
  busy: {
    camera: t("Your camera is busy in another app. Close that app, then press Try again."),
    microphone: t("Your microphone is busy in another app. Close that app, then press Try again."),
    both: t("Your camera and microphone are busy in another app. Close that app, then press Try again."),
  },
  missing: {
    camera: t("No camera was found. Connect one, then press Try again."),
    microphone: t("No microphone was found. Connect one, then press Try again."),
    both: t("No camera or microphone was found. Connect one, then press Try again."),
  },
};

/** Why a device is missing, as a sentence that says what to do. */
function reason(error, device) {
  const name = error?.name;
  if (name === "NotAllowedError" || name === "SecurityError") return REASONS.blocked[device];
  if (name === "NotReadableError" || name === "AbortError") return REASONS.busy[device];
  return REASONS.missing[device];
}

function explain(error, got) {
  if (!navigator.mediaDevices) {
    return t("Camera and microphone need a secure (https) address.") + " " + STILL_WORKS;
  }
  // Template literals would hide the t("...") calls from Babel's extraction.
  if (got === "audio") return reason(error, "camera") + " " + t("Until then you are on audio only.");
  if (got === "video") {
    return reason(error, "microphone") + " " + t("Until then the other person cannot hear you.");
  }
  return `${reason(error, "both")} ${STILL_WORKS}`;
}

/** Kinds not worth asking for again: denied ones, or all of them after a dismissed prompt. */
async function refusedKinds(error) {
  if (error.name !== "NotAllowedError" && error.name !== "SecurityError") return new Set();
  const refused = new Set();
  for (const kind of ["audio", "video"]) {
    try {
      const status = await navigator.permissions.query({ name: DEVICE[kind] });
      if (status.state === "denied") refused.add(kind);
    } catch {
      // This browser cannot tell: asking again would only repeat the prompt.
    }
  }
  return refused.size ? refused : new Set(["audio", "video"]);
}

/** Camera and microphone together failed: try each alone, unless it was refused. */
async function fallback(error) {
  const refused = await refusedKinds(error);
  for (const { kind, constraints } of SINGLE) {
    if (refused.has(kind)) continue;
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      return { stream, problem: explain(error, kind) };
    } catch {
      // Neither works alone: say what the first failure was.
    }
  }
  return { stream: null, problem: explain(error, "none") };
}

/**
 * Open the best stream available. Resolves to {stream, problem}: stream may be null,
 * problem is null when both camera and microphone work.
 */
export async function openMedia() {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: explain(null, "none") };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: VIDEO });
    return { stream, problem: null };
  } catch (error) {
    return fallback(error);
  }
}

/** The enabled state of our first track of a kind; false when there is none. */
export function isOn(stream, kind) {
  const track = stream?.getTracks().find((t) => t.kind === kind);
  return Boolean(track && track.enabled);
}

/** Switch every track of a kind on or off (the sender keeps sending black or silence). */
export function setOn(stream, kind, on) {
  for (const track of stream?.getTracks() || []) {
    if (track.kind === kind) track.enabled = on;
  }
}

export function hasKind(stream, kind) {
  return Boolean(stream?.getTracks().some((t) => t.kind === kind));
}

export function stopAll(stream) {
  for (const track of stream?.getTracks() || []) track.stop();
}
