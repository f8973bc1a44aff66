"""Counsel's benchmark: a load generator and a runner comparing Counsel with the PeerJS server."""
