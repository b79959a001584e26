"""Reading a phone's request: its headers as today's browsers send them
(repeats joined), its cookies (the first of each name) and its form (in the
phone's charset: a GBK phone's form signs in too), and setting the phone's
cookie."""

from __future__ import annotations

import codecs
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

#: Fields of a form, at most.
MAX_FIELDS = 64


class FormUnreadable(ValueError):
    """The body is not a form this server reads (its charset is unknown, it
    does not decode, it is compressed or multipart, it has too many fields)."""


def header(request: Request, name: str) -> str:
    """A header's value, repeats joined (a cookie's with "; ")."""
    values = request.headers.getlist(name)
    return ("; " if name == "cookie" else ", ").join(values)


def cookies(request: Request) -> dict[str, str]:
    """The Cookie header's pairs (the first of each name)."""
    found: dict[str, str] = {}
    for part in header(request, "cookie").split(";"):
        name, equals, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name or name in found:
            continue
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        found[name] = value
    return found


async def form(request: Request) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body (the
    first value of each name; its ``charset``, UTF-8 if none is named).
    Any other type of body has no fields. Raises FormUnreadable."""
    if header(request, "content-encoding").strip().lower() not in ("", "identity"):
        raise FormUnreadable("compressed body")
    kind, params = _content_type(header(request, "content-type"))
    if kind == "multipart/form-data":
        # The page's form is never sent so (it has no enctype).
        raise FormUnreadable("multipart body")
    if kind not in ("", "application/x-www-form-urlencoded"):
        return {}
    charset = params.get("charset") or "utf-8"
    body = await request.body()
    try:
        codecs.lookup(charset)
        pairs = parse_qsl(
            body.decode(charset),
            keep_blank_values=True,
            encoding=charset,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (LookupError, ValueError) as error:  # UnicodeDecodeError is a ValueError
        raise FormUnreadable(type(error).__name__) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    """``text/html; charset=utf-8`` -> ("text/html", {"charset": "utf-8"})."""
    kind, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        name, equals, param = part.partition("=")
        if equals:
            params.setdefault(name.strip().lower(), param.strip().strip('"'))
    return kind.strip().lower(), params


def set_cookie(response: Response, name: str, value: str, *, max_age: int) -> None:
    """An HttpOnly cookie for the whole site (the value a cookie-safe token)."""
    response.headers.append(
        "Set-Cookie", f"{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax"
    )
