"""Accounts: users and their roles, passwords, login and registration, login throttling."""
