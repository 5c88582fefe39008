"""Brevo (formerly Sendinblue): merge tags in its template language (tags.py) and a campaign as its API v3
requests (bundle.py). The adapter the push uses is exports/esp/brevo.py."""
