"""Fine-tuning the embedding model on questions about the corpus, before it embeds the corpus.

all-MiniLM-L6-v2 was trained on general web pairs; this report's readers paraphrase
its wording ("back-and-forth schemes" for "circular migration", "undocumented" for
"irregular").  A short contrastive fine-tune on questions written about the report,
each paired with the passage (and sentence) that answers it, teaches the model those
paraphrases.  Measured by three-fold cross-validation over our question sets (train on
two, score the third, never the questions trained on): MRR@10 rose on every fold
(README, "Retrieval quality").

The tuned model is named after what it was trained from, ``<base>@tuned-<digest>``, the
digest covering the base model, the question files and the recipe, and is kept in the
model cache shared by every index directory (``index/model_cache.py``): a second index
directory, or a second test session, reuses it.  Editing the report does not retrain it,
so a rebuild after an edit still embeds only what changed; changing the questions does.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.embedder import Embedder, SentenceTransformerEmbedder, is_tuned, resolve_model_path
from index.errors import ReportQAError
from index.evaluation import Question, is_hit, load_questions, normalise
from index.model_cache import partial_of, publish, tuned_dir, writing
from index.models import Passage
from index.sentences import sentence_spans
from ingest.pipeline import embedding_input
from ingest.progress import Progress

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer


@dataclass(frozen=True)
class Recipe:
    """How the model is tuned: one pass at 4e-5 with in-batch negatives.

    Every other pair's text in a batch is a wrong answer (sentence-transformers'
    MultipleNegativesRankingLoss, written out).  One pass at 4e-5 ranks within a question
    of two at 2e-5 on every set measured, in half the steps; one at 2e-5 lost up to three,
    and freezing the lower layers two to four.  The measurements: docs/tuning.md.
    """

    epochs: int = 1
    learning_rate: float = 4e-5
    batch_size: int = 16
    scale: float = 20.0
    warmup_steps: int = 5
    seed: int = 0


RECIPE = Recipe()


def question_files(paths: Sequence[Path]) -> list[Path]:
    """The ``.jsonl`` files named, and those in named folders, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise ReportQAError(f"{path}: no such tuning question file or folder")
    return files


def training_pairs(questions: Sequence[Question], passages: Sequence[Passage]) -> list[tuple[str, str]]:
    """``(question, text that answers it)``: the first passage holding its evidence, then that sentence.

    The passage is given as the model sees it at ingest (title, then text).  Questions
    whose evidence no passage holds (the report was edited, or they are unanswerable)
    give no pair.
    """
    pairs: list[tuple[str, str]] = []
    for question in questions:
        if not question.evidence:
            continue
        passage = next((p for p in passages if is_hit(p.text, question.evidence)), None)
        if passage is None:
            continue
        pairs.append((question.question, embedding_input(passage)))
        sentence = evidence_sentence(passage.text, question.evidence)
        if sentence is not None:
            pairs.append((question.question, sentence))
    return pairs


def evidence_sentence(text: str, evidence: Sequence[str]) -> str | None:
    """The first sentence of ``text`` that lies within an evidence quote or opens with one."""
    quotes = [normalise(quote) for quote in evidence if normalise(quote)]
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        norm = normalise(sentence)
        if norm and any(norm in quote or quote[:40] in norm for quote in quotes):
            return sentence
    return None


def tuned_name(base: str, files: Sequence[Path], recipe: Recipe = RECIPE) -> str:
    """``<base>@tuned-<digest>``: the digest changes with the base model, the questions or the recipe."""
    digest = hashlib.sha256()
    digest.update(base.encode())
    digest.update(json.dumps(asdict(recipe), sort_keys=True).encode())
    for path in files:
        digest.update(path.read_bytes())
    return f"{base}@tuned-{digest.hexdigest()[:12]}"


def has_pair(questions: Sequence[Question], passages: Sequence[Passage]) -> bool:
    """Whether any question's evidence is in ``passages`` (``training_pairs`` would give a pair)."""
    return any(
        question.evidence and any(is_hit(p.text, question.evidence) for p in passages)
        for question in questions
    )


