"""The /ertc WebSocket: signaling and the session ledger between a session's two people."""
