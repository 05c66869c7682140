"""The public site's forms (the list filters live in filters.py)."""

import re

from django import forms
from django.core.validators import URLValidator

from corrections.models import CorrectionRequest

# An HTML tag or comment as browsers read one: "<b>", "</p>", "<img src=x>",
# "<!-- -->". "a < b > c" and "1<2" are plain text.
HTML_TAG = re.compile(r"</?[a-z!?][^<>]*>", re.IGNORECASE)
HTML_MESSAGE = "Write plain text: HTML tags such as <b> or <a href=…> are not accepted."
WEB_SCHEMES = ["http", "https"]
TOO_LONG = "Shorten this to %(limit_value)d characters or fewer: it has %(show_value)d."
URL_MESSAGE = "Enter a web link that starts with http:// or https://."


def _plain_text(value):
    if HTML_TAG.search(value):
        raise forms.ValidationError(HTML_MESSAGE, code="html")


class WebURLField(forms.URLField):
    """An http or https link; any other scheme (javascript:, ftp:, data:) is
    refused."""

    default_validators = [URLValidator(schemes=WEB_SCHEMES)]
    default_error_messages = {"invalid": URL_MESSAGE}


class CorrectionForm(forms.ModelForm):
    """A reader's report of an error. ``website`` is a honeypot: hidden from
    people, filled by spam robots."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    source_url = WebURLField(
        label="Source link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A page that gives the correct value (http or https).",
        error_messages={"max_length": TOO_LONG},
    )

    class Meta:
        model = CorrectionRequest
        fields = ["what_is_wrong", "correct_value", "source_url", "email"]
        labels = {
            "what_is_wrong": "What is wrong?",
            "correct_value": "The correct value, if you know it",
            "email": "Your email",
        }
        help_texts = {
            "what_is_wrong": "Plain text, up to 2,000 characters.",
            "correct_value": "Up to 500 characters.",
            "email": "Only if an editor may write to you about the report; it is "
            "never shown on the site.",
        }
        widgets = {
            "what_is_wrong": forms.Textarea(attrs={"rows": 6, "cols": 60}),
            "correct_value": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }
        error_messages = {
            "what_is_wrong": {
                "required": "Say what is wrong on the page.",
                "max_length": TOO_LONG,
            },
            "correct_value": {"max_length": TOO_LONG},
            "email": {
                "invalid": "Enter a valid email address, or leave it empty.",
                "max_length": TOO_LONG,
            },
        }

    def clean_what_is_wrong(self):
        value = self.cleaned_data["what_is_wrong"]
        _plain_text(value)
        return value

    def clean_correct_value(self):
        value = self.cleaned_data["correct_value"]
        _plain_text(value)
        return value

    @property
    def is_spam(self) -> bool:
        """A robot filled the hidden field."""
        return bool(self.data.get("website", "").strip())
