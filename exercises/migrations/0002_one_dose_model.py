# The exercise's usual dose is stored in the same fields as a program item's dose
# (exercises.models.DoseFields): the default_* fields are renamed, keeping their values.

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinic', '0005_clinic_pain_advice'),
        ('exercises', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='exercise',
            name='exercise_default_sets_1_to_10',
        ),
        migrations.RemoveConstraint(
            model_name='exercise',
            name='exercise_default_reps_1_to_100',
        ),
        migrations.RemoveConstraint(
            model_name='exercise',
            name='exercise_default_rep_range_ordered',
        ),
        migrations.RemoveConstraint(
            model_name='exercise',
            name='exercise_default_reps_or_fatigue',
        ),
        migrations.RemoveConstraint(
            model_name='exercise',
            name='exercise_default_hold_range_ordered',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_sets',
            new_name='sets',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_side',
            new_name='side',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_hold_max',
            new_name='hold_max',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_hold_min',
            new_name='hold_min',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_reps_max',
            new_name='reps_max',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_reps_min',
            new_name='reps_min',
        ),
        migrations.RenameField(
            model_name='exercise',
            old_name='default_to_fatigue',
            new_name='to_fatigue',
        ),
        migrations.AddField(
            model_name='exercise',
            name='band',
            field=models.CharField(blank=True, choices=[('yellow', 'Yellow (extra light)'), ('red', 'Red (light)'), ('green', 'Green (medium)'), ('blue', 'Blue (heavy)'), ('black', 'Black (extra heavy)'), ('silver', 'Silver (special heavy)')], max_length=10, verbose_name='band'),
        ),
        migrations.AlterField(
            model_name='exercise',
            name='hold_max',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(600)], verbose_name='hold up to (seconds)'),
        ),
        migrations.AlterField(
            model_name='exercise',
            name='hold_min',
            field=models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(600)], verbose_name='hold (seconds)'),
        ),
        migrations.AddField(
            model_name='exercise',
            name='load_kg',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.1')), django.core.validators.MaxValueValidator(Decimal('200'))], verbose_name='load (kg)'),
        ),
        migrations.AlterField(
            model_name='exercise',
            name='reps_max',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='reps up to'),
        ),
        migrations.AlterField(
            model_name='exercise',
            name='reps_min',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='reps'),
        ),
        migrations.AddField(
            model_name='exercise',
            name='rest_seconds',
            field=models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(600)], verbose_name='rest between sets (seconds)'),
        ),
        migrations.AlterField(
            model_name='exercise',
            name='to_fatigue',
            field=models.BooleanField(default=False, verbose_name='until tired'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('sets__gte', 1), ('sets__lte', 10)), name='exercise_sets_1_to_10'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('to_fatigue', True), models.Q(('reps_min__gte', 1), ('reps_min__isnull', False), ('reps_min__lte', 100)), _connector='OR'), name='exercise_reps_or_fatigue'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('reps_max__isnull', True), models.Q(('reps_max__gte', models.F('reps_min')), ('reps_max__lte', 100), ('reps_min__isnull', False)), _connector='OR'), name='exercise_rep_range_ordered'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('hold_min__lte', 600), models.Q(('hold_max__isnull', True), models.Q(('hold_max__gte', models.F('hold_min')), ('hold_max__lte', 600)), _connector='OR')), name='exercise_hold_range_ordered'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('rest_seconds__lte', 600)), name='exercise_rest_in_range'),
        ),
        migrations.AddConstraint(
            model_name='exercise',
            constraint=models.CheckConstraint(condition=models.Q(('band', ''), ('load_kg__isnull', True), _connector='OR'), name='exercise_band_or_load'),
        ),
    ]
