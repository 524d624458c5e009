"""Program templates that come with the library, built on the seeded ladder.

Loaded by `manage.py load_library` (idempotent). Each item uses the exercise's default dose
unless it names its own.
"""

TEMPLATES = [
    {
        "title": "Hip: gluteus medius, phase 1 (getting started)",
        "note": (
            "Start gently. Move slowly and only as far as is comfortable. A little muscle "
            "tiredness is normal; sharp pain is not."
        ),
        "frequency": {"times_per_day": 1, "days_per_week": 7},
        "items": [
            {"exercise": "windshield-wiper-stretch"},
            {"exercise": "clamshell", "dose": {"sets": 2, "reps_min": 10, "reps_max": None}},
            {
                "exercise": "reverse-clamshell",
                "dose": {"sets": 2, "reps_min": 10, "reps_max": None},
            },
            {
                "exercise": "side-lying-leg-raise",
                "dose": {"sets": 2, "reps_min": 10, "reps_max": None},
            },
        ],
    },
    {
        "title": "Hip: gluteus medius, phase 2 (building strength)",
        "note": (
            "These are harder versions. Rest a day between sessions. If you cannot keep good "
            "form, go back to the easier version for a while."
        ),
        "frequency": {"times_per_day": 1, "days_per_week": 3},
        "items": [
            {"exercise": "clamshell-loop-band"},
            {"exercise": "reverse-clamshell-mini-band"},
            {"exercise": "reverse-clamshell-abduction-extension"},
            {
                "exercise": "side-lying-leg-raise",
                "dose": {"sets": 3, "reps_min": 12, "reps_max": None},
            },
        ],
    },
]
