"""The engine's caches are bounded together by bytes, not by entries: a campaign-sized working set
stays warm, memory stays under the budget, and an evicted result comes back exactly as it was."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

import emails
from emails import cache as caching
from emails import checks, preview_source
from emails.cache import ENTRY_BYTES, ContentCache, MemoryBudget, key_size
from emails.merge_tags import parse_cache
from emails.text import text_cache

ALL_CACHES = [emails.preview_cache, emails.compile_cache, checks.source_checks_cache, text_cache, parse_cache]


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    for cache in ALL_CACHES:
        cache.clear()
    yield
    for cache in ALL_CACHES:
        cache.clear()


def body(n: int) -> str:
    """A small email of its own: distinct text, a link, the unsubscribe tag."""
    return (
        f"<mjml><mj-body><mj-section><mj-column><mj-text>Email {n} for {{{{ firstname | default(\"you\") }}}}"
        f"</mj-text><mj-button href=\"https://example.com/{n}\">Go</mj-button>"
        "<mj-text><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>"
    )


def render(n: int, segment: int) -> emails.Preview:
    return preview_source(mjml=body(n), subject=f"News {n}", preheader="A preheader long enough to pass the check.",
                          values={"firstname": f"Reader {segment}"})


# --- a campaign-sized working set ----------------------------------------------------------------


def test_a_campaign_sized_working_set_is_all_hits_on_the_second_pass():
    """7,500 emails: 3,750 distinct bodies, each received by two segments with values of their own."""
    emails_ = [(n, segment) for n in range(3750) for segment in (1, 2)]
    evictions = caching.BUDGET.evictions
    first = [render(n, segment) for n, segment in emails_]
    assert emails.preview_cache.misses == 7500 and emails.compile_cache.misses == 7500
    assert checks.source_checks_cache.misses == 3750  # the second segment's checks of the source were hits
    compiled = emails.compile_cache.misses

    second = [render(n, segment) for n, segment in emails_]

    assert emails.preview_cache.hits == 7500 and emails.preview_cache.misses == 7500  # every one a hit
    assert emails.compile_cache.misses == compiled  # nothing compiled again
    assert all(a is b for a, b in zip(first, second))
    assert caching.BUDGET.used <= caching.BUDGET.limit and caching.BUDGET.evictions == evictions


# --- the bound -----------------------------------------------------------------------------------


@pytest.fixture
def small_budget() -> Iterator[MemoryBudget]:
    """The engine's budget cut to 300 KB, the room of a few dozen small previews."""
    limit, evictions = caching.BUDGET.limit, caching.BUDGET.evictions
    caching.BUDGET.resize(300 * 1024)
    yield caching.BUDGET
    caching.BUDGET.resize(limit)
    caching.BUDGET.evictions = evictions


def test_memory_stays_under_the_budget_and_evicted_results_come_back_unchanged(small_budget):
    before = [render(n, 1).to_dict() for n in range(200)]
    assert small_budget.used <= small_budget.limit and small_budget.evictions > 0
    assert len(small_budget) < 4 * 200  # some of the 200 previews (and their parses, compiles, checks) are gone
    alone = sum(cache.bytes for cache in ALL_CACHES)
    assert small_budget.used < alone  # an HTML held by a preview and by the compile cache is counted once

    again = [render(n, 1).to_dict() for n in range(200)]

    assert again == before
    assert small_budget.used <= small_budget.limit


def size_of(key: str, value_bytes: int) -> int:
    return ENTRY_BYTES + key_size(key) + value_bytes


def test_the_least_recently_used_entries_go_first_whichever_cache_holds_them():
    entry = size_of("a0", 100)  # every key here is as long
    budget = MemoryBudget(10 * entry)
    a = ContentCache("a", lambda v: (100, ()), budget=budget)
    b = ContentCache("b", lambda v: (100, ()), budget=budget)
    for n in range(5):
        a.get_or_make(f"a{n}", lambda: "x")
        b.get_or_make(f"b{n}", lambda: "x")
    assert a.get_or_make("a0", lambda: "not made: a hit") == "x"  # a0 is now the most recently used

    b.get_or_make("b5", lambda: "x")  # one over: the least recently used goes, b0 (a0 was used since)

    assert "a0" in a and "b0" not in b and "a1" in a and "b5" in b
    assert (a.entries, b.entries, len(budget)) == (5, 5, 10)
    assert budget.used == 10 * entry and budget.evictions == 1
    assert a.bytes + b.bytes == budget.used


