"""Form fields drawn as Bootstrap 5 field groups in Python, for the builder, which shows a dose
form for every exercise in the program (about fifteen fields each).

The markup is crispy-forms' bootstrap5 field, as the rest of the app shows it: a label tied to
its input, a required field's asterisk, help text and errors named by the input's
aria-describedby, `is-invalid` on a field with errors, and a fieldset with a legend for a group
of tick boxes. Through crispy's templates the builder's fields took most of the page's time;
built here they take a small part of it. The inputs are those Django's widget templates draw,
from the widget's own context (tests/test_builder_cost.py compares the two).

Text goes through `esc`, as `{{ text }}` does in a template: safe HTML (it has `__html__`) is
kept, anything else is escaped. Attribute values are always escaped, as the widget templates'
`stringformat` does.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.functional import Promise
from django.utils.safestring import SafeString


def esc(value: Any) -> str:
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def value_text(value: Any) -> str:
    return html.escape(str(value))


def html_attrs(attrs: Mapping[str, Any]) -> str:
    """Attributes as Django's attrs.html writes them: True alone, False left out."""
    return "".join(
        f" {esc(name)}" if value is True else f' {esc(name)}="{value_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Widgets whose markup widget_html writes; any other is drawn by its own template.
DRAWN_HERE = (Input, forms.Textarea, forms.Select)


def widget_html(widget: dict[str, Any]) -> str:
    """One widget from its template context: an input, a text area or a drop-down."""
    attrs = html_attrs(widget["attrs"])
    name = esc(widget["name"])
    if widget["template_name"] == "django/forms/widgets/textarea.html":
        return f'<textarea name="{name}"{attrs}>\n{esc(widget["value"] or "")}</textarea>'
    if widget["template_name"] == "django/forms/widgets/select.html":
        return f'<select name="{name}"{attrs}>{options_html(widget["optgroups"])}\n</select>'
    value = "" if widget["value"] is None else f' value="{value_text(widget["value"])}"'
    return f'<input type="{esc(widget["type"])}" name="{name}"{value}{attrs}>'


def options_html(optgroups: Iterable[tuple[str | None, list[dict[str, Any]], int]]) -> str:
    parts: list[str] = []
    for group_name, options, _ in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        parts.extend(
            f'\n  <option value="{value_text(option["value"])}"{html_attrs(option["attrs"])}>'
            f"{esc(option['label'])}</option>"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    return "".join(parts)


class FieldGroup(BoundField):
    """A bound field that draws itself, label, input, help and errors, without templates.
    Templates write `{{ form.sets.as_field_group }}`."""

    def as_field_group(self) -> SafeString:
        widget = self.field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return SafeString(self._tick_boxes())
        if isinstance(widget, forms.CheckboxInput):
            return SafeString(
                f'<div class="mb-3"><div id="div_{esc(self.auto_id)}" class="form-check">'
                f"{self._widget('form-check-input')}{self._label('label', 'form-check-label')}"
                f"{self._errors()}{self._help()}</div></div>"
            )
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        return SafeString(
            f'<div id="div_{esc(self.auto_id)}" class="mb-3">{self._label("label", "form-label")}'
            f"{self._widget(css)}{self._errors()}{self._help()}</div>"
        )

    def _widget(self, css: str) -> str:
        """What BoundField.as_widget draws, with Bootstrap's class on the input."""
        widget = self.field.widget
        if self.field.localize:
            widget.is_localized = True
        if self.errors:
            css += " is-invalid"
        own = widget.attrs.get("class")
        attrs = self.build_widget_attrs({"class": f"{own} {css}" if own else css}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        if isinstance(widget, forms.FileInput) or not isinstance(widget, DRAWN_HERE):
            return str(widget.render(self.html_name, self.value(), attrs, self.form.renderer))
        return widget_html(widget.get_context(self.html_name, self.value(), attrs)["widget"])

    def _label(self, tag: str, css: str) -> str:
        target = f'for="{esc(self.id_for_label)}" ' if tag == "label" and self.id_for_label else ""
        if self.field.required:
            return (
                f'<{tag} {target}class="{css} requiredField">{esc(self.label)}'
                f'<span class="asteriskField">*</span></{tag}>'
            )
        return f'<{tag} {target}class="{css}">{esc(self.label)}</{tag}>'

    def _errors(self) -> str:
        if not self.errors:
            return ""
        auto_id = esc(self.auto_id)
        messages = "".join(
            f'<p id="error_{number}_{auto_id}"><strong>{esc(error)}</strong></p>'
            for number, error in enumerate(self.errors, 1)
        )
        return f'<div id="{auto_id}_error" class="invalid-feedback">{messages}</div>'

    def _help(self) -> str:
        if not self.help_text:
            return ""
        return (
            f'<div id="{esc(self.auto_id)}_helptext" class="form-text">{esc(self.help_text)}</div>'
        )

    def _tick_boxes(self) -> str:
        """A fieldset of tick boxes; errors follow the last box, where Bootstrap shows them."""
        widget = self.field.widget
        attrs = self.build_widget_attrs({"id": self.auto_id} if self.auto_id else {})
        groups = widget.optgroups(self.html_name, widget.format_value(self.value()), attrs)
        options = [option for _, group, _ in groups for option in group]
        invalid = " is-invalid" if self.errors else ""
        name = esc(self.html_name)
        boxes = "".join(
            f'<div class="form-check"><input type="{esc(option["type"])}" '
            f'class="form-check-input{invalid}" name="{name}" value="{value_text(option["value"])}"'
            f'{html_attrs(option["attrs"])}><label for="{esc(option["attrs"].get("id", ""))}" '
            f'class="form-check-label">{esc(option["label"])}</label>'
            f"{self._errors() if number == len(options) else ''}</div>"
            for number, option in enumerate(options, 1)
        )
        described = (
            f' aria-describedby="{esc(self.aria_describedby)}"' if self.aria_describedby else ""
        )
        return (
            f'<div id="div_{esc(self.auto_id)}" class="mb-3"><fieldset{described}>'
            f"{self._label('legend', 'form-label fs-6')}<div>{boxes}</div>{self._help()}"
            "</fieldset></div>"
        )
