"""How plain a piece of patient-facing text reads: the Flesch-Kincaid grade.

The grade is roughly the school year a reader needs to follow the text: 0.39 × words per
sentence + 11.8 × syllables per word − 15.59. Syllables come from pyphen's hyphenation
dictionary (installed with WeasyPrint), and each piece it leaves is checked by counting its
vowel groups: the dictionary never breaks off the first two or last three letters of a word
("over", "body" and "about" would be one syllable) and misses some words ("clamshell").
"""

from __future__ import annotations

import functools
import itertools
import re

import pyphen

# A word: letters or digits, joined by apostrophes or hyphens ("don't", "side-lying"). An en
# dash is not part of a word: "10–12" is two numbers, "hip – knee" two words.
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# A sentence ends at . ! or ? followed by white space (or a closing quote or bracket), or at
# the end of a line; "1.5" and "e.g.x" do not end one.
SENTENCE_END = re.compile(r"[.!?]+['\"’”)\]]*(?=\s|$)|\n")
VOWEL_GROUP = re.compile(r"[aeiouy]+")
# An e that adds no syllable: "make", "whole", "makes", "stacked", "relaxed", "replacement",
# "safely"; but "laces", "changes", "folded" and "played" sound theirs, and so do "angle" and
# "muscles".
SILENT_ENDING = re.compile(
    r"[bcdfghjklmnpqrstvwxz]e$|[bdfkmnprtvw]es$|[^aeiouytd]ed$"
    r"|[bcdfghjklmnpqrstvwxz]e(?:ment|ly|ful|ness|less)$"
)
SOUNDED_ENDING = re.compile(r"[bcdfghjklmnpqrstvwxz]les?$")


@functools.cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def _vowel_groups(word: str) -> int:
    """Syllables as groups of vowels, less a silent final e; at least one. It errs low rather
    than high, so it only adds syllables the dictionary missed."""
    count = len(VOWEL_GROUP.findall(word))
    if SILENT_ENDING.search(word) and not SOUNDED_ENDING.search(word):
        count -= 1
    return max(count, 1)


def syllables(word: str) -> int:
    """The syllables in one word. A number counts as one: it is read at a glance."""
    word = word.lower().replace("'", "").replace("’", "")
    if any(character.isdigit() for character in word):
        return 1
    parts = [part for part in word.split("-") if part]
    return sum(_syllables_in_part(part) for part in parts) or 1


def _syllables_in_part(word: str) -> int:
    # "com-fort-able": the dictionary's pieces, and "able" is two; a short word is one piece.
    pieces = _dictionary().inserted(word).split("-")
    return sum(_vowel_groups(piece) for piece in pieces)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentence_count(text: str) -> int:
    """Sentences with at least one word; words with no full stop after them make one."""
    return sum(1 for sentence in SENTENCE_END.split(text) if WORD.search(sentence))


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text`; 0.0 for text with no words. Very simple text scores
    below zero, as the formula gives."""
    found = words(text)
    if not found:
        return 0.0
    total = sum(syllables(word) for word in found)
    return 0.39 * len(found) / sentence_count(text) + 11.8 * total / len(found) - 15.59


# --- Spanish -------------------------------------------------------------------------------------
#
# Spanish is read the way it is written, so its syllables are counted by rule rather than from a
# dictionary: each syllable has one vowel nucleus. Vowels side by side share a nucleus (a
# diphthong: "pie", "cuida", "muy") unless both are strong, a, e or o ("le-er", "ca-er"), or one
# is a stressed í or ú ("dí-a", "re-ú-ne"). A silent u after q or g ("que", "guía") joins its
# vowel group and so adds nothing; a final y after a vowel ("hoy") is a consonant here, which
# counts the same.

SPANISH_VOWELS = "aeiouáéíóúü"
STRONG = set("aeoáéó")
STRESSED_WEAK = set("íú")
SPANISH_VOWEL_RUN = re.compile(f"[{SPANISH_VOWELS}]+")
SILENT_U = re.compile("([qg])u([eiéí])")


def spanish_syllables(word: str) -> int:
    """The syllables in one Spanish word; a number counts as one."""
    word = SILENT_U.sub(r"\1\2", word.lower())
    if any(character.isdigit() for character in word):
        return 1
    count = 0
    for run in SPANISH_VOWEL_RUN.findall(word):
        count += 1
        for first, second in itertools.pairwise(run):
            if (first in STRONG and second in STRONG) or STRESSED_WEAK & {first, second}:
                count += 1
    return max(count, 1)


def fernandez_huerta(text: str) -> float:
    """The Fernández-Huerta reading ease of Spanish `text`, 100.0 for text with no words:
    206.84 − 0.60 × syllables per 100 words − 1.02 × words per sentence. Higher is easier:
    90 and over very easy, 80–90 easy, 70–80 fairly easy, 60–70 standard.

    Fernández-Huerta's adaptation of Flesch's reading ease is often printed with "sentences per
    100 words" as its last term; that reading makes more sentences count as harder, the
    opposite of Flesch's, so the sentence length is used here, as in Flesch's formula."""
    found = words(text)
    if not found:
        return 100.0
    per_hundred = 100 * sum(spanish_syllables(word) for word in found) / len(found)
    return 206.84 - 0.60 * per_hundred - 1.02 * len(found) / sentence_count(text)
