from django.core.exceptions import ValidationError

from sources.text import quote_in_text


def validate_quote(quote, source):
    """Refuse a quote that its source's stored text does not contain.

    Reference-only sources have no text, so any quote (or none) is accepted.
    """
    if source is None:
        if quote:
            raise ValidationError({"source": "A quote needs the source it comes from."})
        return
    if source.text and not quote:
        raise ValidationError(
            {"quote": f"Quote the sentence of “{source}” that states this."}
        )
    if quote and source.text and not quote_in_text(quote, source.text):
        raise ValidationError(
            {
                "quote": f"This quote is not in the text of “{source}”. Copy it "
                "from the source; spacing and capitals may differ, words may not."
            }
        )
