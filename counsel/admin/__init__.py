"""Admin review: the session list and detail, transcripts, expert accounts."""
