"""Which embedder a model name gets: a plugin's when it claims the name, else a built-in backend."""

from __future__ import annotations

import pytest
from fakes import PLUGIN, HashingEmbedder

from index.backends import load_embedder, plugin_embedder
from index.errors import ReportQAError


def test_a_plugin_supplies_the_models_it_claims() -> None:
    embedder = load_embedder("hashing-16", plugin=PLUGIN)
    assert isinstance(embedder, HashingEmbedder) and embedder.dimension == 16
    assert not embedder.trainable


def test_a_plugin_leaves_other_names_to_the_built_in_backends() -> None:
    assert plugin_embedder("all-MiniLM-L6-v2", PLUGIN) is None
    assert plugin_embedder("hashing-16", None) is None  # no plugin configured


@pytest.mark.parametrize("spec", ["no_such_module:factory", "fakes:no_such_factory", "fakes"])
def test_a_plugin_that_cannot_be_loaded_says_what_to_set(spec: str) -> None:
    with pytest.raises(ReportQAError, match="set REPORTQA_EMBEDDER_PLUGIN to 'module:callable'"):
        load_embedder("hashing-16", plugin=spec)
