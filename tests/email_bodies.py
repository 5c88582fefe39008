"""Email bodies for tests. A starter email is unfinished now (its placeholders and example.com links are what
the unfinished-content check finds), so a test that needs an email with nothing to report writes one of these."""

from __future__ import annotations

# A finished email: a greeting with a default, one real link, the unsubscribe link; no check finds anything.
FINISHED_MJML = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ firstname | default("there") }}, your first week with Plannery starts here.</mj-text>
        <mj-button href="https://plannery.example/start">Start</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
