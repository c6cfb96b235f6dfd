"""Taking the best rows by partition gives what a full stable sort gives, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from index.search import top_rows

SCORES = st.lists(st.sampled_from([-np.inf, 0.0, 0.25, 0.5, 0.75, 1.0]), min_size=0, max_size=60)


@given(SCORES, st.integers(min_value=0, max_value=70))
def test_top_rows_are_the_first_rows_of_a_stable_sort(scores: list[float], count: int) -> None:
    values = np.array(scores, dtype=np.float32)
    expected = np.argsort(-values, kind="stable")[:count]
    assert top_rows(values, count).tolist() == expected.tolist()
