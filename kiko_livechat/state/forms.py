"""Translated form errors and notices, kept as codes so a language switch re-translates them."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import reflex as rx

from kiko_livechat.i18n import translate
from kiko_livechat.services.errors import AuthFailed, ServiceError


@dataclass
class Outcome:
    refused: bool = False


def as_id(value: object) -> int | None:
    """A row id sent back by the browser (a string of digits); None for anything else,
    which the services answer with "not found"."""
    return int(value) if isinstance(value, str) and value.isdigit() else None


def form_flag(form_data: dict, name: str) -> bool:
    """A checkbox or switch of a submitted form: it sends "on" when checked and nothing otherwise."""
    return form_data.get(name) in ("on", True)


class FormFeedback(rx.State, mixin=True):
    """Per-form errors by field ("" for the whole form) and a success notice."""

    _errors: dict[str, tuple[str, dict]] = {}
    _notice: str = ""

    @rx.var
    def errors(self) -> dict[str, str]:
        return {field: translate(self.locale, code, **params) for field, (code, params) in self._errors.items()}

    @rx.var
    def notice(self) -> str:
        return translate(self.locale, self._notice) if self._notice else ""

    def _clear_feedback(self) -> None:
        self._errors = {}
        self._notice = ""

    def _fail(self, error: ServiceError) -> None:
        self._errors = {error.field or "": (error.code, dict(error.params))}
        self._notice = ""

    def _fail_code(self, code: str, field: str = "") -> None:
        self._errors = {field: (code, {})}
        self._notice = ""

    @contextmanager
    def _reporting(self) -> Iterator[Outcome]:
        """Around a service call: a refusal (ServiceError) is shown on the form and swallowed,
        the caller checks `outcome.refused`; a lost session (AuthFailed) goes on up."""
        outcome = Outcome()
        try:
            yield outcome
        except AuthFailed:
            raise
        except ServiceError as error:
            self._fail(error)
            outcome.refused = True

    def _succeed(self, notice_code: str) -> None:
        self._errors = {}
        self._notice = notice_code
