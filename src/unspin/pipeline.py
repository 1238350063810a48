"""The one document pipeline under ``unspin scan``, the server, Spark and datatrove.

    >>> from unspin.pipeline import Pipeline
    >>> pipe = Pipeline(("detect", "restore"), profile="farm.tsv")  # loads and checks now
    >>> result = pipe.run(text)          # one analysis pass feeds detect and restore
    >>> result.detection.label, result.restoration.text
    >>> result.to_row()                  # the scan schema (JSONL, Parquet, Spark, datatrove)

A :class:`Pipeline` is built once: the profile is read, its channel made and the trace index
opened at construction, so a bad file fails there, naming it, and nothing is read again per
document. :meth:`Pipeline.run` decodes a text once (:func:`unspin.restorer.analyse`) for both
detection and restoration (on the trigram path, where both read the same decoding), and
returns a typed :class:`DocResult`. Every output of a document derives from that result:
:meth:`DocResult.to_row` is the scan record (and so Spark's columns and datatrove's metadata);
the server answers with its parts' own ``to_dict``.

Tasks are a registry (:data:`TASKS`): each fills its part of the result, and :data:`ROWS`
says how each part is written into the row, in the order the tasks were asked for.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .fixes import DEFAULT_MIN_CONFIDENCE
from .io.record import Location, Record

if TYPE_CHECKING:
    from .detector import Detection
    from .fixes import Restoration
    from .profile import Profile
    from .restorer import BlockAnalysis
    from .trace import Index
    from .trace.index import TraceResult

__all__ = [
    "ROWS",
    "TASKS",
    "WARM_UP_TEXT",
    "DocResult",
    "Pipeline",
    "PipelineConfig",
    "pipeline_for",
]

#: What a pipeline reads once to load every model and table it needs (before forking).
WARM_UP_TEXT = (
    "The head of state signed the invoice as well as a number of other documents on Monday, "
    "officials said, before leaving for the summit."
)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """What to compute for each document, as plain values (stored with a scan's output).

    ``tasks`` are names in :data:`TASKS`; ``profile`` and ``index`` are paths (or, for a
    pipeline given loaded objects, the profile's name and the index folder)."""

    tasks: tuple[str, ...] = ("detect",)
    profile: str | None = None
    threshold: float | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    index: str | None = None
    top: int = 3
    # crawl scale stays on the fast path unless a neural model is asked for by name
    model: str = "trigram"

    def __post_init__(self) -> None:
        from .lm import resolve

        # an unknown name fails here, listing the choices
        object.__setattr__(self, "model", resolve(self.model))
        if not self.tasks:
            raise InputError("no task given; choose from " + ", ".join(TASKS))
        unknown = [t for t in self.tasks if t not in TASKS]
        if unknown:
            raise InputError(f"unknown task {unknown[0]!r}; choose from {', '.join(TASKS)}")
        if len(set(self.tasks)) != len(self.tasks):
            raise InputError("a task is named twice")
        if "trace" in self.tasks and not self.index:
            raise InputError("the trace task needs an index (--index DIR)")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise InputError(f"threshold must be between 0 and 1, got {self.threshold}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise InputError(f"min_confidence must be between 0 and 1, got {self.min_confidence}")
        if self.top < 1:
            raise InputError(f"top must be at least 1, got {self.top}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tasks"] = list(self.tasks)
        return d


# --------------------------------------------------------------------------- the result


@dataclass(slots=True)
class DocResult:
    """What the pipeline found in one document: one typed part per task that ran (``done``,
    in the order asked), or the reason it could not finish (``error``, ``error_kind``)."""

    id: str = ""
    location: Location | None = None
    url: str | None = None
    done: tuple[str, ...] = ()
    detection: Detection | None = None
    check: bool | None = None
    restoration: Restoration | None = None
    trace: TraceResult | None = None
    error: str | None = None
    error_kind: str | None = None

    @property
    def label(self) -> str | None:
        """The verdict: the full detection's, else the cheap check's."""
        if self.detection is not None:
            return self.detection.label
        if self.check is not None:
            return "spun" if self.check else "clean"
        return None

    def to_row(self) -> dict[str, Any]:
        """The output record: the one schema of scan's JSONL and Parquet, Spark's columns and
        datatrove's metadata."""
        row: dict[str, Any] = {"id": self.id}
        if self.location is not None:
            row["location"] = self.location.to_dict()
        if self.url is not None:
            row["url"] = self.url
        for name in self.done:
            ROWS[name](self, row)
        if self.error is not None:
            row["error"] = self.error
            row["error_kind"] = self.error_kind
        return row


def _detect_row(r: DocResult, row: dict[str, Any]) -> None:
    assert r.detection is not None
    d = r.detection.to_dict()
    row["score"] = d["score"]
    row["label"] = d["label"]
    row["profile"] = d["profile"]
    row["spans"] = d["spans"]
    row["reasons"] = d["reasons"]


def _check_row(r: DocResult, row: dict[str, Any]) -> None:
    if "label" not in row:  # a full detection, if also asked for, has the last word
        row["label"] = "spun" if r.check else "clean"
    row["check"] = r.check


def _restore_row(r: DocResult, row: dict[str, Any]) -> None:
    assert r.restoration is not None
    row["restored"] = r.restoration.text
    row["fixes"] = [f.to_dict() for f in r.restoration.fixes]


def _trace_row(r: DocResult, row: dict[str, Any]) -> None:
    assert r.trace is not None
    row["trace"] = [{"id": c.id, "score": round(float(c.score), 4)} for c in r.trace.candidates]


#: How each task's part is written into the row (:meth:`DocResult.to_row`).
ROWS: dict[str, Callable[[DocResult, dict[str, Any]], None]] = {
    "check": _check_row,
    "detect": _detect_row,
    "restore": _restore_row,
    "trace": _trace_row,
}


# --------------------------------------------------------------------------- tasks


class _Doc:
    """One text on its way through the pipeline: the analysis is made once, when first asked."""

    __slots__ = ("_analysis", "pipeline", "text")

    def __init__(self, pipeline: Pipeline, text: str) -> None:
        self.pipeline = pipeline
        self.text = text
        self._analysis: list[BlockAnalysis] | None = None

    def analysis(self) -> list[BlockAnalysis] | None:
        """The trigram analysis that detect and restore both read; None where neither reads
        one (no text, not English) or where they read different ones (a neural model)."""
        from .lm import is_neural
        from .restorer import analyse, looks_english

        if self._analysis is None:
            if is_neural(self.pipeline.config.model):
                return None
            if not self.text.strip() or not looks_english(self.text):
                return None
            self._analysis = list(analyse(self.text, self.pipeline.channel))
        return self._analysis


def _detect(doc: _Doc, r: DocResult) -> None:
    from .detector import detect

    p = doc.pipeline
    r.detection = detect(
        doc.text,
        threshold=p.config.threshold,
        model=p.config.model,
        channel=p.channel,
        analysis=doc.analysis(),
    )


def _check(doc: _Doc, r: DocResult) -> None:
    """The cheap crawl-filter path: a spun/clean verdict from dictionary features only."""
    from .detector import is_spun

    r.check = is_spun(doc.text)


def _restore(doc: _Doc, r: DocResult) -> None:
    from .restorer import restore

    p = doc.pipeline
    r.restoration = restore(
        doc.text,
        min_confidence=p.config.min_confidence,
        model=p.config.model,
        channel=p.channel,
        analysis=doc.analysis(),
    )


def _trace(doc: _Doc, r: DocResult) -> None:
    p = doc.pipeline
    if p.index is None:
        raise InputError("the trace task needs an index")
    with p.lock:  # the index is not documented as thread-safe
        r.trace = p.index.search(doc.text, top=p.config.top)


#: The tasks a pipeline runs, by name: each fills its part of the :class:`DocResult`.
TASKS: dict[str, Callable[[_Doc, DocResult], None]] = {
    "check": _check,
    "detect": _detect,
    "restore": _restore,
    "trace": _trace,
}


# --------------------------------------------------------------------------- the pipeline


def _named(thing: object) -> str | None:
    """The plain value a config stores for a profile or index given as a path or object."""
    from .profile import Profile

    if thing is None:
        return None
    if isinstance(thing, str | Path):
        return str(thing)
    if isinstance(thing, Profile):
        return thing.name
    return str(getattr(thing, "path", thing))  # an Index: its folder


class Pipeline:
    """Detect, check, restore and trace documents, everything loaded once at construction.

    ``profile`` is a :class:`~unspin.profile.Profile` or its path; ``index`` a trace
    :class:`~unspin.trace.Index` or its folder; ``model`` names the context model
    (:func:`unspin.lm.resolve`; ``None`` for the library default). A bad profile or index
    fails here with a :class:`~unspin.errors.DataFileError` naming the file.
    """

    def __init__(
        self,
        tasks: Sequence[str] = ("detect",),
        *,
        profile: Profile | str | Path | None = None,
        index: Index | str | Path | None = None,
        model: str | None = "trigram",
        threshold: float | None = None,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        top: int = 3,
    ) -> None:
        from .lm import resolve
        from .profile import Profile
        from .restorer import channel_for

        self.config = PipelineConfig(
            tuple(tasks),
            _named(profile),
            threshold,
            min_confidence,
            _named(index),
            top,
            resolve(model),
        )
        if isinstance(profile, str | Path):
            profile = Profile.load(profile)
        self.profile: Profile | None = profile
        self.channel = channel_for(profile)
        if isinstance(index, str | Path):
            from .trace import Index

            index = Index(index)
        self.index: Index | None = index
        self.lock = threading.Lock()

    @classmethod
    def from_config(cls, config: PipelineConfig) -> Pipeline:
        return cls(
            config.tasks,
            profile=config.profile,
            index=config.index,
            model=config.model,
            threshold=config.threshold,
            min_confidence=config.min_confidence,
            top=config.top,
        )

    def with_options(
        self,
        *,
        tasks: Sequence[str] | None = None,
        threshold: float | None = None,
        min_confidence: float | None = None,
        top: int | None = None,
    ) -> Pipeline:
        """The same loaded pipeline with other per-call options (a threshold of None is the
        model's own); the profile, channel, index and model are shared, not loaded again."""
        new = copy.copy(self)
        new.config = replace(
            self.config,
            tasks=tuple(tasks) if tasks is not None else self.config.tasks,
            threshold=threshold,
            min_confidence=(
                min_confidence if min_confidence is not None else self.config.min_confidence
            ),
            top=top if top is not None else self.config.top,
        )
        return new

    def run(self, text: str, *, strict: bool = False) -> DocResult:
        """Every task over ``text``. A task that fails ends the run: the result keeps what
        the tasks before it found and the error (``error_kind`` 'process'); with ``strict``
        the exception is raised instead."""
        result = DocResult()
        self._run(text, result, strict)
        return result

    def process(self, record: Record) -> DocResult:
        """:meth:`run` over an input record, keeping its id and location; a record that
        could not be read gives a result with its error. Never raises for a bad document."""
        result = DocResult(record.id, record.location, record.url)
        if record.error is not None:
            result.error = record.error
            result.error_kind = record.error_kind
            return result
        self._run(record.text, result, strict=False)
        return result

    def warm_up(self) -> None:
        """Run every task once, so that models and tables are loaded (before forking);
        raises what a task raises."""
        self.run(WARM_UP_TEXT, strict=True)

    def _run(self, text: str, result: DocResult, strict: bool) -> None:
        doc = _Doc(self, text)
        for name in self.config.tasks:
            try:
                TASKS[name](doc, result)
            except Exception as e:  # one document must never stop the job
                if strict:
                    raise
                result.error = f"{name} failed: {type(e).__name__}: {e}"
                result.error_kind = "process"
                break
            result.done += (name,)


_BUILT: dict[PipelineConfig, Pipeline] = {}


def pipeline_for(config: PipelineConfig) -> Pipeline:
    """This process's pipeline for ``config``: built and warmed up on first use (where a bad
    profile or index fails, once), then reused for every document. Scan workers forked
    after the first use share it; Spark and datatrove workers build their own once."""
    pipe = _BUILT.get(config)
    if pipe is None:
        pipe = Pipeline.from_config(config)
        pipe.warm_up()
        _BUILT[config] = pipe
    return pipe
