"""The Brevo adapter against Brevo's stand-in: credentials and headers, finding objects by name through
Brevo's pages, updating them, the checks before the first write, and reading answers and errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from brevo_standin import BrevoStandIn
from exports import esp
from exports.brevo import bundle as brevo_bundle
from exports.esp.base import NO_ID, Credentials, PushError
from exports.esp.brevo import BrevoAdapter, adapter
from exports.esp.replay import RetryingClient


@pytest.fixture
def standin() -> Iterator[BrevoStandIn]:
    server = BrevoStandIn(senders=[{"name": "Maya", "email": "maya@example.com", "active": True},
                                   {"name": "New", "email": "new@example.com", "active": False}]).start()
    yield server
    server.stop()


@pytest.fixture
def http(standin: BrevoStandIn) -> Iterator[httpx.Client]:
    """Plain HTTP with the adapter's headers, to see what the stand-in answers."""
    credentials = adapter.credentials({"BREVO_API_URL": standin.url, "BREVO_API_KEY": "test-brevo-key"})
    assert credentials is not None
    with httpx.Client(base_url=standin.url, headers=adapter.headers(credentials)) as client:
        yield client


def engine_client(standin: BrevoStandIn, key: str = "test-brevo-key") -> RetryingClient:
    return RetryingClient(adapter, Credentials(standin.url, key), sleep=lambda seconds: None, max_retries=2, backoff=0)


@pytest.fixture
def client(standin: BrevoStandIn) -> Iterator[RetryingClient]:
    """The replay engine's client, which the adapter is handed."""
    found = engine_client(standin)
    yield found
    found.close()


def template(name: str, sender: str = "maya@example.com") -> dict:
    return {"templateName": name, "subject": "Hi", "sender": {"name": "Maya", "email": sender},
            "htmlContent": "<p>Hi</p>", "isActive": True}


def template_request(name: str) -> dict:
    return {"method": "POST", "path": "smtp/templates", "body": template(name), "ref": "template.x", "name": name}


def campaign_request(name: str, sender: str = "maya@example.com") -> dict:
    body = {"name": name, "subject": "Tips", "sender": {"name": "Maya", "email": sender},
            "htmlContent": "<p>Tips</p>", "recipients": {"listIds": ["{{ref:list.founders}}"]}}
    return {"method": "POST", "path": "emailCampaigns", "body": body, "ref": "campaign.x", "name": name}


def attribute_request(name: str) -> dict:
    return {"method": "POST", "path": f"contacts/attributes/normal/{name}", "body": {"type": "text"},
            "ref": f"attribute.{name}", "name": name}


def bundle_of(*requests: dict) -> dict:
    return {"format": "journeymail.brevo-bundle", "version": 2, "inputs": {}, "requests": list(requests)}


# --- registration, credentials, headers ------------------------------------------------------


def test_the_adapter_is_registered_under_its_key() -> None:
    assert esp.adapter("brevo") is adapter and adapter.label == "Brevo" and adapter.inputs == ()
    assert adapter.refused is brevo_bundle.BundleRefused
    assert "BREVO_API_KEY" in str(adapter.missing_credentials)


def test_credentials_come_from_the_config_and_default_to_brevos_api() -> None:
    assert adapter.credentials({"BREVO_API_KEY": None}) is None
    assert adapter.credentials({"BREVO_API_KEY": "xkeysib-1"}) == Credentials("https://api.brevo.com/v3", "xkeysib-1")
    assert adapter.credentials({"BREVO_API_KEY": "k", "BREVO_API_URL": "http://127.0.0.1:1/v3", "BREVO_TIMEOUT": 5}) \
        == Credentials("http://127.0.0.1:1/v3", "k", timeout=5.0)


def test_every_request_carries_the_api_key_header(standin: BrevoStandIn, http: httpx.Client) -> None:
    assert http.get("senders").status_code == 200
    assert standin.requests[-1].api_key == "test-brevo-key"
    wrong = httpx.get(standin.url + "/senders", headers=adapter.headers(Credentials(standin.url, "wrong")))
    assert wrong.status_code == 401 and wrong.json() == {"code": "unauthorized", "message": "Key not found"}


# --- finding by name -------------------------------------------------------------------------


def test_find_returns_none_for_a_template_brevo_does_not_have(client: RetryingClient) -> None:
    assert adapter.find(client, template_request("Trial journey / Welcome")) is None


