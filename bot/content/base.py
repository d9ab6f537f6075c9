"""Shared pieces of every content file: user-visible texts, official sources, errors naming file and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError, model_validator
from pydantic_core import core_schema


class UText(str):
    """A text a user reads. Written in Vietnamese (the source language); other locales come from
    the `content` catalogs (content/locale/<lang>/LC_MESSAGES/content_*.po, msgid = this text).
    Being a str subclass lets the catalog test find every such text by walking loaded content."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(min_length=1, strip_whitespace=True)
        )


class ContentModel(BaseModel):
    """Base for content models: unknown keys are errors (a typo must not silently drop a rule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(ContentModel):
    """An official fact: where it comes from, and whether that source was checked (ocop-reference.md)."""

    source: str
    confirmed: bool = True

    @model_validator(mode="after")
    def _source_not_blank(self) -> Sourced:
        if not self.source.strip():
            raise ValueError("source must name the decision, article or annex")
        return self


class ContentError(Exception):
    """One thing wrong in one content file, with the key path inside it."""

    def __init__(self, file: Path | str, key: str, message: str) -> None:
        self.file = str(file)
        self.key = key
        self.message = message
        super().__init__(f"{self.file}: {key or '<root>'}: {message}")


class ContentErrors(Exception):
    """Every problem found while loading content, so `ocop-bot content check` can list them all."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a ContentError naming the file and line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise ContentErrors([ContentError(path, "", "file is missing")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise ContentErrors([ContentError(path, where, f"invalid YAML: {exc}")]) from None


def parse_model(model: type[M], data: Any, path: Path) -> M:
    """Validate data against a content model; every pydantic error becomes a ContentError with its key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentErrors(
            [
                ContentError(path, ".".join(str(p) for p in err["loc"]), err["msg"])
                for err in exc.errors()
            ]
        ) from None


def load_model(model: type[M], path: Path) -> M:
    """Read and validate one YAML content file."""
    return parse_model(model, read_yaml(path), path)


def collect_texts(value: Any, found: set[str] | None = None) -> set[str]:
    """Every UText reachable from a loaded content value (models, lists, dicts)."""
    found = set() if found is None else found
    if isinstance(value, UText):
        found.add(str(value))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            collect_texts(getattr(value, name), found)
    elif isinstance(value, dict):
        for item in value.values():
            collect_texts(item, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            collect_texts(item, found)
    return found
