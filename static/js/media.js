/**
 * Camera and microphone: ask for both, fall back to one or none, and say what to do about it.
 */

const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" };

const ATTEMPTS = [
  { constraints: { audio: true, video: VIDEO }, has: "both" },
  { constraints: { audio: true }, has: "audio" },
  { constraints: { video: VIDEO }, has: "video" },
];

/** A sentence that tells the person what happened and what they can do. */
function explain(error, has) {
  if (!navigator.mediaDevices) {
    return "This browser cannot use a camera on this page (it needs a secure https address). You can still see and hear the other person and chat.";
  }
  if (error?.name === "NotAllowedError" || error?.name === "SecurityError") {
    return "Camera and microphone are blocked for this site. Allow them in your browser's address bar (the camera icon), then press Try again. You can still see and hear the other person and chat.";
  }
  if (error?.name === "NotReadableError" || error?.name === "AbortError") {
    return "Your camera or microphone is busy in another app. Close that app, then press Try again.";
  }
  if (has === "audio") return "No camera was found: you are on audio only. Connect a camera and press Try again.";
  if (has === "video") return "No microphone was found: the other person cannot hear you. Connect one and press Try again.";
  return "No camera or microphone was found: you can see and hear the other person and chat. Connect a device and press Try again.";
}

/**
 * Open the best stream available. Resolves to {stream, problem}: stream may be null,
 * problem is null when both camera and microphone work.
 */
export async function openMedia() {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: explain(null, "none") };
  let firstError = null;
  for (const { constraints, has } of ATTEMPTS) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      return { stream, problem: has === "both" ? null : explain(firstError, has) };
    } catch (error) {
      firstError = firstError || error;
      // A refusal covers every device: asking again only repeats the prompt.
      if (error.name === "NotAllowedError" || error.name === "SecurityError") break;
    }
  }
  return { stream: null, problem: explain(firstError, "none") };
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
