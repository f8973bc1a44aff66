"""The room: its page, its ICE servers, its ledger JSON, and the files shared in it."""
