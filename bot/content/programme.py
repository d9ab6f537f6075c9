"""Programme-wide lists: the six OCOP product groups and the kinds of producer (chủ thể OCOP)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import model_validator

from bot.content.base import ContentErrors, ContentModel, Sourced, UText, load_model

NAME = "programme"
FILE = "programme.yaml"


class ProductGroup(ContentModel):
    code: str
    label: UText


class ProducerType(ContentModel):
    code: str
    label: UText
    registered: bool
    """False for a producer without business registration (must register before joining OCOP)."""


class ProductGroups(Sourced):
    items: list[ProductGroup]


class ProducerTypes(Sourced):
    items: list[ProducerType]


class Programme(ContentModel):
    product_groups: ProductGroups
    producer_types: ProducerTypes

    @model_validator(mode="after")
    def _unique_codes(self) -> Programme:
        for name, items in (("product_groups", self.product_groups.items), ("producer_types", self.producer_types.items)):
            codes = [i.code for i in items]
            if len(codes) != len(set(codes)):
                raise ValueError(f"{name}: duplicate codes")
        return self

    @cached_property
    def group_by_code(self) -> dict[str, ProductGroup]:
        return {g.code: g for g in self.product_groups.items}

    @cached_property
    def producer_type_by_code(self) -> dict[str, ProducerType]:
        return {t.code: t for t in self.producer_types.items}


def load(root: Path) -> Programme:
    return load_model(Programme, root / FILE)


def load_or_none(root: Path) -> Programme | None:
    """programme.yaml for other parts' cross-checks; None if it is broken (this part reports its own errors)."""
    try:
        return load(root)
    except ContentErrors:
        return None
