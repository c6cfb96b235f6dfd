"""The same sentence-transformers model, run by ONNX Runtime instead of PyTorch.

``export_onnx`` turns the model (transformer, mean pooling and normalisation) into
one ONNX graph, once, with PyTorch; the graph also gives each token's last-layer
vector, for late interaction (``index/late.py``); ``OnnxEmbedder`` then needs only
``onnxruntime`` and ``tokenizers``, so a service using it never imports torch:
that is most of its cold start.  The export is kept once per user, in the model cache
(``index/model_cache.py``) shared by every index directory::

    <cache>/<model-slug>/onnx/encoder.onnx        float32, the model's own weights
    <cache>/<model-slug>/onnx/encoder_int8_per_channel.onnx   int8 weights, one scale per channel

One process exports at a time (the others wait, then find it done); each graph is
written whole beside the folder and renamed in, so a killed export is done again.
The float32 graph gives the PyTorch vectors to within 1e-6 (cosine); the int8 graph
is about 3x faster and within 0.99 cosine.  We export with ``torch.onnx`` directly
(sentence-transformers' ``backend="onnx"`` needs ``optimum``).  Measurements and the
variants not kept: docs/operations.md ("The int8 question embedder").
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedder import Encoded, punctuation_ids, resolve_model_path, unit_rows, whole_words, words
from index.errors import ReportQAError
from index.model_cache import model_home, writing

ONNX_DIR = "onnx"
# Named for what they output (the vector and the token vectors); graphs an older release exported
# (model.onnx, model_int8_per_channel.onnx: the vector alone) are replaced at the next start.
FLOAT_FILE = "encoder.onnx"
INT8_FILE = "encoder_int8_per_channel.onnx"
BACKENDS = ("torch", "onnx", "onnx-int8")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def onnx_dir(cache: Path | None, model: str) -> Path:
    """Where the model cache keeps ``model``'s graphs (``cache`` None: the user's)."""
    return model_home(cache, model) / ONNX_DIR


def graph_path(directory: Path, *, quantized: bool) -> Path:
    """The exported graph a backend runs: float32, or int8 (``quantized``)."""
    return directory / (INT8_FILE if quantized else FLOAT_FILE)


def is_exported(directory: Path) -> bool:
    """Both graphs are in ``directory`` (an export from an older release may lack the int8 one)."""
    return all(graph_path(directory, quantized=q).exists() for q in (False, True))


def export_onnx(model: str, directory: Path, *, cache: Path | None = None) -> None:
    """Export ``model`` (float32 and int8) into ``directory``; needs torch, run once per model.

    ``cache`` is the model cache, where a tuned model's weights are found.  While another
    process exports into ``directory`` this waits for it, and does not export again.
    """
    with writing(directory, waiting=f"waiting for another process exporting {model} to ONNX ...") as staged:
        if is_exported(directory):
            return
        with warnings.catch_warnings():  # the tracer's notes on shapes are about other models' code paths
            warnings.simplefilter("ignore")
            _export(model, staged, resolve_model_path(model, cache))
        directory.mkdir(parents=True, exist_ok=True)
        os.replace(staged / INT8_FILE, directory / INT8_FILE)
        os.replace(staged / FLOAT_FILE, directory / FLOAT_FILE)
    for stale in directory.glob("*.onnx"):  # graphs an older release exported (model.onnx, ...)
        if stale.name not in (FLOAT_FILE, INT8_FILE):
            stale.unlink(missing_ok=True)


def _export(model: str, staged: Path, path: str) -> None:
    """Write both graphs of the model at ``path`` into the new folder ``staged``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        transformer = AutoModel.from_pretrained(path).eval()
    except (OSError, ValueError) as exc:
        raise ReportQAError(f"cannot export model {model!r} to ONNX: {exc}") from exc

    class Pooled(torch.nn.Module):
        """Transformer, mean pooling over real tokens, L2 norm (as modules.json says); and the tokens."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1), hidden

    sample = tokenizer(
        ["a question", "a longer question about the report"], padding=True, return_tensors="pt"
    )
    staged.mkdir(parents=True)
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    torch.onnx.export(
        Pooled(),
        tuple(sample[name] for name in _INPUTS),
        str(staged / FLOAT_FILE),
        input_names=list(_INPUTS),
        output_names=["embedding", "tokens"],
        dynamic_axes={**axes, "embedding": {0: "batch"}, "tokens": {0: "batch", 1: "tokens"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_logger = logging.getLogger()  # onnxruntime's advice to pre-process goes to the root logger
    level = quantize_logger.level
    quantize_logger.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            str(staged / FLOAT_FILE), str(staged / INT8_FILE), weight_type=QuantType.QInt8, per_channel=True
        )
    finally:
        quantize_logger.setLevel(level)


def max_tokens(model_path: str) -> int:
    config = Path(model_path) / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return 256


class OnnxEmbedder:
    """An exported model run by ONNX Runtime: ``embed`` as ``SentenceTransformerEmbedder.embed``."""

    def __init__(
        self,
        name: str,
        *,
        directory: Path,
        cache: Path | None = None,
        quantized: bool = False,
        threads: int = 0,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        graph = graph_path(directory, quantized=quantized)
        if not graph.exists():
            raise ReportQAError(f"no ONNX export at {graph}; run: reportqa ingest (it exports the model)")
        model_path = resolve_model_path(name, cache)
        self._tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_tokens(model_path))
        self._tokenizer.enable_padding()
        vocabulary = self._tokenizer.get_vocab()
        self._punctuation = punctuation_ids(vocabulary)
        self.whole_words = whole_words(vocabulary)
        options = onnxruntime.SessionOptions()
        if threads > 0:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.name = name
        self.backend = "onnx-int8" if quantized else "onnx"
        self.trainable = False
        self.dimension = int(self._session.get_outputs()[0].shape[1] or self._probe_dimension())
        self.batch_size = 32

    def _probe_dimension(self) -> int:
        return int(self._run(["x"])[0].shape[1])

    def _run(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The vectors of ``texts``, their tokens' last layer and ids (padded) and each text's token count."""
        encodings = self._tokenizer.encode_batch(list(texts))
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        feed = {
            "input_ids": ids,
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        vectors, hidden = self._session.run(None, feed)
        return np.asarray(vectors, dtype=np.float32), hidden, ids, mask.sum(axis=1)

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> list[Encoded]:
        """Vectors and token vectors of ``texts``, as ``SentenceTransformerEmbedder.encode``."""
        out: list[Encoded] = []
        for start in range(0, len(texts), self.batch_size):
            vectors, hidden, ids, lengths = self._run(texts[start : start + self.batch_size])
            for row, (vector, length) in enumerate(zip(vectors, lengths, strict=True)):
                # Unit rows, without [CLS], [SEP], the padding and punctuation.
                real = slice(1, int(length) - 1)
                tokens = words(hidden[row, real], ids[row, real], self._punctuation)
                out.append(Encoded(vector, unit_rows(tokens)))
        return out

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Sort by length so a batch pads to similar lengths, as sentence-transformers does.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._run([texts[i] for i in chunk])[0]
        return np.ascontiguousarray(out)
