"""Word segmentation for search: jieba for Chinese, plain words for everything else.

The same function runs when a page is indexed and when a query is parsed, so a
one-word Chinese query meets the words jieba found inside the longer text.
"""

from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\w]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Words too common to help ranking (both languages); never the only reason for a hit.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "等",
        "在",
        "是",
        "对",
        "为",
        "将",
        "把",
        "由",
        "中",
        "其",
        "有",
        "以",
        "之",
        "并",
        "或",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "be",
        "by",
        "with",
        "at",
    ]
)


def words(text: str) -> list[str]:
    """The words of ``text``, lower-case, in order, with jieba's search-mode sub-words for Chinese."""
    found: list[str] = []
    for chunk in _WORD.findall(text.lower()):
        if _CJK.search(chunk):
            found.extend(w for w in jieba.cut_for_search(chunk) if w.strip())
        else:
            found.append(chunk)
    return [w for w in found if w not in STOPWORDS]


def query_words(query: str) -> list[str]:
    """Distinct words of a query, longest first (a long word is the better signal)."""
    seen: dict[str, None] = {}
    for word in words(query):
        seen.setdefault(word, None)
    return sorted(seen, key=len, reverse=True)[:10]


def padded(text: str) -> str:
    """Space-joined, space-padded words: ' a b c ' so LIKE '% b %' matches a whole word."""
    return " " + " ".join(words(text)) + " "