def test_a_long_string_held_by_several_entries_is_counted_once_while_any_holds_it():
    budget = MemoryBudget(10**6)
    html = "<p>" + "x" * 5000 + "</p>"
    compiled = ContentCache("compiled", lambda v: (0, (v,)), budget=budget)
    previews = ContentCache("previews", lambda v: (100, (v["html"],)), budget=budget)
    compiled.get_or_make("source", lambda: html)
    alone = budget.used

    previews.get_or_make("preview", lambda: {"html": html})

    assert budget.used == alone + ENTRY_BYTES + key_size("preview") + 100  # the HTML again costs nothing
    compiled.clear()
    assert budget.used == ENTRY_BYTES + key_size("preview") + 100 + sys.getsizeof(html)  # still held, still counted
    previews.clear()
    assert budget.used == 0 and len(budget) == 0
    assert previews.get_or_make("other", lambda: {"html": "<p>" + "x" * 5000 + "</p>"})  # an equal string, another object
    compiled.get_or_make("source", lambda: html)
    assert budget.used == 2 * sys.getsizeof(html) + 2 * ENTRY_BYTES + key_size("other") + key_size("source") + 100


def test_equal_content_in_two_caches_is_two_entries():
    budget = MemoryBudget(10**6)
    a = ContentCache("a", lambda v: (1000, ()), budget=budget)
    b = ContentCache("b", lambda v: (1000, ()), budget=budget)
    assert a.get_or_make("same", lambda: "from a") == "from a"
    assert b.get_or_make("same", lambda: "from b") == "from b"
    assert a.get_or_make("same", lambda: "again") == "from a"


def test_a_key_of_several_parts_is_compared_in_full():
    budget = MemoryBudget(10**6)
    cache = ContentCache("a", lambda v: (10, ()), budget=budget)
    assert cache.get_or_make(("body", "subject", True), lambda: 1) == 1
    assert cache.get_or_make(("body", "subject", False), lambda: 2) == 2
    assert cache.get_or_make(("body", "subject!", True), lambda: 3) == 3
    assert cache.get_or_make(("body", "subject", True), lambda: 4) == 1
    assert key_size(("body", "subject", True)) > key_size("body") + key_size("subject")


def test_a_result_larger_than_the_whole_budget_is_served_but_not_kept():
    budget = MemoryBudget(5000)
    cache = ContentCache("big", lambda v: (len(v), ()), budget=budget)
    cache.get_or_make("small", lambda: "x" * 1000)

    assert cache.get_or_make("huge", lambda: "x" * 6000) == "x" * 6000

    assert "huge" not in cache and "small" in cache and budget.used == size_of("small", 1000)


def test_clearing_one_cache_keeps_the_others():
    budget = MemoryBudget(10**6)
    a = ContentCache("a", lambda v: (1000, ()), budget=budget)
    b = ContentCache("b", lambda v: (1000, ()), budget=budget)
    a.get_or_make("x", lambda: 1)
    b.get_or_make("x", lambda: 2)

    a.clear()

    assert "x" not in a and "x" in b and budget.used == size_of("x", 1000) and (a.hits, a.misses) == (0, 0)


def test_shrinking_the_budget_drops_entries_at_once():
    budget = MemoryBudget(10**6)
    cache = ContentCache("a", lambda v: (1000, ()), budget=budget)
    for n in range(100, 200):
        cache.get_or_make(str(n), lambda: n)

    budget.resize(10 * size_of("100", 1000))

    assert cache.entries == 10 and budget.used == 10 * size_of("100", 1000) and "199" in cache and "189" not in cache


def test_the_budget_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("JOURNEYMAIL_RENDER_CACHE_MB", "64")
    assert caching._budget_from_environment() == 64 * 1024 * 1024
    monkeypatch.setenv("JOURNEYMAIL_RENDER_CACHE_MB", "0.5")
    assert caching._budget_from_environment() == 512 * 1024
    monkeypatch.delenv("JOURNEYMAIL_RENDER_CACHE_MB")
    assert caching._budget_from_environment() == caching.DEFAULT_BUDGET_MB * 1024 * 1024
    monkeypatch.setenv("JOURNEYMAIL_RENDER_CACHE_MB", "lots")
    with pytest.raises(ValueError, match="JOURNEYMAIL_RENDER_CACHE_MB"):
        caching._budget_from_environment()
