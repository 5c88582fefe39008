"""The end of the open relay: test sends go only to the workspace's members and to its allow-list, which
owners keep on the Workspace settings page. Every send here reaches (or not) a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from accounts.models import User, Workspace
from api_support import csrf_token_from, error_of, saved
from campaigns.models import Campaign, Touchpoint
from html_tree import parse
from journeymail.extensions import db
from smtp_server import LoopbackSMTPServer


@pytest.fixture
def email(create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]) -> Touchpoint:
    campaign = create_campaign(sender_name="Maya from Acme", sender_email="maya@acme.example.com")
    return create_touchpoint(campaign, subject="Welcome")


def send_test(browser: FlaskClient, email: Touchpoint, recipients: Any, **extra: Any) -> Any:
    return browser.post(f"/api/campaigns/{email.campaign_id}/test-send",
                        json={"touchpoint_id": email.id, "recipients": recipients, **extra})


def allow(workspace: Workspace, *addresses: str) -> None:
    workspace.test_send_allow_list = list(addresses)
    db.session.commit()


# --- who test sends go to ------------------------------------------------------------------


def test_a_test_send_to_a_members_address_goes_out(
    client: FlaskClient, make_member: Callable[..., User], smtp_server: LoopbackSMTPServer, email: Touchpoint
) -> None:
    make_member("viewer", email="vera@plannery.example")

    response = send_test(client, email, ["Vera@Plannery.example", "owner@plannery.example"])

    assert response.status_code == 200, response.get_data(as_text=True)
    assert [r.rcpt_tos for r in smtp_server.received] == [["Vera@plannery.example"], ["owner@plannery.example"]]


def test_a_test_send_to_an_allow_listed_address_goes_out(
    client: FlaskClient, workspace: Workspace, smtp_server: LoopbackSMTPServer, email: Touchpoint
) -> None:
    allow(workspace, "client@customer.example")

    response = send_test(client, email, "client@customer.example")

    assert response.status_code == 200
    assert [r.rcpt_tos for r in smtp_server.received] == [["client@customer.example"]]


def test_a_test_send_to_another_address_is_refused_naming_it_and_nothing_is_sent(
    client: FlaskClient, workspace: Workspace, smtp_server: LoopbackSMTPServer, email: Touchpoint
) -> None:
    allow(workspace, "client@customer.example")

    response = send_test(client, email, ["client@customer.example", "stranger@elsewhere.example"])

    assert response.status_code == 422
    problem = error_of(response)["fields"]["recipients"]
    assert "stranger@elsewhere.example" in problem and "client@customer.example" not in problem
    assert "An owner can add it to the allow-list under Workspace settings." in problem
    assert smtp_server.received == []


def test_a_member_of_another_workspace_is_not_a_member_here(
    client: FlaskClient, make_member: Callable[..., User], smtp_server: LoopbackSMTPServer, email: Touchpoint
) -> None:
    elsewhere = Workspace(name="Other team", test_send_allow_list=["friend@other.example"])
    db.session.add(elsewhere)
    db.session.commit()
    outsider = make_member("owner", space=elsewhere)

    for address in (outsider.email, "friend@other.example"):
        assert send_test(client, email, [address]).status_code == 422
    assert smtp_server.received == []


def test_the_form_refuses_an_outside_address_and_says_why(
    client: FlaskClient, post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer, email: Touchpoint
) -> None:
    page = f"/campaigns/{email.campaign_id}"
    response = post_form(page, {"touchpoint_id": email.id, "recipients": "stranger@elsewhere.example", "next": page},
                         action=f"/campaigns/{email.campaign_id}/test-send")

    assert response.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "stranger@elsewhere.example" in shown and "allow-list under Workspace settings" in shown
    assert smtp_server.received == []


def test_a_test_send_names_no_sender_of_its_own(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, email: Touchpoint
) -> None:
    response = send_test(client, email, ["ada@example.com"], sender_name="Bank security",
                         sender_email="security@bank.example")

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"sender_name", "sender_email"}
    assert smtp_server.received == []
    assert send_test(client, email, ["ada@example.com"]).status_code == 200
    assert smtp_server.received[0].message["From"] == "Maya from Acme <maya@acme.example.com>"


# --- the settings page -----------------------------------------------------------------------


def settings_form(html: str) -> dict[str, Any]:
    """The form's name and the addresses in its allow-list field."""
    tree = parse(html)
    return {"name": tree.select("input", name="name")[0].get("value"),
            "allow_list": tree.select("textarea", name="allow_list")[0].text().split()}


