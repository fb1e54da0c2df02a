"""Words as the related ranking and search highlighting see them.

English words are lower-cased, stripped of stop words and stemmed (Snowball), so "gallstone" and
"gallstones" are one term. Chinese (and other CJK) text has no spaces, so runs of CJK characters
become overlapping character bigrams: "肝硬化" -> "肝硬", "硬化".
"""

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]+|[^\W\d_{CJK}]+(?:'[^\W\d_{CJK}]+)?|\d+")
CJK_RUN = re.compile(rf"^[{CJK}]+$")
MAX_WORD = 40  # longer "words" are pasted junk, not vocabulary

# A short English stop list: words too common to say what an answer is about.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further generally had has have having he her here hers herself him himself his
    how i if in into is it its itself just may me might more most much must my myself no nor
    not of off often on once only or other our ours ourselves out over own same she should
    so some still such than that the their theirs them themselves then there these they this
    those through thus to too under until up us very was we were what when where which while
    who whom why will with would you your yours yourself yourselves""".split()
)


class _Stemmer(threading.local):
    """One Snowball stemmer per thread: it keeps its working state on itself, so two gunicorn
    threads sharing one corrupt each other's stems (wrong words, or an IndexError)."""

    def __init__(self) -> None:
        self.english = snowballstemmer.stemmer("english")


_stemmers = _Stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmers.english.stemWord(word)


def bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def terms(text: str) -> Iterator[str]:
    """The terms of ``text``, in order, repeats kept (callers count them)."""
    for match in TOKEN.finditer(text.lower()):
        token = match.group()
        if CJK_RUN.match(token):
            yield from bigrams(token)
        elif 1 < len(token) <= MAX_WORD and token not in STOP_WORDS:
            yield stem(token.replace("'", ""))


def is_cjk(token: str) -> bool:
    return bool(CJK_RUN.match(token))
