# Dose and frequency constraints come from the shared abstract models and take their names;
# an item without reps must be "until tired" (an empty rep count no longer slips past the check).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('exercises', '0002_one_dose_model'),
        ('programs', '0006_readable_dates_in_versions'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_sets_1_to_10',
        ),
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_reps_or_fatigue',
        ),
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_rep_range_ordered',
        ),
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_hold_range_ordered',
        ),
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_rest_in_range',
        ),
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_band_or_load',
        ),
        migrations.RemoveConstraint(
            model_name='programitem',
            name='item_frequency_in_range',
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('sets__gte', 1), ('sets__lte', 10)), name='programitem_sets_1_to_10'),
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('to_fatigue', True), models.Q(('reps_min__gte', 1), ('reps_min__isnull', False), ('reps_min__lte', 100)), _connector='OR'), name='programitem_reps_or_fatigue'),
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('reps_max__isnull', True), models.Q(('reps_max__gte', models.F('reps_min')), ('reps_max__lte', 100), ('reps_min__isnull', False)), _connector='OR'), name='programitem_rep_range_ordered'),
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('hold_min__lte', 600), models.Q(('hold_max__isnull', True), models.Q(('hold_max__gte', models.F('hold_min')), ('hold_max__lte', 600)), _connector='OR')), name='programitem_hold_range_ordered'),
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('rest_seconds__lte', 600)), name='programitem_rest_in_range'),
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('band', ''), ('load_kg__isnull', True), _connector='OR'), name='programitem_band_or_load'),
        ),
        migrations.AddConstraint(
            model_name='programitem',
            constraint=models.CheckConstraint(condition=models.Q(('times_per_day__gte', 1), ('times_per_day__lte', 6), ('days_per_week__gte', 1), ('days_per_week__lte', 7), ('weekdays__gte', 0), ('weekdays__lte', 127)), name='programitem_frequency_in_range'),
        ),
    ]
