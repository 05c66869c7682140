"""Django's form renderer, with ``<select>`` elements built in Python.

Django renders each ``<option>`` of a select through two template includes;
a list page's filter form (249 countries, the metrics, the publishers...)
spent about 40 ms of a 75 ms cold render there (issue 16, cProfile of the
figure list). This renderer writes the same markup as Django's
``select.html``, ``select_option.html`` and ``attrs.html`` directly, escaped
the same way; any other template, or a select whose options use another
template, goes through the templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def render_attrs(attrs):
    """As attrs.html: `` name="value"``, `` name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return "".join(parts)


def render_select(widget):
    """As select.html, for the ``widget`` dict of a Select's context."""
    parts = [format_html('<select name="{}"', widget["name"])]
    parts.append(render_attrs(widget["attrs"]) + ">")
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    mark_safe(render_attrs(option["attrs"])),
                    conditional_escape(option["label"]),
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _plain_options(widget):
    return all(
        option.get("template_name") == OPTION_TEMPLATE
        for _, options, _ in widget["optgroups"]
        for option in options
    )


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT_TEMPLATE and widget and _plain_options(widget):
            return render_select(widget)
        return super().render(template_name, context, request)