def test_an_owner_sees_the_settings_link_and_page(client: FlaskClient, workspace: Workspace) -> None:
    allow(workspace, "client@customer.example", "seed@inbox.example")

    page = client.get("/workspace/settings")

    assert page.status_code == 200
    assert settings_form(page.get_data(as_text=True)) == {
        "name": "Plannery team", "allow_list": ["client@customer.example", "seed@inbox.example"]}
    header = parse(client.get("/campaigns").get_data(as_text=True)).select("a", href="/workspace/settings")
    assert header and header[0].text().strip() == "Workspace settings"


@pytest.mark.parametrize("role", ["editor", "copywriter", "viewer"])
def test_other_roles_neither_see_nor_open_the_settings(
    client_as: Callable[..., FlaskClient], workspace: Workspace, role: str
) -> None:
    browser = client_as(role)
    assert not parse(browser.get("/campaigns").get_data(as_text=True)).select("a", href="/workspace/settings")

    assert browser.get("/workspace/settings").status_code == 403
    token = csrf_token_from(browser.get("/campaigns").get_data(as_text=True))
    refused = browser.post("/workspace/settings", data={"name": "Mine now", "allow_list": "me@evil.example",
                                                        "csrf_token": token})
    assert refused.status_code == 403
    assert saved(Workspace, workspace.id).test_send_allow_list == ["ada@example.com"]


def test_the_settings_save_a_new_name_and_the_allow_list_folded(
    client: FlaskClient, post_form: Callable[..., Any], workspace: Workspace
) -> None:
    response = post_form("/workspace/settings", {
        "name": "  Growth team ",
        "allow_list": "Client@Customer.example\n\n  seed@inbox.example  \nclient@customer.EXAMPLE\n",
    })

    assert response.status_code == 302
    row = saved(Workspace, workspace.id)
    assert (row.name, row.test_send_allow_list) == ("Growth team", ["client@customer.example", "seed@inbox.example"])
    assert "Workspace settings saved." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_settings_name_each_line_that_is_not_an_address_and_save_nothing(
    post_form: Callable[..., Any], workspace: Workspace
) -> None:
    response = post_form("/workspace/settings", {
        "name": "Growth team", "allow_list": "client@customer.example\nnot an address\n\nfoo@\n",
    })

    assert response.status_code == 422
    tree = parse(response.get_data(as_text=True))
    error = tree.select("p", class_="field-error")[0].text()
    assert 'line 2, "not an address"' in error and 'line 4, "foo@"' in error
    assert "client@customer.example" not in error
    assert settings_form(response.get_data(as_text=True))["allow_list"] == [  # as typed, to correct
        "client@customer.example", "not", "an", "address", "foo@"]
    row = saved(Workspace, workspace.id)
    assert (row.name, row.test_send_allow_list) == ("Plannery team", ["ada@example.com"])


@pytest.mark.parametrize(("name", "message"), [
    ("", "Name the workspace, e.g. Marketing."),
    ("x" * 81, "A workspace name has at most 80 characters (this has 81)."),
    ("other TEAM", "That name is taken; choose another."),
])
def test_the_settings_refuse_a_bad_name(
    post_form: Callable[..., Any], workspace: Workspace, name: str, message: str
) -> None:
    db.session.add(Workspace(name="Other team", test_send_allow_list=[]))
    db.session.commit()

    response = post_form("/workspace/settings", {"name": name, "allow_list": "seed@inbox.example"})

    assert response.status_code in (409, 422)
    assert message in parse(response.get_data(as_text=True)).select("p", class_="field-error")[0].text()
    assert saved(Workspace, workspace.id).name == "Plannery team"


def test_the_settings_form_needs_its_csrf_token(client: FlaskClient, workspace: Workspace) -> None:
    response = client.post("/workspace/settings", data={"name": "Hijacked", "allow_list": "me@evil.example"})

    assert response.status_code == 400
    assert saved(Workspace, workspace.id).name == "Plannery team"
