"""The record of what happened: the session ledger, its transcript, and the audit trail."""
