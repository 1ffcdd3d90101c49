"""Query parameters: whole numbers within what the database stores, words from a fixed list,
text, each given once; anything else is a clear 422 naming the parameter (never a silent
default)."""

from starlette.requests import Request

from kiko_livechat.api.errors import ApiError

# Ids, pages and offsets are stored as 32-bit integers.
ID_MAX = 2**31 - 1


def text_param(request: Request, name: str) -> str | None:
    """The parameter's one value (None when absent); given twice is a 422, not a guess."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ApiError(422, "api.error.repeated_parameter", field=name, name=name)
    return values[0] if values else None


def int_param(request: Request, name: str, default: int | None = None, *, minimum: int = 0) -> int | None:
    """A whole-number query parameter from `minimum` to ID_MAX; absent or empty: `default`."""
    value = text_param(request, name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 10:  # "²" is a digit to Python
        raise ApiError(422, "api.error.not_a_number", field=name, name=name)
    number = int(value)
    if not minimum <= number <= ID_MAX:
        raise ApiError(422, "error.number_range", field=name, min=minimum, max=ID_MAX)
    return number


def choice_param(request: Request, name: str, choices: tuple[str, ...] | list[str], default: str) -> str:
    """A query parameter that is one of `choices`; absent: `default`."""
    value = text_param(request, name)
    if value is None:
        return default
    if value not in choices:
        raise ApiError(422, "error.invalid_choice", field=name)
    return value
