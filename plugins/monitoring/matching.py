"""Watch-list matching (预案 三(一): 监测主题和关键词): every topic's keywords in one pass.

A topic matches a text when one of its keywords occurs in it and none of its exclusions does
(an exclusion is how the office keeps "煤矿安全培训通知" out of a "煤矿 事故" topic). Text and words
are compared after NFKC and lower-casing, so ＡＢＣ, abc and ABC are one word. One Aho–Corasick
automaton holds every word of every active topic: a text is read once, whatever the number of
keywords (pyahocorasick, in C). This module knows no database; ``watchlist`` feeds it.
"""
import re
import unicodedata
from dataclasses import dataclass

import ahocorasick

SEPARATORS = re.compile(r"[\n\r,，、;；]+")
WORD_LIMIT = 40


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text: str) -> list[str]:
    """The keywords typed in a box (one a line, or separated by 、，；), stripped, in order, once each."""
    seen = []
    for word in SEPARATORS.split(text or ""):
        word = word.strip()
        if word and word not in seen:
            seen.append(word)
    return seen


@dataclass(frozen=True)
class TopicWords:
    id: int
    keywords: tuple[str, ...]
    exclusions: tuple[str, ...] = ()


class Matcher:
    """The automaton of a watch list: ``Matcher(topics).find(text)`` → {topic id: keywords found}."""

    def __init__(self, topics):
        self.automaton = ahocorasick.Automaton()
        # normalised word -> [(topic id, is exclusion, word as typed)]
        self.owners: dict[str, list[tuple[int, bool, str]]] = {}
        for topic in topics:
            for excluded, group in ((False, topic.keywords), (True, topic.exclusions)):
                for word in group:
                    key = normalise(word)
                    if key:
                        self.owners.setdefault(key, []).append((topic.id, excluded, word))
        for key in self.owners:
            self.automaton.add_word(key, key)
        if self.owners:
            self.automaton.make_automaton()

    def find(self, text: str) -> dict[int, list[str]]:
        if not self.owners:
            return {}
        found = {key for _, key in self.automaton.iter(normalise(text))}
        hits: dict[int, list[str]] = {}
        barred = set()
        for key in found:
            for topic_id, excluded, word in self.owners[key]:
                if excluded:
                    barred.add(topic_id)
                else:
                    hits.setdefault(topic_id, []).append(word)
        return {t: sorted(ws) for t, ws in hits.items() if t not in barred}
