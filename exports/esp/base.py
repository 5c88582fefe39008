"""The interface every ESP adapter implements, and the types the replay engine shares with them.

A bundle is a plain JSON document: {"format", "version", "campaign", "inputs", "requests": [...]}.
Each request is {"method", "path", "body", "ref"?, "name"?}:
- `ref` names what the request creates; a later request uses "{{ref:<ref>}}" in its path, or as a
  body value under a key the adapter says holds IDs (at any depth, alone or in a list: Brevo's
  recipients.listIds), and the engine fills in the ID. An object the ESP gives no ID (a Brevo contact
  attribute, `Adapter.named_only`) gets NO_ID, and nothing refers to it.
- `name` is the object's stable name in the ESP (a template's name, a campaign's title, a contact
  property's name). It is what the engine looks the object up by before creating it, so it must be
  the same every time the same campaign is exported, and unique among the bundle's objects of a kind.
- A request without `ref` adds to an object created earlier (Mailjet's detailcontent); the engine
  sends it again only when its body changed since the ledger last saw it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


NO_ID = 0  # the ID of an object the ESP knows by its name alone (a Brevo contact attribute): found, never referred to


class PushError(Exception):
    """The push stopped with a message that says what to fix; `result` holds what was done before."""

    def __init__(self, message: str, result: PushResult | None = None):
        super().__init__(message)
        self.message = message
        self.result = result


@dataclass(frozen=True)
class Credentials:
    """What the adapter needs to talk to the ESP for one workspace: an API URL and its secrets."""

    api_url: str
    key: str
    secret: str | None = None  # Mailjet has key and secret; Brevo has one API key
    timeout: float = 30.0


@dataclass(frozen=True)
class Step:
    """One request as the engine handled it: created, reused (found by name or in the ledger), updated,
    or unchanged (a content request whose body the ledger had already seen)."""

    index: int  # 1-based position in the bundle
    ref: str | None
    name: str | None
    path: str  # with refs resolved
    outcome: str  # "created" | "reused" | "updated" | "unchanged"
    id: int | None = None


@dataclass
class PushResult:
    steps: list[Step] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        """How many requests had this outcome, content requests included."""
        return sum(1 for step in self.steps if step.outcome == outcome)

    def objects(self, outcome: str) -> int:
        """How many objects (creating requests, not content) had this outcome."""
        return sum(1 for step in self.steps if step.ref is not None and step.outcome == outcome)


class Ledger(Protocol):
    """Where a push keeps the IDs it got and a fingerprint of each body it sent, between runs.

    The exports' database table implements it per (workspace, campaign, ESP, account); tests may use a
    dict-backed one. `save` is called right after each request succeeds, so a push stopped at any
    point resumes after the last request that went through."""

    def get(self, key: str) -> tuple[int | None, str] | None:
        """(ID or None, body fingerprint) saved for a ref or a content request's key, or None."""

    def save(self, key: str, remote_id: int | None, fingerprint: str) -> None: ...


class Progress(Protocol):
    def __call__(self, done: int, total: int, step: str) -> None: ...


class Client(Protocol):
    """The engine's HTTP client as an adapter sees it (exports/esp/replay.py): every call is retried on 429,
    5xx and a broken connection, and a final failure is a PushError that names what was asked."""

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> Any | None:
        """The JSON answer of GET path?params, or None when the ESP answers 404."""

    def send(self, method: str, path: str, body: Mapping[str, Any], *, what: str) -> Any:
        """The JSON answer of a write; a refusal (4xx) is a PushError naming `what` and the ESP's reason."""


class Adapter(ABC):
    """One ESP. Subclasses live in exports/esp/<key>.py (or a package) and call esp.register()."""

    key: str  # "mailjet"
    label: str  # "Mailjet", for people
    inputs: tuple[str, ...] = ()  # refs the user supplies, e.g. ("contactslist",)
    refused: type[Exception] = Exception  # what build_bundle raises when the campaign cannot be exported (its `problems`)
    missing_credentials: Any = ""  # a (lazy) sentence saying which settings to set when credentials() is None

    @abstractmethod
    def build_bundle(self, campaign: Any) -> dict[str, Any]:
        """The campaign as this ESP's bundle; raises a BundleRefused listing every problem."""

    @abstractmethod
    def credentials(self, config: Mapping[str, Any]) -> Credentials | None:
        """The credentials from the app's config, or None when they are not set."""

    @abstractmethod
    def headers(self, credentials: Credentials) -> dict[str, str]:
        """Authentication and content headers for every request."""

    def check_bundle(self, bundle: Any, inputs: Mapping[str, int]) -> None:
        """Refuse (PushError) a document that is not a bundle of this ESP the engine can replay; the
        default accepts every bundle."""

    def summary(self, steps: Any, outcome: str | None = None) -> str:
        """The objects among `steps` (with that outcome), counted as people say it: "2 contact properties and
        12 templates", or "nothing"."""
        counts: dict[str, int] = {}
        for step in steps:
            if step.ref is not None and outcome in (None, step.outcome):
                counts[self.noun(step.path)] = counts.get(self.noun(step.path), 0) + 1
        return ", ".join(f"{count} × {noun}" for noun, count in counts.items()) or "nothing"

    def noun(self, resource: str) -> str:
        """What a request's path (refs resolved) makes or changes, as people call it ("template", "contact
        property"), for progress and messages."""
        return resource.split("/")[0]

    @abstractmethod
    def preflight(self, client: Any, bundle: dict[str, Any], inputs: Mapping[str, int]) -> list[str]:
        """Checks run before the first write (the sender is active, the list exists...). Each string says
        exactly what to fix; an empty list means go. `client` is the engine's retrying HTTP client."""

    @abstractmethod
    def find(self, client: Any, request: dict[str, Any]) -> int | None:
        """The ID of the object this creating request would make, found by its stable `name`
        (paging through the ESP's list), or None when it does not exist yet."""

    @abstractmethod
    def update(self, request: dict[str, Any], remote_id: int, body: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        """(method, path, body) that brings an existing object in line with `body`, or None when this
        kind of object is never updated (a contact property keeps its type)."""

    @abstractmethod
    def id_in(self, answer: Any) -> int | None:
        """The ID of the object a creating request made, read from the ESP's answer."""

    @abstractmethod
    def error_text(self, status: int, body: bytes) -> str:
        """The ESP's error document as one sentence."""

    def named_only(self, request: dict[str, Any]) -> bool:
        """True for an object the ESP names but gives no ID (a Brevo contact attribute): its creation answers
        nothing to read, `find` answers NO_ID when it exists, and no request refers to it."""
        return False

    def id_fields(self) -> tuple[str, ...]:
        """Body keys whose "{{ref:...}}" values the engine fills in (default: keys ending in "ID")."""
        return ()