def fine_tune(
    base: str,
    pairs: Sequence[tuple[str, str]],
    out: Path,
    recipe: Recipe = RECIPE,
    *,
    progress: bool = False,
) -> None:
    """Train ``base`` on ``pairs`` with in-batch negatives and save it to ``out`` (atomically).

    The model is saved to ``<out>.partial`` and renamed to ``out`` once whole, so a
    killed tuning leaves nothing that is loaded.  Seeded, so the same pairs give the same
    model on the same machine.  ``progress`` reports the steps on stderr.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(recipe.seed)  # dropout
    model = SentenceTransformer(resolve_model_path(base), device="cpu")
    optimiser = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate)
    order = list(pairs)
    shuffle = random.Random(recipe.seed).shuffle
    model.train()
    step = 0
    steps = recipe.epochs * -(-len(order) // recipe.batch_size)
    counter = Progress("tuning", steps, unit="steps", enabled=progress)
    features = _tokenise(model, [text for pair in order for text in pair])
    for _ in range(recipe.epochs):
        shuffle(order)
        for first in range(0, len(order), recipe.batch_size):
            batch = order[first : first + recipe.batch_size]
            vectors = _encode(model, [q for q, _ in batch] + [a for _, a in batch], features)
            questions, answers = vectors[: len(batch)], vectors[len(batch) :]
            scores = questions @ answers.T * recipe.scale
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
            for group in optimiser.param_groups:
                group["lr"] = recipe.learning_rate * min(1.0, (step + 1) / recipe.warmup_steps)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            step += 1
            counter.advance()
    counter.close()
    model.eval()
    partial = partial_of(out)
    partial.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(partial))
    publish(partial, out)


_GROUP_TOKENS = 1024
"""Most tokens, padding included, in one forward pass of ``_encode``."""


def _encode(
    model: SentenceTransformer, texts: list[str], features: dict[str, dict[str, torch.Tensor]] | None = None
) -> torch.Tensor:
    """Unit vectors for ``texts`` with gradients (``encode`` runs without them).

    Texts of like length run together, each group padded to its longest text, rather
    than all to the batch's longest: a question is some 20 tokens, a passage up to 180,
    and padding every text to the longest doubled the tokens run.  ``features`` holds
    the texts tokenised once (``_tokenise``).
    """
    import torch

    features = features if features is not None else _tokenise(model, texts)
    lengths = [features[text]["input_ids"].shape[1] for text in texts]
    groups: list[list[int]] = []
    for i in sorted(range(len(texts)), key=lengths.__getitem__):
        if groups and (len(groups[-1]) + 1) * lengths[i] <= _GROUP_TOKENS:
            groups[-1].append(i)
        else:
            groups.append([i])
    pad = getattr(model.tokenizer, "pad_token_id", None) or 0
    parts = [
        model(_collate([features[texts[i]] for i in group], pad))["sentence_embedding"] for group in groups
    ]
    order = torch.tensor([i for group in groups for i in group])
    embeddings = torch.cat(parts)[torch.argsort(order)]
    return torch.nn.functional.normalize(embeddings, dim=-1)


def _tokenise(model: SentenceTransformer, texts: Sequence[str]) -> dict[str, dict[str, torch.Tensor]]:
    """Each distinct text's features, unpadded, as the model's own tokeniser gives them."""
    prepare = getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers 6
    return {text: prepare([text]) for text in dict.fromkeys(texts)}


def _collate(features: list[dict[str, torch.Tensor]], pad: int) -> dict[str, torch.Tensor]:
    """One batch of single texts' features, each padded to the longest (``pad`` ids, zeros elsewhere)."""
    import torch

    width = max(f["input_ids"].shape[1] for f in features)
    batch = dict(features[0])
    for key, value in features[0].items():
        if isinstance(value, torch.Tensor) and value.dim() == 2:
            fill = pad if key == "input_ids" else 0
            batch[key] = torch.cat(
                [torch.nn.functional.pad(f[key], (0, width - f[key].shape[1]), value=fill) for f in features]
            )
    return batch


@dataclass(frozen=True)
class Tuning:
    """Fine-tune ``base`` on question files, once per model ``cache``; later builds reuse it.

    ``cache`` is the model cache (None: the user's).  Two processes that would train the
    same model do not both train it: the second waits for the first and loads its model.
    With ``train_now`` off, a model not in the cache yet is not trained: the build goes on
    with the base model, and the service trains it behind (``service/tuning_job.py``).
    """

    cache: Path | None
    files: tuple[Path, ...]
    batch_size: int = 32
    recipe: Recipe = RECIPE
    progress: bool = False
    train_now: bool = True

    def target(self, base: str) -> str | None:
        """The tuned model ``base`` would become; None when it is not tuned (no questions, or tuned)."""
        if is_tuned(base) or not self.files:
            return None
        return tuned_name(base, self.files, self.recipe)

    def is_cached(self, base: str) -> bool:
        """Whether the tuned model for ``base`` is in the cache (a build would not train it)."""
        name = self.target(base)
        return name is not None and tuned_dir(self.cache, name).is_dir()

    def __call__(self, base: Embedder, passages: Sequence[Passage]) -> Embedder:
        """The embedder to build with: the tuned model, trained now if it is not on disk yet."""
        name = self.target(base.name)
        if name is None or not base.trainable:
            return base
        out = tuned_dir(self.cache, name)
        questions = [q for path in self.files for q in load_questions(path)]
        # Checked even when the model is cached: it was trained for other sources than these.
        if not has_pair(questions, passages):
            print(
                "warning: no tuning question's evidence is in these sources; embedding with "
                f"{base.name} as it is",
                file=sys.stderr,
            )
            return base
        if not out.is_dir() and not self.train_now:
            print(
                f"{name} is not in the model cache yet: building with {base.name} now; the service "
                "tunes it in the background and swaps it in (reportqa status shows how far it is; "
                "reportqa tune tunes now)",
                file=sys.stderr,
            )
            return base
        if not out.is_dir():
            waiting = f"waiting for another process tuning {name} ..."
            with writing(out, waiting=waiting):
                if not out.is_dir():  # not finished by the process we waited for
                    pairs = training_pairs(questions, passages)
                    print(f"tuning {base.name} on {len(pairs)} question pairs ...", file=sys.stderr)
                    began = time.perf_counter()
                    fine_tune(base.name, pairs, out, self.recipe, progress=self.progress)
                    print(f"tuned {name} in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        return _tuned_embedder(name, self.cache, self.batch_size)


@functools.lru_cache(maxsize=2)
def _tuned_embedder(name: str, cache: Path | None, batch_size: int) -> SentenceTransformerEmbedder:
    """Loaded once per process: ``ingest --watch`` and the service's reindex build again and again."""
    return SentenceTransformerEmbedder(name, batch_size=batch_size, cache=cache)


def tuning(
    cache: Path | None,
    paths: Sequence[Path],
    *,
    batch_size: int = 32,
    progress: bool = False,
    train_now: bool = True,
) -> Tuning | None:
    """The tuning step for builds with the model ``cache``, from question files or folders (none for none)."""
    files = question_files(paths)
    if not files:
        return None
    return Tuning(cache, tuple(files), batch_size=batch_size, progress=progress, train_now=train_now)
