"""Fiches page: one output job — prepare on the store thread, render off the GUI thread, record the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from milpj_desktop.changes import Changes
from milpj_desktop.errors import KnownError
from milpj_desktop.handouts import Handout, prepare_batch
from milpj_desktop.handouts.history import Output, record_printed
from milpj_desktop.worker import TaskContext
from ui.context import AppContext
from ui.ops import Op
from ui.printing import in_qt_thread, print_to, write_pdf
from ui.qt import QPrinter


@dataclass
class JobRequest:
    """What to print: one template, its parameters, and optionally one parameter varied over a list."""

    template_id: str
    raw: Mapping[str, object]
    large_print: bool = False
    copies: int = 1
    vary: str | None = None
    variants: Sequence[str] = field(default_factory=list)


class HandoutJob:
    """Three background steps; the GUI gets progress, then done(pages) or failed(message) or cancelled()."""

    def __init__(
        self,
        app: AppContext,
        request: JobRequest,
        *,
        pdf: Path | None = None,
        printer: QPrinter | None = None,
        today: dt.date | None = None,
    ) -> None:
        if (pdf is None) == (printer is None):
            raise ValueError("un PDF ou une imprimante, l'un des deux")
        self.app = app
        self.request = request
        self.pdf = pdf
        self.printer = printer
        self.today = today or dt.date.today()
        self.on_progress: Callable[[int, int, str], None] = lambda done, total, label: None
        self.on_done: Callable[[int], None] = lambda pages: None
        self.on_failed: Callable[[str], None] = lambda message: None
        self.on_cancelled: Callable[[], None] = lambda: None
        # Asked between preparing and printing (on the GUI thread): False stops with nothing written.
        self.confirm: Callable[[list[Handout]], bool] = lambda handouts: True
        self.current: Op[Any] | None = None
        self.cancelled = False
        self.handouts: list[Handout] = []

    @property
    def output(self) -> Output:
        return "pdf" if self.pdf is not None else "imprimante"

    def start(self) -> HandoutJob:
        request, settings, today = self.request, self.app.settings, self.today

        def prepare_task(ctx: TaskContext) -> list[Handout]:
            return prepare_batch(
                ctx.store.conn,
                request.template_id,
                request.raw,
                vary=request.vary,
                variants=list(request.variants),
                settings=settings,
                today=today,
                large_print=request.large_print,
                progress=ctx.progress,
                check_cancelled=ctx.check_cancelled,
            )

        self._run(self.app.runner.db(prepare_task), self._render)
        return self

    def cancel(self) -> None:
        self.cancelled = True
        if self.current is not None:
            self.current.cancel()

    def _run(self, op: Op[Any], then: Callable[[Any], None]) -> None:
        self.current = op
        op.progress(self.on_progress).success(then).failure(self._failed).on_cancel(self.on_cancelled).run()

    def _failed(self, error: KnownError) -> None:
        self.on_failed(error.message)

    def _render(self, handouts: list[Handout]) -> None:
        if self.cancelled or not self.confirm(handouts):
            self.on_cancelled()
            return
        self.handouts = handouts
        copies, pdf, printer = self.request.copies, self.pdf, self.printer

        def render_task(ctx: TaskContext) -> int:
            def work() -> int:
                if pdf is not None:
                    return write_pdf(
                        handouts, pdf, copies=copies, progress=ctx.progress, check_cancelled=ctx.check_cancelled
                    )
                assert printer is not None
                return print_to(
                    printer, handouts, copies=copies, progress=ctx.progress, check_cancelled=ctx.check_cancelled
                )

            return in_qt_thread(work)

        self._run(self.app.runner.background(render_task), self._record)

    def _record(self, pages: int) -> None:
        handouts, copies, output = self.handouts, self.request.copies, self.output
        at = dt.datetime.now().replace(microsecond=0)

        def record_task(ctx: TaskContext) -> tuple[int, Changes]:
            _, changes = record_printed(ctx.store, handouts, copies=copies, output=output, at=at)
            return pages, changes

        self._run(self.app.runner.change(record_task), self.on_done)
