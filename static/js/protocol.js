/**
 * The /ertc vocabulary on the browser's side: message types, SYS events, error codes and close
 * codes. The server's side of the same words is counsel/ertc/protocol.py (docs/protocol.md).
 */

export const Type = Object.freeze({
  SYS: "SYS",
  OFFER: "offer",
  ANSWER: "answer",
  CANDIDATE: "candidate",
  TXT: "TXT",
  CAM: "CAM",
  FILE: "FILE",
  END: "END",
});

/** Types relayed to the peer connection, never stored. */
export const SIGNALS = new Set([Type.OFFER, Type.ANSWER, Type.CANDIDATE]);

export const SysEvent = Object.freeze({
  WELCOME: "welcome",
  JOINED: "joined",
  LEFT: "left",
  REPLACED: "replaced",
  ERROR: "error",
  DEGRADED: "degraded",
  RESTORED: "restored",
});

export const ErrorCode = Object.freeze({
  BAD_JSON: "bad-json",
  UNKNOWN_TYPE: "unknown-type",
  BAD_FIELD: "bad-field",
  NOT_ALLOWED: "not-allowed",
  PEER_ABSENT: "peer-absent",
  TOO_FAST: "too-fast",
  NOT_SAVED: "not-saved",
});

export const Close = Object.freeze({
  NORMAL: 1000,
  ABNORMAL: 1006, // never sent: the browser's code for a socket that vanished
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  REPLACED: 4000,
  LOGGED_OUT: 4001,
});
