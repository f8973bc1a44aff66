"""Counseling sessions: the status machine, who may see what, the dashboards and their routes."""
