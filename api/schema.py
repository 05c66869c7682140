"""What the OpenAPI schema says beyond drf-spectacular's guesses: the error
answers every operation can give (400 for an invalid filter, 404 for an
unknown record or cursor, 429 past the rate limit), so that a client, and
the schema conformance tests (tests/test_api_schema_fuzz.py), know them."""

from http import HTTPStatus

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# {"field": ["message", ...]} for invalid filters (the FilterSet's errors).
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
        ]
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _answer(description: str, body: dict, headers: dict | None = None) -> dict:
    answer = {
        "description": description,
        "content": {"application/json": {"schema": body}},
    }
    if headers:
        answer["headers"] = headers
    return answer


ERRORS = {
    str(HTTPStatus.BAD_REQUEST.value): _answer(
        "A parameter is invalid: its messages, by parameter.", FIELD_ERRORS
    ),
    str(HTTPStatus.NOT_FOUND.value): _answer(
        "No such record, or an invalid cursor.", DETAIL
    ),
    str(HTTPStatus.TOO_MANY_REQUESTS.value): _answer(
        "Rate limit reached (API_RATE_LIMIT per client address).",
        DETAIL,
        RETRY_AFTER,
    ),
}


def error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the error answers added to
    every operation that does not declare its own."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, answer in ERRORS.items():
                responses.setdefault(status, answer)
    return result
