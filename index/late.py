"""Late interaction: every word piece of the question against its best match in a passage.

The passage vector and the best sentence's vector each squeeze a text into one
point; a question that shares the passage's topic with several neighbours ranks
them nearly alike.  Matching token by token, as ColBERT does (the mean over the
question's word pieces of the best cosine with any word piece of the passage),
tells them apart by which passage holds the question's very words and their
paraphrases, in context.  Here the token vectors are the tuned MiniLM's own last
layer, as the model already computes them for its mean-pooled vector: no second
model, and the question's come out of the same forward pass.

It reranks the best ``CANDIDATES`` passages of the other signals, weighed
``WEIGHT`` against their 2.6 (``index/search.py``).  Over our five question sets
(286 answerable questions; extra and extra2 on indexes tuned without them),
Hit@1 0.825 -> 0.864, MRR@10 0.889 -> 0.912, Hit@5 0.965 -> 0.979: three sets
better (extra4, written last, 0.756 -> 0.854), dev the same, extra a question worse
(0.845 -> 0.833).  Weights 1.5-3 and 20-30 candidates (or all passages) gave the
same within a question or two; weight 1 gave half the gain.  The weight was chosen
over the five sets together; the untuned model, which it was not chosen with, gains
as much (README, "Ablation").
The question's [CLS] and [SEP] are left out; dropping its stopwords too changed nothing.
About 0.2-0.3 ms a question over 20 candidates.
"""

from __future__ import annotations

import numpy as np

WEIGHT = 2.0
CANDIDATES = 20


class TokenVectors:
    """The unit token vectors of every passage, concatenated in passage order."""

    def __init__(self, tokens: np.ndarray, offsets: np.ndarray) -> None:
        if offsets.ndim != 1 or offsets[0] != 0 or offsets[-1] != len(tokens) or np.any(np.diff(offsets) < 0):
            raise ValueError(f"token offsets do not cover {len(tokens)} token vectors")
        self.tokens = np.ascontiguousarray(tokens, dtype=np.float32)
        self.offsets = offsets.astype(np.int64)

    @classmethod
    def of(cls, per_passage: list[np.ndarray]) -> TokenVectors:
        lengths = [len(t) for t in per_passage]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return cls(np.concatenate(per_passage), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def scores(self, query_tokens: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """For each passage in ``rows``: the mean over query tokens of its best cosine in the passage.

        One small product per passage over a view of its rows: twice as fast as gathering
        the candidates' rows into one matrix first, and 5x faster than scoring every passage.
        """
        query = np.asarray(query_tokens, dtype=np.float32)
        out = np.zeros(len(rows), dtype=np.float32)
        if len(query) == 0:
            return out
        for slot, row in enumerate(rows):
            start, end = self.offsets[row], self.offsets[row + 1]
            if end > start:
                out[slot] = (query @ self.tokens[start:end].T).max(axis=1).mean()
        return out
