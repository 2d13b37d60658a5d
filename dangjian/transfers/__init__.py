"""Membership transfers (ROADMAP C3, issue 20)."""
