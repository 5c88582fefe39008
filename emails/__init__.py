"""The email engine: everything between an author's MJML and the HTML a reader gets. No Flask, no database.

    merge_tags  parse and vet {{ name }}, {{ name | default("...") }}, {{ unsubscribe_url }} (in Jinja2's
                sandbox), and fill them from the parsed pieces
    mjml        compile MJML to HTML (cached by source); mj-include is never resolved
    text        the plain-text part, derived from the HTML
    render      render_email: the one function that turns content into a Rendered email; a TagWriter
                (FilledTags, or an ESP's own) says how its merge tags are written
    checks      quality rules, one function each, run on a Rendered email; those that read only the
                source are cached by source
    preview     a Rendered email with its checks, cached by everything that decides it
    cache       the caches, all keyed by content and bounded together by one budget of bytes
    starters    the starter MJML every new email of a kind begins with
"""

from .cache import BUDGET as cache_budget
from .cache import ContentCache, MemoryBudget
from .checks import GMAIL_CLIP_BYTES, Check, run_checks, summary
from .merge_tags import (
    PREVIEW_UNSUBSCRIBE_URL,
    UNSUBSCRIBE,
    MergeTag,
    MergeTagError,
    check_merge_tags,
    clear_parse_cache,
    fill,
    fill_with,
    merge_tags,
)
from .mjml import MJMLError, compile_cache, compile_mjml
from .preview import Preview, preview_cache, preview_source
from .render import FilledTags, Rendered, TagWriter, language_of, render_email, with_lang, with_preheader
from .text import html_to_text

__all__ = [
    "GMAIL_CLIP_BYTES", "PREVIEW_UNSUBSCRIBE_URL", "UNSUBSCRIBE", "Check", "ContentCache", "FilledTags",
    "MJMLError", "MemoryBudget", "MergeTag", "MergeTagError", "Preview", "Rendered", "TagWriter", "cache_budget",
    "check_merge_tags", "clear_parse_cache", "compile_cache", "compile_mjml", "fill", "fill_with", "html_to_text",
    "language_of", "merge_tags", "preview_cache", "preview_source", "render_email", "run_checks", "summary",
    "with_lang", "with_preheader",
]
