"""Duplicates among imported items: the same post by its normalised link (the core's
``link_key``: no tracking parameters, no "www.", no trailing slash …), or near-identical text.

**Near-identical** (``THRESHOLD``): after NFKC, lower-casing and dropping everything but letters
and digits (punctuation, spaces, emoji go), the two texts' sets of character 3-grams have a
Jaccard similarity of **at least 0.8**: a repost with 「转发：」 in front, a few characters changed
in a long post. Texts of fewer than 3 such characters compare whole. Which earlier items to
compare with is found through a sketch of each text (the ``SKETCH`` smallest CRC32 of its
3-grams): two texts of similarity J share one with probability at least 1 − (1 − J)^6, so at
0.8 one near duplicate in about 15,000 may slip through; every pair found is then compared exactly.
"""
import heapq
import re
import unicodedata
import zlib
from collections import defaultdict

from portal.plugin_api import link_key

THRESHOLD = 0.8
SKETCH = 6
NOT_WORD = re.compile(r"[\W_]+")


def key_text(text: str) -> str:
    return NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


def grams(text: str) -> frozenset:
    t = key_text(text)
    return frozenset(t[i:i + 3] for i in range(len(t) - 2)) or (frozenset([t]) if t else frozenset())


def similarity(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def sketch(g: frozenset) -> list[int]:
    return heapq.nsmallest(SKETCH, (zlib.crc32(s.encode()) for s in g))


class Seen:
    """What was kept so far; ``duplicate(url, text)`` names the kept item a new one repeats."""

    def __init__(self):
        self.links: dict[str, str] = {}
        self.index: dict[int, list[int]] = defaultdict(list)
        self.items: list[tuple[frozenset, str]] = []

    def duplicate(self, url: str, text: str) -> str | None:
        key = link_key(url)
        if key and key in self.links:
            return f"链接与{self.links[key]}相同"
        g = grams(text)
        if g:
            compared = set()
            for h in sketch(g):
                for i in self.index.get(h, ()):
                    if i not in compared:
                        compared.add(i)
                        other, label = self.items[i]
                        if similarity(g, other) >= THRESHOLD:
                            return f"内容与{label}几乎相同"
        return None

    def add(self, url: str, text: str, label: str):
        key = link_key(url)
        if key:
            self.links.setdefault(key, label)
        g = grams(text)
        if g:
            self.items.append((g, label))
            for h in sketch(g):
                self.index[h].append(len(self.items) - 1)
