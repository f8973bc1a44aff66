"""Helpers the test layers share: apps and people, live servers, room fixtures, sample frames."""
