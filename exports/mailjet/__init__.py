"""Mailjet: merge tags in its syntax (tags.py), a campaign as its API v3 requests (bundle.py), and the push (push.py)."""
