"""The content as loaded at start-up, and what is built from it once for every request.

Webhooks never parse YAML or index keywords: the app loads and checks the content once
(``init_app``) and every handler reads it through the accessors here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from flask import Flask, current_app

from ..content import Content
from ..core.keywords import KeywordTable
from ..core.prompts import deployment_values

EXTENSION = "helpline.content"


@dataclass
class LoadedContent:
    """The enabled languages and catalogue, with the tables made from them."""

    content: Content
    #: Placeholder values fixed for this deployment ({helpline_name}, ...).
    values: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def keywords(self) -> KeywordTable:
        """Every enabled language's words, indexed once and shared by voice and SMS."""
        return KeywordTable.from_content(self.content)


def init_app(app: Flask, content: Content) -> LoadedContent:
    loaded = LoadedContent(content, deployment_values(app.config))
    app.extensions[EXTENSION] = loaded
    return loaded


def loaded_content(app: Flask | None = None) -> LoadedContent:
    """What ``init_app`` loaded, for ``app`` or the current app."""
    return (app or current_app).extensions[EXTENSION]


def current_content() -> Content:
    """The content loaded at start-up for the running app."""
    return loaded_content().content