def test_find_pages_through_all_templates_to_the_one_of_that_name(standin: BrevoStandIn, client: RetryingClient) -> None:
    for number in range(1_200):
        standin.seed("templates", template(f"Someone else's {number}"))
    wanted = standin.seed("templates", template("Trial journey / Welcome"))

    assert adapter.find(client, template_request("Trial journey / Welcome")) == wanted
    pages = [r.params for r in standin.requests if r.path == "smtp/templates"]
    assert pages == [{"limit": "1000", "offset": "0", "sort": "asc"}, {"limit": "1000", "offset": "1000", "sort": "asc"}]


def test_find_pages_through_email_campaigns_a_hundred_at_a_time(standin: BrevoStandIn, client: RetryingClient) -> None:
    ids = [standin.seed("campaigns", {**campaign_request(f"C {n}")["body"], "status": "draft"}) for n in range(250)]

    assert adapter.find(client, campaign_request("C 249")) == ids[-1]
    assert adapter.find(client, campaign_request("C 250")) is None
    offsets = [r.params["offset"] for r in standin.requests if r.path == "emailCampaigns"]
    assert offsets == ["0", "100", "200"] * 2
    assert all(r.params["excludeHtmlContent"] == "true" for r in standin.requests if r.path == "emailCampaigns")


def test_find_takes_an_exact_name_only(standin: BrevoStandIn, client: RetryingClient) -> None:
    standin.seed("templates", template("Trial journey / Welcome (2)"))

    assert adapter.find(client, template_request("Trial journey / Welcome")) is None


def test_an_attribute_brevo_has_is_found_whatever_its_case(client: RetryingClient) -> None:
    assert adapter.find(client, attribute_request("FIRSTNAME")) == NO_ID  # Brevo gives attributes no ID
    assert adapter.find(client, attribute_request("firstname")) == NO_ID
    assert adapter.named_only(attribute_request("COMPANY")) and not adapter.named_only(template_request("W"))
    assert adapter.find(client, attribute_request("COMPANY")) is None


def test_a_refused_lookup_stops_with_brevos_words(standin: BrevoStandIn) -> None:
    client = engine_client(standin, key="wrong")
    with pytest.raises(PushError) as stopped:
        adapter.find(client, template_request("x"))
    client.close()

    assert stopped.value.message == ('Brevo refused the template "x": Brevo answered 401 (unauthorized): '
                                     "Key not found")


def test_the_folder_is_found_by_its_name_among_fifty_a_page(standin: BrevoStandIn, client: RetryingClient) -> None:
    for number in range(60):
        standin.seed("folders", {"name": f"Folder {number}"})
    wanted = standin.seed("folders", {"name": "Journeymail"})
    request = {"method": "POST", "path": "contacts/folders", "body": {"name": "Journeymail"}, "ref": "folder",
               "name": "Journeymail"}

    assert adapter.find(client, request) == wanted
    assert [r.params["offset"] for r in standin.requests if r.path == "contacts/folders"] == ["0", "50"]
    assert adapter.find(client, {**request, "name": "journeymail"}) is None


def test_a_list_is_found_by_its_name_in_its_own_folder_only(standin: BrevoStandIn, client: RetryingClient) -> None:
    ours, other = standin.seed("folders", {"name": "Journeymail"}), standin.seed("folders", {"name": "Other"})
    standin.seed("lists", {"name": "Trial / Founders", "folderId": other})
    wanted = standin.seed("lists", {"name": "Trial / Founders", "folderId": ours})
    request = {"method": "POST", "path": "contacts/lists", "body": {"name": "Trial / Founders", "folderId": ours},
               "ref": "list.founders", "name": "Trial / Founders"}

    assert adapter.find(client, request) == wanted
    assert adapter.find(client, {**request, "body": {**request["body"], "folderId": standin.seed(
        "folders", {"name": "Empty"})}}) is None
    assert adapter.update(request, wanted, request["body"]) is None  # its name and folder are all it has


# --- updating --------------------------------------------------------------------------------


