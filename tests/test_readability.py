import pytest

from exercises.readability import flesch_kincaid_grade, sentence_count, syllables

PLAIN = "Lie on your side. Bend your knees. Lift your top knee. Hold it. Then lower it."
LATINATE = (
    "Progressive neuromuscular rehabilitation necessitates individualised periodisation, "
    "incorporating proprioceptive facilitation and eccentric strengthening appropriately "
    "calibrated to physiological tolerance."
)


def test_short_simple_sentences_score_low():
    assert flesch_kincaid_grade(PLAIN) < 4
    assert flesch_kincaid_grade("Go slowly. Stop if it hurts.") < 4


def test_a_long_latinate_sentence_scores_high():
    assert flesch_kincaid_grade(LATINATE) > 12


def test_a_harder_text_scores_higher():
    easy = "Keep your feet together. Lift your top knee up."
    harder = "Maintain continuous contact between your feet while elevating the uppermost knee."
    assert flesch_kincaid_grade(easy) < flesch_kincaid_grade(harder)
    # the same words in longer sentences read harder too
    assert flesch_kincaid_grade(PLAIN) < flesch_kincaid_grade(PLAIN.replace(". ", " and "))


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "...", "– ! ?"])
def test_text_without_words_scores_zero(text):
    assert flesch_kincaid_grade(text) == 0.0


@pytest.mark.parametrize(
    "word,count",
    [
        ("cat", 1),
        ("the", 1),
        ("knees", 1),
        ("stretch", 1),
        ("makes", 1),  # a silent e
        ("stacked", 1),
        ("window", 2),
        ("over", 2),  # too short for the hyphenation dictionary to break
        ("body", 2),
        ("clamshell", 2),  # not in the dictionary
        ("muscles", 2),
        ("sometimes", 2),
        ("exercise", 3),
        ("comfortable", 4),
        ("physiotherapy", 5),
        ("side-lying", 3),  # a hyphenated word is one word; its parts add up
        ("don't", 1),
        ("Window", 2),
    ],
)
def test_syllables_of_known_words(word, count):
    assert syllables(word) == count


def test_a_number_is_one_short_word_and_an_en_dash_is_no_word():
    assert syllables("30") == 1
    # "10–12" is two numbers; the spaced dash adds no word of its own
    ranged = flesch_kincaid_grade("Do 10–12 reps – then rest.")
    assert ranged == flesch_kincaid_grade("Do ten twelve reps then rest.")


def test_sentences_end_at_stops_and_line_ends():
    assert sentence_count("Lie down. Lift! Lower? Rest") == 4
    assert sentence_count("Lie down\nLift your knee") == 2
    assert sentence_count("Hold for 1.5 seconds.") == 1
    assert sentence_count('Say "stop." Then rest.') == 2
