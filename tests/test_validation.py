"""The field checks behind every service: what each accepts, and the message it gives when it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from journeymail.validation import (
    Choice,
    Email,
    IdList,
    Integer,
    Invalid,
    JSONObject,
    Pattern,
    ServiceError,
    Text,
    ValidationError,
    clean,
)


def refusal(parser: Any, value: Any, from_form: bool = False) -> str:
    with pytest.raises(Invalid) as caught:
        parser.parse(value, from_form)
    return str(caught.value)


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Busy founders  ", "Busy founders"),
        ("x" * 20, "x" * 20),
        ("", ""),
        (None, ""),
        ("用户", "用户"),
    ],
)
def test_text_is_stripped_and_kept(value: Any, expected: str) -> None:
    assert Text(20).parse(value, False) == expected


@pytest.mark.parametrize(
    ("parser", "value", "message"),
    [
        (Text(10, required=True), "", "This field is required."),
        (Text(10, required=True), "   ", "This field is required."),
        (Text(10, required=True), None, "This field is required."),
        (Text(10), "x" * 11, "At most 10 characters (this has 11)."),
        (Text(10), 123, "Must be text."),
        (Text(10), ["a"], "Must be text."),
        (Text(10), True, "Must be text."),
        (Text(10, multiline=False), "one\ntwo", "Must be a single line."),
        (Text(10, multiline=False), "one\rtwo", "Must be a single line."),
        (Text(10), "a\x00b", "Must not contain NUL characters."),
        (Text(10), "a\ud800b", "Contains broken Unicode (a lone surrogate)."),
    ],
)
def test_text_refusals(parser: Text, value: Any, message: str) -> None:
    assert refusal(parser, value) == message


def test_empty_nullable_text_becomes_none() -> None:
    assert Text(10, nullable=True).parse("  ", False) is None


# --- whole numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "value", "from_form", "expected"),
    [
        (Integer(-2, 2), -2, False, -2),
        (Integer(-2, 2), 2, False, 2),
        (Integer(-2, 2, default=0), None, False, 0),
        (Integer(0, 10, required=False), None, False, None),
        (Integer(0, 10), " 7 ", True, 7),
        (Integer(0, 10, default=3), "", True, 3),
    ],
)
def test_integer_accepts(parser: Integer, value: Any, from_form: bool, expected: int | None) -> None:
    assert parser.parse(value, from_form) == expected


@pytest.mark.parametrize(
    ("value", "from_form", "message"),
    [
        (3, False, "Must be between -2 and 2."),
        (-3, False, "Must be between -2 and 2."),
        ("1", False, "Must be a whole number."),  # JSON must send a number, not text
        (1.5, False, "Must be a whole number."),
        (1.0, False, "Must be a whole number."),
        (True, False, "Must be a whole number."),
        (None, False, "This field is required."),
        ("one", True, "Must be a whole number."),
        ("", True, "This field is required."),
    ],
)
def test_integer_refusals(value: Any, from_form: bool, message: str) -> None:
    assert refusal(Integer(-2, 2), value, from_form) == message


# --- email addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("maya@example.com", "maya@example.com"),
        ("  maya@example.com ", "maya@example.com"),
        ("josé@example.com", "josé@example.com"),
        ("用户@例子.广告", "用户@例子.广告"),
        ("maya@EXAMPLE.com", "maya@example.com"),  # the domain is normalised to lower case
    ],
)
def test_email_accepts_ordinary_and_internationalised_addresses(value: str, expected: str) -> None:
    assert Email().parse(value, False) == expected


@pytest.mark.parametrize(
    "value", ["foo@", "a@b..com", "@example.com", "maya", "maya@@example.com", "maya @example.com"]
)
def test_email_refuses_malformed_addresses(value: str) -> None:
    assert refusal(Email(), value).startswith("Not a valid email address: ")


def test_email_is_required_only_when_asked() -> None:
    assert Email().parse("", False) is None
    assert refusal(Email(required=True), "") == "This field is required."


def test_email_refuses_an_overlong_address() -> None:
    assert refusal(Email(), "a" * 250 + "@example.com") == "At most 254 characters (this has 262)."


# --- patterns and choices ----------------------------------------------------------------

LOCALE = Pattern(r"[a-z]{2}_[A-Z]{2}", "en_US (language_COUNTRY)", "en_US")


@pytest.mark.parametrize(("value", "expected"), [("de_DE", "de_DE"), ("", "en_US"), (None, "en_US")])
def test_pattern_accepts_a_match_or_gives_its_default(value: Any, expected: str) -> None:
    assert LOCALE.parse(value, False) == expected


@pytest.mark.parametrize("value", ["en-US", "english", "EN_us", "en_US\nde_DE"])
def test_pattern_refusals_show_an_example(value: str) -> None:
    assert refusal(LOCALE, value) in ("Use the form en_US (language_COUNTRY).", "Must be a single line.")


COLOURS = Choice(lambda: {"red": 1, "green": 2})


@pytest.mark.parametrize("value", ["blue", "", None, 1, ["red"], {"red": 1}])
def test_choice_refusals_list_the_options(value: Any) -> None:
    assert refusal(COLOURS, value) == "Choose one of: red, green."


def test_optional_choice_may_be_left_empty() -> None:
    assert Choice(lambda: {"red": 1}, required=False).parse("", False) is None


# --- sample data and ID lists ------------------------------------------------------------


def test_json_object_accepts_a_flat_object_of_merge_tag_values() -> None:
    assert JSONObject().parse({"firstname": "Ada", "visits": 3, "score": 1.5}, False) == {
        "firstname": "Ada",
        "visits": 3,
        "score": 1.5,
    }


def test_json_object_parses_text_from_a_form() -> None:
    assert JSONObject().parse('{"firstname": "Ada"}', True) == {"firstname": "Ada"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["firstname"], 'Sample data must be an object of names and values, e.g. {"firstname": "Ada"}.'),
        ("not json", "Line 1, column 1: expected a value: text in double quotes, a number, true, false, null, {…} or […]."),
        ("[" * 100_000, "Not valid JSON: nested too deeply."),
        ('"text"', 'Sample data must be an object of names and values, e.g. {"firstname": "Ada"}.'),
        ({"First Name": "Ada"}, '"First Name" is not a merge-tag name: use letters, digits and _, starting with a letter or _.'),
        ({"1st": "Ada"}, '"1st" is not a merge-tag name: use letters, digits and _, starting with a letter or _.'),
        ({"firstname": {"nested": 1}}, 'The value of "firstname" must be text or a number.'),
        ({"firstname": ["Ada"]}, 'The value of "firstname" must be text or a number.'),
        ({"firstname": None}, 'The value of "firstname" must be text or a number.'),
        ({"vip": True}, 'The value of "vip" must be text or a number.'),
        ({"score": float("nan")}, 'The value of "score" must be text or a number.'),
        ({"score": float("inf")}, 'The value of "score" must be text or a number.'),
        ({"firstname": "x" * 501}, 'The value of "firstname" is longer than 500 characters.'),
        ({"firstname": "A\x00da"}, 'The value of "firstname" must not contain NUL characters.'),
        ({f"tag_{i}": i for i in range(51)}, "At most 50 values."),
    ],
)
def test_json_object_refusals(value: Any, message: str) -> None:
    assert refusal(JSONObject(), value) == message


def test_id_list_drops_repeats_and_keeps_order() -> None:
    assert IdList().parse([3, 1, 3, 2], False) == [3, 1, 2]


@pytest.mark.parametrize("value", [None, "1,2", [1, "2"], [1.0], [True], {"1": 1}, [0], [-1], [2**31]])
def test_id_list_refusals(value: Any) -> None:
    assert refusal(IdList(), value) == "Must be a list of IDs (whole numbers from 1 to 2147483647)."


def test_id_list_refuses_more_ids_than_anyone_could_choose() -> None:
    assert refusal(IdList(), list(range(1, 1002))) == "At most 1000 IDs."


def test_optional_id_list_may_be_missing() -> None:
    assert IdList(required=False).parse(None, False) == []


# --- whole documents ---------------------------------------------------------------------

SPEC = {"name": Text(20, required=True), "emotion": Integer(-2, 2, default=0)}


def test_clean_names_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        clean({"name": 123, "emotion": 9, "mood": "happy"}, SPEC)
    assert caught.value.status == 422
    assert caught.value.fields == {
        "name": "Must be text.",
        "emotion": "Must be between -2 and 2.",
        "mood": "Unknown field.",
    }
    assert caught.value.message == "Please correct the marked fields."


def test_clean_with_one_bad_field_uses_its_message() -> None:
    with pytest.raises(ValidationError) as caught:
        clean({"name": ""}, SPEC)
    assert caught.value.message == "This field is required."


def test_clean_fills_defaults_for_missing_fields() -> None:
    assert clean({"name": "Awareness"}, SPEC) == {"name": "Awareness", "emotion": 0}


def test_partial_clean_checks_only_the_fields_sent() -> None:
    assert clean({"emotion": -1}, SPEC, partial=True) == {"emotion": -1}


@pytest.mark.parametrize("document", [["name"], "name", 5, None])
def test_clean_refuses_a_document_that_is_not_an_object(document: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        clean(document, SPEC)
    assert caught.value.status == 400
    assert caught.value.message == "The request body must be a JSON object."