def test_update_puts_a_template_and_a_campaign_in_line_and_leaves_an_attribute(
    standin: BrevoStandIn, http: httpx.Client
) -> None:
    template_id = standin.seed("templates", template("Welcome"))
    campaign_id = standin.seed("campaigns", {**campaign_request("Tips")["body"], "status": "draft"})
    new_template = {**template("Welcome"), "subject": "Welcome aboard"}
    list_id = standin.seed("lists", {"name": "Founders", "folderId": standin.seed("folders", {"name": "Journeymail"})})
    new_campaign = {**campaign_request("Tips")["body"], "subject": "Fresh tips", "recipients": {"listIds": [list_id]}}

    for request, remote_id, body in ((template_request("Welcome"), template_id, new_template),
                                     (campaign_request("Tips"), campaign_id, new_campaign)):
        method, path, sent = adapter.update(request, remote_id, body) or ("", "", {})
        assert http.request(method, path, json=sent).status_code == 204

    assert standin.templates[template_id]["subject"] == "Welcome aboard"
    assert standin.campaigns[campaign_id]["subject"] == "Fresh tips"
    assert adapter.update(attribute_request("COMPANY"), 0, {"type": "text"}) is None


# --- before the first write ------------------------------------------------------------------


def test_preflight_passes_an_active_sender_and_an_existing_list(client: RetryingClient) -> None:
    bundle = bundle_of(attribute_request("FIRSTNAME"), template_request("Welcome"), campaign_request("Tips"))

    assert adapter.preflight(client, bundle, {}) == []


def test_preflight_names_a_sender_brevo_does_not_know(client: RetryingClient) -> None:
    bundle = bundle_of(campaign_request("Tips", sender="ghost@example.com"))

    assert adapter.preflight(client, bundle, {}) == [
        "The sender address ghost@example.com is not a sender of this Brevo account. Add it under Senders, Domains "
        "& Dedicated IPs, or change the campaign's sender."]


def test_preflight_names_a_sender_not_yet_active(client: RetryingClient) -> None:
    bundle = bundle_of(campaign_request("Tips", sender="New@example.com"))

    assert adapter.preflight(client, bundle, {}) == [
        "The sender address New@example.com is not yet active in Brevo. Confirm it from the email Brevo sent to it, "
        "then push again."]


def test_preflight_names_an_attribute_that_exists_with_another_type(standin: BrevoStandIn, client: RetryingClient) -> None:
    standin.state.attributes.append({"name": "COMPANY", "category": "normal", "type": "float"})

    found = adapter.preflight(client, bundle_of(attribute_request("company")), {})

    assert found == ["The Brevo contact attribute company exists with the type float; the campaign needs it to hold "
                     "text. Rename the merge tag, or change the attribute in Brevo."]


# --- answers and errors ------------------------------------------------------------------------


def test_id_in_reads_the_id_of_what_was_created(http: httpx.Client) -> None:
    answer = http.post("smtp/templates", json=template("Welcome"))

    assert answer.status_code == 201 and adapter.id_in(answer.json()) == answer.json()["id"]
    assert adapter.id_in(None) is None  # a created attribute: 201 with no body
    assert adapter.id_in({"id": True}) is None and adapter.id_in({"id": "12"}) is None


def test_error_text_is_brevos_error_document_as_a_sentence(http: httpx.Client) -> None:
    assert http.post("contacts/attributes/normal/COMPANY", json={"type": "text"}).status_code == 201
    duplicate = http.post("contacts/attributes/normal/COMPANY", json={"type": "text"})

    assert duplicate.status_code == 400
    assert adapter.error_text(400, duplicate.content) == \
        "Brevo answered 400 (duplicate_parameter): Attribute name already exists"
    assert adapter.error_text(502, b"<html>Bad gateway</html>") == "Brevo answered 502 without saying why."
    assert adapter.error_text(500, b"") == "Brevo answered 500 without saying why."


def test_the_standin_answers_429_and_500_as_often_as_told(standin: BrevoStandIn, http: httpx.Client) -> None:
    standin.fail(429, times=2, retry_after=3)
    standin.fail(500, times=1, path="smtp/templates")

    answers = [http.get("senders") for _ in range(3)]
    answers += [http.post("smtp/templates", json=template("W")) for _ in range(2)]

    assert [a.status_code for a in answers] == [429, 429, 200, 500, 201]
    assert answers[0].headers["Retry-After"] == "3"
    assert adapter.error_text(429, answers[0].content) == "Brevo answered 429 (too_many_requests): Too many requests"


def test_id_fields_are_a_lists_folder_and_a_campaigns_lists() -> None:
    assert BrevoAdapter().id_fields() == ("folderId", "listIds")
