"""Contacts: the people behind a workspace's segments, and their import from CSV files."""
