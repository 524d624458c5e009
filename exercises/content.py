"""The global exercise library, in the project's own plain words.

`manage.py load_library` makes the database match this file: it creates what is missing, updates
what changed, and changes nothing when run again. Edit here, then re-run the command.

Clinical facts (positions, steps, cues, doses, the ladder) follow the two source articles in
shared/seeds; every sentence is written for this project, at about a 6th-grade reading level.
"""

EQUIPMENT = {
    "none": "No equipment",
    "mat": "Exercise mat",
    "mini-band": "Mini band",
    "loop-band": "Loop band",
    "towel": "Towel",
}

MUSCLES = {
    # slug: (anatomical name, what a patient would call it)
    "gluteus-medius": ("Gluteus medius", "side of the hip"),
    "gluteus-maximus": ("Gluteus maximus", "buttock"),
    "deep-hip-rotators": ("Deep hip rotators", "deep muscles at the back of the hip"),
}

EXERCISES = [
    {
        "slug": "clamshell",
        "name": "Clamshell",
        "summary": "Lie on your side with your knees bent and open your top knee like a shell.",
        "purpose": (
            "Makes the muscle on the side of your hip stronger. This muscle keeps your hips "
            "level when you stand on one leg, walk, climb stairs or run. A strong side hip helps "
            "protect your back, hips and knees."
        ),
        "position": "side_lying",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "body_weight",
        "skill_level": "all",
        "equipment": ["mat"],
        "target_muscles": ["gluteus-medius"],
        "movements": ["hip_external_rotation", "hip_abduction"],
        "steps": [
            "Lie on your side on a mat. Rest your head on your lower arm or a pillow.",
            "Bend your hips and knees to about a right angle.",
            "Keep your feet in line with your hips, not in front or behind.",
            "Stack your top hip over your bottom hip. Rest your top hand on your hip.",
            "Keep your feet together. Lift your top knee up, away from the bottom knee.",
            "Lift only as far as your hips stay still. Then lower the knee slowly.",
            "Do all your reps. Then turn over and do the other side.",
        ],
        "cues": [
            "Keep your hips facing forward. Do not let the top hip roll back.",
            "Use your top hand to feel if your hip starts to roll.",
            "You should feel the work on the side of your hip.",
            "Keep your feet touching the whole time.",
            "Breathe as you move. Do not hold your breath.",
            "Do not tense your belly hard. Stay relaxed.",
            "Go slowly. Good form counts more than many reps.",
        ],
        "mistakes": [
            "Rolling the top hip back to lift the knee higher.",
            "Letting the feet come apart.",
            "Holding your breath.",
            "Rushing through the reps.",
        ],
        "precautions": [
            "If your hip is sore to lie on, put a folded towel or soft mat under it.",
            "Stop and tell your physio if you feel sharp pain.",
        ],
        "dose": {"sets": 3, "reps_min": 10, "reps_max": 12, "side": "each"},
    },
    {
        "slug": "clamshell-loop-band",
        "name": "Clamshell with loop band",
        "summary": "The clamshell with a loop band around your thighs to make it harder.",
        "purpose": (
            "The band adds load, so the side of your hip has to work harder. Use it when the "
            "clamshell without a band feels easy."
        ),
        "position": "side_lying",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "resistance_band",
        "skill_level": "intermediate",
        "equipment": ["mat", "loop-band"],
        "target_muscles": ["gluteus-medius"],
        "movements": ["hip_external_rotation", "hip_abduction"],
        "steps": [
            "Put a loop band around both thighs, just above your knees.",
            "Lie on your side on a mat. Bend your hips and knees to about a right angle.",
            "Keep your feet in line with your hips. Stack your top hip over your bottom hip.",
            "Rest your top hand on your hip.",
            "Keep your feet together. Lift your top knee up against the band.",
            "Lift only as far as your hips stay still. Then lower the knee slowly.",
            "Do all your reps. Then turn over and do the other side.",
        ],
        "cues": [
            "The band makes it easy to roll back. Keep your hips still and facing forward.",
            "You should feel the work on the side of your hip.",
            "Keep your feet touching the whole time.",
            "Breathe as you move. Do not hold your breath.",
            "Lower the knee slowly. Do not let the band snap it down.",
        ],
        "mistakes": [
            "Rolling the top hip back to stretch the band further.",
            "Using a band so strong that your form breaks down.",
            "Holding your breath.",
        ],
        "precautions": [
            "Check the band for tears before you use it.",
            "Stop and tell your physio if you feel sharp pain.",
        ],
        "dose": {"sets": 3, "reps_min": 10, "reps_max": 12, "side": "each"},
    },
    {
        "slug": "reverse-clamshell",
        "name": "Reverse clamshell",
        "summary": "Lie on your side with your knees together and lift your top foot.",
        "purpose": (
            "Makes the side of your hip stronger as it turns your thigh inward. Your hip makes "
            "this turn each time you walk or run. Lying on your side holds the lower hip still, "
            "so only the top hip does the work."
        ),
        "position": "side_lying",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "body_weight",
        "skill_level": "all",
        "equipment": ["none"],
        "target_muscles": ["gluteus-medius"],
        "movements": ["hip_internal_rotation"],
        "steps": [
            "Lie on your side. Stack your top hip right over your bottom hip.",
            "Bend both knees to a right angle. This is where you start.",
            "Keep your knees together. Lift your top foot as high as feels comfortable.",
            "Hold for a moment. Then lower the foot back down.",
            "Do all your reps. Then turn over and do the other side.",
        ],
        "cues": [
            "Keep your hips stacked. Do not roll forward.",
            "Keep your knees touching the whole time.",
            "Only lift as far as is comfortable. A small lift is normal.",
            "Your thighs can point ahead, out at an angle, or in line with your body.",
            "Pick the angle that feels best. Keep the knees bent to a right angle.",
            "Breathe as you move. Do not hold your breath.",
        ],
        "mistakes": [
            "Rolling the top hip forward. The lift gets easier, but the hip muscle does less.",
            "Letting the knees come apart.",
            "Forcing the foot higher than feels comfortable.",
        ],
        "precautions": [
            "If your hip is sore to lie on, put a folded towel or soft mat under it.",
            "Stop and tell your physio if you feel sharp pain.",
        ],
        "dose": {"sets": 3, "reps_min": 10, "reps_max": 12, "hold_min": 1, "side": "each"},
    },
    {
        "slug": "reverse-clamshell-mini-band",
        "name": "Reverse clamshell with mini band",
        "summary": "The reverse clamshell with a mini band around your feet to make it harder.",
        "purpose": (
            "The band adds load to the inward turn of your hip. You may not need it: if you feel "
            "the side of your hip working after a set without the band, keep going without it."
        ),
        "position": "side_lying",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "resistance_band",
        "skill_level": "intermediate",
        "equipment": ["mini-band"],
        "target_muscles": ["gluteus-medius"],
        "movements": ["hip_internal_rotation"],
        "steps": [
            "Put a mini band around both feet, over your shoe laces or the middle of your feet.",
            "Lie on your side. Stack your top hip right over your bottom hip.",
            "Bend both knees to a right angle. This is where you start.",
            "Keep your knees together. Lift your top foot against the band.",
            "Lift as high as feels comfortable. Hold for a moment.",
            "Lower the foot back down slowly.",
            "Do all your reps. Then turn over and do the other side.",
        ],
        "cues": [
            "Keep your hips stacked. Do not roll forward.",
            "Keep your knees touching the whole time.",
            "Only lift as far as is comfortable.",
            "Lower slowly. Do not let the band pull your foot down.",
            "Breathe as you move. Do not hold your breath.",
        ],
        "mistakes": [
            "Rolling the top hip forward to stretch the band.",
            "Letting the knees come apart.",
            "Using the band before you need it.",
        ],
        "precautions": [
            "Check the band for tears before you use it.",
            "Stop and tell your physio if you feel sharp pain.",
        ],
        "dose": {"sets": 3, "reps_min": 10, "reps_max": 12, "hold_min": 1, "side": "each"},
    },
    {
        "slug": "reverse-clamshell-abduction-extension",
        "name": "Reverse clamshell with hip abduction and extension",
        "summary": "Lift your top leg level, move it back, then lift the foot.",
        "purpose": (
            "A harder reverse clamshell with no equipment. Holding the leg up and back makes the "
            "outer part of your buttock work hard, even though the foot only moves a little."
        ),
        "position": "side_lying",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "body_weight",
        "skill_level": "advanced",
        "equipment": ["none"],
        "target_muscles": ["gluteus-medius", "gluteus-maximus"],
        "movements": ["hip_abduction", "hip_extension", "hip_internal_rotation"],
        "steps": [
            "Lie on your side with your hips stacked. Bend both knees to a right angle.",
            "Lift your whole top leg until the thigh and shin are level with the floor.",
            "Keep your top knee in line with your bottom knee.",
            "Keep the knee bent. Move your top thigh back until it lines up with your body.",
            "Now turn your hip inward to lift your top foot as high as feels comfortable.",
            "Hold for a moment. Then lower the foot until the shin is level again.",
            "Do all your reps. Then turn over and do the other side.",
        ],
        "cues": [
            "The foot will not go very high. That is normal.",
            "You should feel it in the outer part of your buttock.",
            "Keep the top leg level with the floor between reps.",
            "Keep your hips stacked. Do not roll forward or back.",
            "Breathe as you move. Do not hold your breath.",
        ],
        "mistakes": [
            "Letting the top leg drop down between reps.",
            "Letting the thigh drift forward again.",
            "Rolling the hips to lift the foot higher.",
        ],
        "precautions": [
            "If your hip is sore to lie on, put a folded towel or soft mat under it.",
            "Stop and tell your physio if you feel sharp pain.",
        ],
        "dose": {"sets": 3, "reps_min": 8, "reps_max": 10, "hold_min": 1, "side": "each"},
    },
    {
        "slug": "side-lying-leg-raise",
        "name": "Side-lying leg raise",
        "summary": "Lie on your side with straight legs and lift your top leg up.",
        "purpose": (
            "Makes the side of your hip stronger by lifting the leg out to the side. This is one "
            "of the main jobs of that muscle. It does not train the hip turn of the clamshells."
        ),
        "position": "side_lying",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "body_weight",
        "skill_level": "all",
        "equipment": ["mat"],
        "target_muscles": ["gluteus-medius"],
        "movements": ["hip_abduction"],
        "steps": [
            "Lie on your side with both legs straight, one on top of the other.",
            "Prop yourself up on your lower elbow. This is where you start.",
            "Keep your top leg straight. Lift it up, away from the bottom leg.",
            "Lift as high as you can without rolling your hips.",
            "Lower the leg slowly back down.",
            "Do all your reps. Then turn over and do the other side.",
        ],
        "cues": [
            "Keep your top hip stacked over your bottom hip. Do not roll back.",
            "Keep your toes pointing forward, not up to the ceiling.",
            "Lower the leg slowly. Do not let it drop.",
            "Breathe as you move. Do not hold your breath.",
        ],
        "mistakes": [
            "Rolling back so the front of the thigh does the work.",
            "Swinging the leg up fast.",
            "Bending the top knee.",
        ],
        "precautions": [
            "If your elbow or shoulder hurts, rest your head on your arm instead.",
            "Stop and tell your physio if you feel sharp pain.",
        ],
        "dose": {"sets": 3, "reps_min": 10, "reps_max": 12, "side": "each"},
    },
    {
        "slug": "windshield-wiper-stretch",
        "name": "Single-leg windshield-wiper stretch",
        "summary": "Lie on your back with knees bent and let one knee fall inward.",
        "purpose": (
            "A gentle stretch that helps your hip turn inward more easily. Start here if the "
            "reverse clamshell feels too hard for now."
        ),
        "position": "supine",
        "region": "lower_body",
        "body_part": "hip_glutes",
        "activity_type": "mobility",
        "skill_level": "all",
        "equipment": ["mat"],
        "target_muscles": ["deep-hip-rotators", "gluteus-medius"],
        "movements": ["hip_internal_rotation"],
        "steps": [
            "Lie on your back on a mat. Bend your knees and put your feet flat.",
            "Move your feet and knees a little wider than your hips. This is where you start.",
            "Keep your left knee still. Let your right knee fall in toward your left leg.",
            "You should feel a stretch on the outside of your right hip and buttock.",
            "Hold for 20 to 30 seconds. Then bring the knee back up.",
            "Now let your left knee fall in, and hold the same way.",
        ],
        "cues": [
            "Let the leg fall in by itself. Do not push it down.",
            "Keep the other knee still.",
            "Stretch to a gentle pull, not to pain.",
            "Breathe slowly and let the muscles relax.",
        ],
        "mistakes": [
            "Letting both knees fall to the side.",
            "Pushing the knee down hard.",
            "Holding your breath.",
        ],
        "precautions": [
            "If you have had a hip replacement, ask your physio before you do this stretch.",
            "Stop if you feel pain in the groin or the front of the hip.",
        ],
        "dose": {"sets": 1, "reps_min": 3, "hold_min": 20, "hold_max": 30, "side": "each"},
    },
]

# (easier or first exercise, other exercise, kind, note going there, note coming back)
LINKS = [
    (
        "clamshell",
        "clamshell-loop-band",
        "progression",
        "When 3 sets of 12 feel easy and your hips stay still.",
        "If the band makes your hip roll back or hurts.",
    ),
    (
        "windshield-wiper-stretch",
        "reverse-clamshell",
        "progression",
        "When the stretch feels easy and you are ready to build strength.",
        "Start with this stretch if the reverse clamshell feels too hard for now.",
    ),
    (
        "reverse-clamshell",
        "reverse-clamshell-mini-band",
        "progression",
        "When a set without the band no longer tires the side of your hip.",
        "If you cannot keep your knees together or your hips still with the band.",
    ),
    (
        "reverse-clamshell",
        "reverse-clamshell-abduction-extension",
        "progression",
        "For more work without any equipment.",
        "If you cannot keep the top leg level with the floor.",
    ),
    (
        "reverse-clamshell",
        "side-lying-leg-raise",
        "alternative",
        "Works the same hip muscle by lifting the leg out to the side.",
        "Works the same hip muscle by turning the hip inward.",
    ),
]
