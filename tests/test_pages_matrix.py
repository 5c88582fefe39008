"""The segment × phase matrix, the cell preview, the email frame, and the check counts on the journey map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from campaigns import services
from campaigns.models import Campaign, Touchpoint
from campaigns.content import preview_touchpoint
from html_tree import Element, parse
from email_bodies import FINISHED_MJML
from emails.checks import summary
from journeymail.extensions import db
from journeymail.security import EMAIL_POLICY
from segments.models import Segment

BROKEN_MJML = "<mjml><mj-body><mj-text>unclosed</mj-body></mjml>"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = 'x" onfocus="alert(1)" autofocus="'


def page(response: Any) -> Element:
    return parse(response.get_data(as_text=True))


def matrix_url(campaign: Campaign) -> str:
    return f"/campaigns/{campaign.id}/matrix"


def cell_url(campaign: Campaign, segment: Segment, phase_index: int) -> str:
    return f"/campaigns/{campaign.id}/preview?segment={segment.id}&phase={campaign.phases[phase_index].id}"


def cell(html: Element, segment: Segment, campaign: Campaign, phase_index: int) -> Element:
    found = html.select("td", data_segment_id=str(segment.id), data_phase_id=str(campaign.phases[phase_index].id))
    assert len(found) == 1, f"no single matrix cell for {segment.name} in phase {phase_index}"
    return found[0]


def emails_in(element: Element) -> list[Element]:
    """The email entries of a matrix cell or a cell preview, in the order shown."""
    return [e for e in element.iter() if "data-touchpoint-id" in e.attrs and e.tag in ("li", "article")]


def badge_counts(element: Element) -> dict[str, int]:
    """The error and warning badges inside an element, read as a user reads them ("2 errors")."""
    counts = {"error": 0, "warning": 0}
    for severity in counts:
        for badge in element.select(class_="count"):
            if severity in badge.classes:
                counts[severity] += int(badge.text().split()[0])
    return counts


def no_inline_script(html: Element) -> bool:
    inline = [s for s in html.select("script") if not s.get("src")]
    handlers = [e for e in html.iter() if any(a.startswith("on") for a in e.attrs)]
    return not inline and not handlers


@dataclass
class Demo:
    """Two segments; emails in Awareness (two, out of send order in the phase), Consideration (one, for
    founders only, with a variant) and Decision (one, broken for everybody). The others are finished emails."""

    campaign: Campaign
    founders: Segment
    browsers: Segment
    welcome: Touchpoint
    tips: Touchpoint
    case_study: Touchpoint
    broken: Touchpoint


@pytest.fixture
def demo(create_campaign, create_segment, create_touchpoint) -> Demo:
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    browsers = create_segment(name="Casual browsers", sample_data={"firstname": "Jonas"})
    campaign = create_campaign(name="Trial journey", sender_name="Maya from Plannery")
    services.set_segments(campaign, {"segment_ids": [founders.id, browsers.id]})
    db.session.commit()
    tips = create_touchpoint(
        campaign, 0, kind="newsletter", name="Weekly tips", send_offset_days=7,
        subject="Three posts that worked", preheader="What we learned from 200 agencies' calendars this month.",
        mjml=FINISHED_MJML,
    )
    welcome = create_touchpoint(
        campaign, 0, kind="welcome", name="Welcome mail", send_offset_days=0,
        subject='Welcome, {{ firstname | default("there") }}', preheader="", mjml=FINISHED_MJML,
    )
    case_study = create_touchpoint(
        campaign, 2, kind="follow_up", name="Case study", send_offset_days=3, segment_ids=[founders.id],
        subject="How Brightside plans a month", preheader="Six hours a week back for a five-person social team.",
        mjml=FINISHED_MJML,
    )
    services.put_variant(case_study, founders, {"subject": "{{ firstname }}, plan a month in a morning"})
    broken = create_touchpoint(campaign, 3, kind="offer", name="Trial offer", subject="", mjml=BROKEN_MJML)
    db.session.commit()
    return Demo(campaign, founders, browsers, welcome, tips, case_study, broken)


# --- the matrix ------------------------------------------------------------------------------


def test_matrix_has_a_cell_for_every_targeted_segment_in_every_phase(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    for segment in (demo.founders, demo.browsers):
        for index in range(len(demo.campaign.phases)):
            cell(html, segment, demo.campaign, index)
    headers = [th.text() for th in html.select("th", scope="col")][1:]
    assert len(headers) == len(demo.campaign.phases)
    assert all(phase.name in header for header, phase in zip(headers, demo.campaign.phases))
    rows = [th.text() for th in html.select("th", scope="row")]
    assert [r.startswith(name) for r, name in zip(rows, ["Busy founders", "Casual browsers"])] == [True, True]


def test_matrix_row_label_shows_the_segments_motivation_action_and_obstacle(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    label = [th for th in html.select("th", scope="row") if "Busy founders" in th.text()][0]
    assert "Motivation: Follows us actively as a resource" in label.text()
    assert "Action: Clicks through for more information" in label.text()
    assert "Obstacle: Does not know enough about us yet" in label.text()


def test_matrix_lists_a_cells_emails_in_send_order(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    shown = emails_in(cell(html, demo.founders, demo.campaign, 0))
    assert [e.get("data-touchpoint-id") for e in shown] == [str(demo.welcome.id), str(demo.tips.id)]
    assert "Day +0" not in shown[0].text() and "Day 0" in shown[0].text()
    assert "Day +7" in shown[1].text()


def test_matrix_shows_each_subject_as_that_segment_receives_it(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    assert "Welcome, Ada" in cell(html, demo.founders, demo.campaign, 0).text()
    assert "Welcome, Jonas" in cell(html, demo.browsers, demo.campaign, 0).text()
    assert "{{" not in cell(html, demo.founders, demo.campaign, 0).text()
    assert "Ada, plan a month in a morning" in cell(html, demo.founders, demo.campaign, 2).text()


def test_matrix_marks_each_email_as_variant_or_base(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    case_study = emails_in(cell(html, demo.founders, demo.campaign, 2))[0]
    assert case_study.select(class_="variant") and "variant" in case_study.text()
    welcome = emails_in(cell(html, demo.founders, demo.campaign, 0))[0]
    assert welcome.select(class_="base") and not welcome.select(class_="variant")


def test_matrix_marks_gaps_with_a_way_to_plan_an_email(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    gaps = [(td.get("data-segment-id"), td.get("data-phase-id")) for td in html.select("td", class_="gap")]
    phases = demo.campaign.phases
    assert (str(demo.browsers.id), str(phases[2].id)) in gaps  # the case study is for founders only
    assert (str(demo.founders.id), str(phases[1].id)) in gaps
    assert (str(demo.founders.id), str(phases[0].id)) not in gaps
    assert len(gaps) == 2 * len(phases) - 5  # founders have emails in 3 phases, browsers in 2
    gap = cell(html, demo.browsers, demo.campaign, 2)
    assert "No email — gap" in gap.text()
    assert gap.select(
        "a", href=f"/campaigns/{demo.campaign.id}/touchpoints/new?phase={phases[2].id}&segment={demo.browsers.id}")
    assert gap.select("a", href=cell_url(demo.campaign, demo.browsers, 2))


def test_matrix_badges_match_the_checks_of_each_email_as_the_segment_gets_it(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    for segment in (demo.founders, demo.browsers):
        for index, phase in enumerate(demo.campaign.phases):
            for entry in emails_in(cell(html, segment, demo.campaign, index)):
                touchpoint = db.session.get(Touchpoint, int(entry.get("data-touchpoint-id")))
                expected = summary(preview_touchpoint(touchpoint, segment).checks)
                assert badge_counts(entry) == expected, (segment.name, phase.name, touchpoint.name)
    broken = emails_in(cell(html, demo.founders, demo.campaign, 3))[0]
    assert badge_counts(broken)["error"] >= 2  # the MJML does not compile and the subject is empty
    welcome = emails_in(cell(html, demo.founders, demo.campaign, 0))[0]
    assert badge_counts(welcome) == {"error": 0, "warning": 1}  # no preheader
    assert "1 warning" in welcome.text() and "1 warnings" not in welcome.text()


def test_matrix_sums_emails_variants_gaps_and_checks_at_the_top(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    totals = {div.get("data-total"): int(div.select("dd")[0].text()) for div in html.select("div", data_total=None)}
    expected = {"error": 0, "warning": 0}
    for segment in (demo.founders, demo.browsers):
        touchpoints = [demo.welcome, demo.tips, demo.broken] + ([demo.case_study] if segment is demo.founders else [])
        for touchpoint in touchpoints:
            for severity, count in summary(preview_touchpoint(touchpoint, segment).checks).items():
                expected[severity] += count
    assert totals == {
        "emails": 7, "variants": 1, "gaps": 2 * len(demo.campaign.phases) - 5,
        "errors": expected["error"], "warnings": expected["warning"],
    }
    assert "Emails received 7" in html.text()


def test_matrix_legend_explains_the_markers(client, demo):
    legend = page(client.get(matrix_url(demo.campaign))).select("ul", class_="legend")[0].text()

    for words in ("variant", "base", "error", "warning", "gap"):
        assert words in legend


def test_matrix_without_targeted_segments_says_how_to_choose_them(client, create_campaign):
    campaign = create_campaign()

    response = client.get(matrix_url(campaign))

    html = page(response)
    assert response.status_code == 200
    assert "No segments targeted yet" in html.text()
    assert html.select("a", href=f"/campaigns/{campaign.id}/segments")
    assert not html.select("table", class_="matrix")


def test_matrix_without_phases_says_how_to_add_one(client, create_campaign, create_segment):
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [create_segment().id]})
    for phase in list(campaign.phases):
        services.delete_phase(phase)
    db.session.commit()

    html = page(client.get(matrix_url(campaign)))

    assert "No phases yet" in html.text()
    assert html.select("a", href=f"/campaigns/{campaign.id}/phases/new")


def test_matrix_of_an_unknown_campaign_is_not_found(client, create_campaign):
    campaign = create_campaign()
    missing = campaign.id + 1000

    assert client.get(f"/campaigns/{missing}/matrix").status_code == 404


def test_matrix_links_every_email_to_its_cell_preview_and_names_its_thumbnail(client, demo):
    html = page(client.get(matrix_url(demo.campaign)))

    entry = emails_in(cell(html, demo.browsers, demo.campaign, 0))[1]
    link = [a for a in entry.select("a") if "Three posts that worked" in a.text()][0]
    assert link.get("href") == cell_url(demo.campaign, demo.browsers, 0) + f"#email-{demo.tips.id}"
    # The page holds no frame: matrix.js makes a sandboxed one as the card comes into view (tests/browser),
    # and without JavaScript the thumbnail's box links to the email.
    assert not html.select("iframe")
    thumb = entry.select("div", class_="mx-thumb")[0]
    query = parse_qs(urlsplit(thumb.get("data-frame")).query)
    assert query == {"touchpoint": [str(demo.tips.id)], "segment": [str(demo.browsers.id)]}
    assert thumb.select("a")[0].get("href") == thumb.get("data-frame")


def test_matrix_and_cell_preview_run_no_inline_script(client, demo):
    for url in (matrix_url(demo.campaign), cell_url(demo.campaign, demo.founders, 0)):
        assert no_inline_script(page(client.get(url))), url


# --- the cell preview --------------------------------------------------------------------------


def test_cell_preview_shows_the_cells_emails_in_send_order(client, demo):
    response = client.get(cell_url(demo.campaign, demo.founders, 0))

    html = page(response)
    assert response.status_code == 200
    articles = emails_in(html)
    assert [a.get("id") for a in articles] == [f"email-{demo.welcome.id}", f"email-{demo.tips.id}"]
    assert "Busy founders in Awareness" in html.select("h1")[0].text()


def test_cell_preview_shows_each_email_in_the_inbox_as_the_segment_gets_it(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.browsers, 0)))

    welcome, tips = emails_in(html)
    inbox = welcome.select(class_="inbox-row")[0].text()
    assert "Maya from Plannery" in inbox and "Welcome, Jonas" in inbox
    assert "What we learned from 200 agencies' calendars this month." in tips.select(class_="inbox-row")[0].text()


def test_cell_preview_shows_desktop_and_mobile_frames_without_scripts(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.founders, 0)))

    for article in emails_in(html):
        frames = article.select("iframe")
        assert len(frames) == 2
        assert {f.get("title").rsplit(" ", 1)[-1] for f in frames} == {"desktop", "mobile"}
        for frame in frames:
            assert frame.get("sandbox") == "", "preview frames must be sandboxed with no permission at all"
            assert "allow-scripts" not in (frame.get("sandbox") or "")
            query = parse_qs(urlsplit(frame.get("src")).query)
            assert query == {"touchpoint": [article.get("data-touchpoint-id")], "segment": [str(demo.founders.id)]}


def test_cell_preview_lists_each_emails_checks_with_severity_message_and_line(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.founders, 3)))

    article = emails_in(html)[0]
    checks = preview_touchpoint(demo.broken, demo.founders).checks
    shown = article.select("li", class_="check")
    assert [li.get("data-code") for li in shown] == [c.code for c in checks]
    for li, check in zip(shown, checks):
        assert check.severity in li.classes and check.message in li.text()
        if check.line:
            assert f"line {check.line}" in li.text()
    assert badge_counts(article.select(class_="cp-email-actions")[0]) == summary(checks)
    assert "does not render" in article.text()


def test_cell_preview_says_when_every_check_passes(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.founders, 0)))

    tips = emails_in(html)[1]
    assert "Every check passes." in tips.text()


def test_cell_preview_marks_the_segments_variant_and_offers_its_plain_text(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.founders, 2)))

    article = emails_in(html)[0]
    assert article.select(class_="variant")
    assert "Ada, plan a month in a morning" in article.text()
    details = article.select("details")[0]
    assert "Plain-text part" in details.text() and details.select("pre")


def test_cell_preview_links_each_email_to_its_editor_for_the_segment(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.browsers, 0)))

    for article in emails_in(html):
        links = [a for a in article.select("a") if a.text() == "Edit email"]
        href = urlsplit(links[0].get("href"))
        assert href.path == f"/touchpoints/{article.get('data-touchpoint-id')}/email"
        assert parse_qs(href.query) == {"segment": [str(demo.browsers.id)]}


def test_cell_preview_offers_a_test_send_of_each_email_as_the_segment_gets_it(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    url = cell_url(demo.campaign, demo.browsers, 0)

    html = page(client.get(url))

    for article in emails_in(html):
        form = article.select("form", action=f"/campaigns/{demo.campaign.id}/test-send")[0]
        fields = {i.get("name"): i.get("value") for i in form.select("input", type="hidden")}
        assert fields["touchpoint_id"] == article.get("data-touchpoint-id")
        assert fields["segment_id"] == str(demo.browsers.id)
        assert fields["next"] == url
        assert fields["csrf_token"]


def test_cell_preview_says_when_test_sends_are_off(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.browsers, 0)))

    for article in emails_in(html):
        assert "Test sends are off" in article.text()


def test_cell_preview_leads_to_neighbouring_phases_and_other_segments(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.founders, 1)))

    hrefs = {a.get("href") for a in html.select("a")}
    assert cell_url(demo.campaign, demo.founders, 0) in hrefs
    assert cell_url(demo.campaign, demo.founders, 2) in hrefs
    assert cell_url(demo.campaign, demo.browsers, 1) in hrefs
    assert [a.get("href") for a in html.select("a", rel="prev")][0] == cell_url(demo.campaign, demo.founders, 0)
    assert [a.get("href") for a in html.select("a", rel="next")][0] == cell_url(demo.campaign, demo.founders, 2)


def test_cell_preview_of_the_first_phase_has_no_previous_phase(client, demo):
    html = page(client.get(cell_url(demo.campaign, demo.founders, 0)))

    assert not html.select("a", rel="prev")
    assert html.select("a", rel="next")


def test_cell_preview_of_a_gap_explains_it_and_offers_to_plan_an_email(client, demo):
    response = client.get(cell_url(demo.campaign, demo.browsers, 2))

    html = page(response)
    phase = demo.campaign.phases[2]
    assert response.status_code == 200
    assert not emails_in(html)
    assert "No email — gap" in html.text()
    assert f"Casual browsers hears nothing from Maya from Plannery in {phase.name}" in html.text()
    assert html.select(
        "a", href=f"/campaigns/{demo.campaign.id}/touchpoints/new?phase={phase.id}&segment={demo.browsers.id}")
    assert "Case study" in html.text() and "only Busy founders" in html.text()  # an email it could get


BAD_CELLS = [
    ("no segment", lambda d: f"phase={d.campaign.phases[0].id}", 422, "Name the segment"),
    ("no phase", lambda d: f"segment={d.founders.id}", 422, "Name the phase"),
    ("words", lambda d: f"segment=abc&phase={d.campaign.phases[0].id}", 422, "is not a segment ID"),
    ("negative", lambda d: f"segment={d.founders.id}&phase=-1", 422, "is not a phase ID"),
    ("beyond any ID", lambda d: f"segment=99999999999999999999&phase={d.campaign.phases[0].id}", 404,
     "There is no segment with ID 99999999999999999999"),
    ("unicode digits", lambda d: f"segment=１&phase={d.campaign.phases[0].id}", 422, "is not a segment ID"),
    ("unknown segment", lambda d: f"segment={d.browsers.id + 1000}&phase={d.campaign.phases[0].id}", 404, "no segment"),
    ("untargeted segment", lambda d: f"segment={d.other_segment.id}&phase={d.campaign.phases[0].id}", 422,
     "does not target the segment"),
    ("phase of another campaign", lambda d: f"segment={d.founders.id}&phase={d.other_phase.id}", 404, "has no phase"),
]


@pytest.mark.parametrize(("name", "query", "status", "message"), BAD_CELLS, ids=[b[0] for b in BAD_CELLS])
def test_a_bad_cell_address_is_a_page_that_says_what_is_wrong(
    client, demo, create_campaign, create_segment, name, query, status, message
):
    demo.other_segment = create_segment(name="Not targeted")
    demo.other_phase = create_campaign(name="Other").phases[0]

    response = client.get(f"/campaigns/{demo.campaign.id}/preview?{query(demo)}")

    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert message in page(response).text()


# --- the email frame ---------------------------------------------------------------------------


def frame_url(demo: Demo, touchpoint: Touchpoint, segment: Segment | None) -> str:
    query = f"touchpoint={touchpoint.id}" + (f"&segment={segment.id}" if segment else "")
    return f"/campaigns/{demo.campaign.id}/frame?{query}"


def test_frame_serves_the_email_as_the_segment_gets_it_under_the_email_policy(client, demo):
    response = client.get(frame_url(demo, demo.welcome, demo.browsers))

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == preview_touchpoint(demo.welcome, demo.browsers).rendered.html
    assert "Jonas" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == EMAIL_POLICY
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_frame_without_segment_serves_the_base_email(client, demo):
    response = client.get(frame_url(demo, demo.case_study, None))

    assert response.status_code == 200
    assert response.get_data(as_text=True) == preview_touchpoint(demo.case_study, None).rendered.html


def test_frame_is_revalidated_and_unchanged_emails_are_not_sent_again(client, demo):
    first = client.get(frame_url(demo, demo.tips, demo.founders))

    again = client.get(frame_url(demo, demo.tips, demo.founders), headers={"If-None-Match": first.headers["ETag"]})

    assert "no-cache" in first.headers["Cache-Control"]
    assert again.status_code == 304


def test_frame_of_an_email_that_does_not_render_says_so(client, demo):
    response = client.get(frame_url(demo, demo.broken, demo.founders))

    html = page(response)
    assert response.status_code == 200
    assert "This email does not render yet" in html.text()
    assert "MJML does not compile" in html.text()
    assert response.headers["Content-Security-Policy"] == EMAIL_POLICY


def test_frame_with_bad_parameters_is_a_page_that_says_what_is_wrong(client, demo, create_campaign, create_touchpoint):
    elsewhere = create_touchpoint(create_campaign(name="Other"), 0)
    signup = create_touchpoint(demo.campaign, 0, kind="signup_form", name="Signup")
    base = f"/campaigns/{demo.campaign.id}/frame"

    assert client.get(base).status_code == 422
    assert client.get(f"{base}?touchpoint=x").status_code == 422
    assert client.get(f"{base}?touchpoint={elsewhere.id}").status_code == 404
    assert client.get(f"{base}?touchpoint={signup.id}").status_code == 422
    assert client.get(f"{base}?touchpoint={demo.tips.id}&segment={demo.founders.id + 1000}").status_code == 404


# --- hostile text --------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [SCRIPT, ATTRIBUTE], ids=["script tag", "attribute break-out"])
def test_user_text_on_the_matrix_and_cell_preview_is_text_never_markup(
    client, create_campaign, create_segment, create_touchpoint, payload
):
    segment = create_segment(
        name=payload, motivation=payload, action=payload, obstacle=payload, opportunity=payload,
        sample_data={"firstname": payload},
    )
    campaign = create_campaign(name=payload, sender_name=payload)
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    services.update_phase(campaign.phases[0], {"name": payload, "description": payload})
    db.session.commit()
    create_touchpoint(campaign, 0, kind="welcome", name=payload, trigger=payload, cta=payload,
                      subject="Hi {{ firstname }} " + payload, preheader=payload)

    for url in (matrix_url(campaign), cell_url(campaign, segment, 0), cell_url(campaign, segment, 1)):
        response = client.get(url)
        html = page(response)
        assert response.status_code == 200
        assert payload in html.text()
        assert no_inline_script(html), url
        if payload == SCRIPT:
            assert SCRIPT not in response.get_data(as_text=True)


# --- the journey map ---------------------------------------------------------------------------


def test_map_shows_check_counts_and_a_preview_link_in_each_segment_lane_cell(client, demo):
    html = page(client.get(f"/campaigns/{demo.campaign.id}"))

    for segment in (demo.founders, demo.browsers):
        for index, phase in enumerate(demo.campaign.phases):
            links = html.select("a", href=cell_url(demo.campaign, segment, index))
            assert links, f"no link to the preview of {segment.name} in {phase.name}"
            seg_cell = links[0].parent
            expected = {"error": 0, "warning": 0}
            for touchpoint in (demo.welcome, demo.tips, demo.case_study, demo.broken):
                if touchpoint.phase is phase and touchpoint.reaches(segment):
                    for severity, count in summary(preview_touchpoint(touchpoint, segment).checks).items():
                        expected[severity] += count
            assert badge_counts(seg_cell) == expected, (segment.name, phase.name)


def test_map_sums_the_checks_of_every_segments_emails(client, demo):
    html = page(client.get(f"/campaigns/{demo.campaign.id}"))

    totals = {div.get("data-total"): int(div.select("dd")[0].text()) for div in html.select("div", data_total=None)}
    matrix = {div.get("data-total"): int(div.select("dd")[0].text())
              for div in page(client.get(matrix_url(demo.campaign))).select("div", data_total=None)}
    assert totals == {"errors": matrix["errors"], "warnings": matrix["warnings"]}
    assert totals["errors"] > 0


def test_map_links_to_the_matrix(client, demo):
    html = page(client.get(f"/campaigns/{demo.campaign.id}"))

    assert [a.text() for a in html.select("a", href=matrix_url(demo.campaign))] == ["Segment × phase matrix"]


def test_map_offers_to_edit_the_email_of_email_touchpoints_only(client, demo, create_touchpoint):
    signup = create_touchpoint(demo.campaign, 0, kind="signup_form", name="Signup")

    html = page(client.get(f"/campaigns/{demo.campaign.id}"))

    welcome = html.by_id(f"touchpoint-{demo.welcome.id}")
    assert welcome.select("a", href=f"/touchpoints/{demo.welcome.id}/email")
    assert "Edit email" in welcome.text()
    assert "Edit email" not in html.by_id(f"touchpoint-{signup.id}").text()
