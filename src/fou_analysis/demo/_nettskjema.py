"""Builders for a Nettskjema API v3 elements codebook (``GET /api/v3/form/{id}/elements``).

The key order and the null/empty defaults copy a real response (the ``nettskjemar`` test
recordings), so a reader written against real codebooks works on the demo codebook.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_ELEMENT_KEYS = (
    "elementId",
    "questionId",
    "text",
    "description",
    "elementType",
    "dateFormat",
    "sequence",
    "maxSelectedAnswerOptions",
    "imageUrl",
    "altText",
    "linearScaleType",
    "nationalIdNumberType",
    "repeatedNationalIdRequired",
    "nationalIdNumberOfLetters",
    "nationalIdNumberOfDigits",
    "isAutofill",
    "image",
    "isMandatory",
    "isHorizontal",
    "isRangeMarksShown",
    "externalElementId",
    "minimumValue",
    "maximumValue",
    "sendAdditionalRecipientEmail",
    "useForRedirectToForm",
    "minimumValueText",
    "midValueText",
    "maximumValueText",
    "numberOfDecimals",
    "routingReferenceIds",
    "answerOptions",
    "answerOptionsVisibilityFilter",
    "subElements",
    "validationScripts",
    "isAnswerHashed",
    "maxNumberOfCharacters",
    "isRandomizedOrder",
)
_FALSE_KEYS = {
    "isMandatory",
    "isHorizontal",
    "isRangeMarksShown",
    "sendAdditionalRecipientEmail",
    "useForRedirectToForm",
    "isAnswerHashed",
    "isRandomizedOrder",
}
_LIST_KEYS = {
    "routingReferenceIds",
    "answerOptions",
    "answerOptionsVisibilityFilter",
    "subElements",
    "validationScripts",
}


def element(**fields: Any) -> dict[str, Any]:
    """One element with every key of the real API, defaults as the API sends them."""
    unknown = set(fields) - set(_ELEMENT_KEYS)
    if unknown:
        raise KeyError(f"not a Nettskjema element key: {sorted(unknown)}")
    out: dict[str, Any] = {}
    for key in _ELEMENT_KEYS:
        if key in fields:
            out[key] = fields[key]
        elif key in _FALSE_KEYS:
            out[key] = False
        elif key in _LIST_KEYS:
            out[key] = []
        else:
            out[key] = None
    return out


def answer_options(
    first_id: int, external_element_id: str | None, options: Sequence[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Answer options ``(code, label)`` in display order."""
    return [
        {
            "answerOptionId": first_id + i,
            "sequence": i + 1,
            "text": label,
            "redirectToForm": None,
            "isPreselected": False,
            "isCorrect": False,
            "additionalRecipientEmail": None,
            "externalAnswerOptionId": code,
            "image": None,
            "imageUrl": None,
            "altText": None,
            "externalElementId": external_element_id,
            "textOrAltText": label,
        }
        for i, (code, label) in enumerate(options)
    ]
