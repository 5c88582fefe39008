"""The app a worker process of the tests runs (`flask --app jobs_worker_app jobs worker`): the real app,
configured from the environment, with the test kinds of job registered (tests/jobs_support.py)."""

from __future__ import annotations

import jobs_support  # noqa: F401  (registers test.count)
from journeymail import create_app

app = create_app()
