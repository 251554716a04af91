"""What one browser session of the app holds: the program, the planner's edits, the last results.

Plain Python (no web framework): the actions (``kgkc_opt.app.actions``) change it and the views
(``kgkc_opt.app.views``) show it, so it is tested without a browser. Every file the session writes
(an uploaded program or proposals file, the scenario it builds, the documents it offers for
download) goes into its own temporary folder, removed when the session ends.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PROGRAM = "kien-giang-2021-2025"
POLICIES = ("most-targets", "fair", "keep-cofunding")


@dataclass
class Session:
    """One planner's session. ``money`` maps a source key ("budget", "cofunding" or
    "funding.<source id>") to the year's entry as typed ("-30%", "3500"; empty: unchanged);
    ``targets`` holds only the targets the planner changed."""

    lang: str = "vi"
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kgkc-app-")))
    program_ref: str = DEFAULT_PROGRAM  # a bundled name, or the uploaded file's name in ``folder``
    program_label: str = DEFAULT_PROGRAM  # what the planner chose or uploaded (for messages)
    program: Any = None
    money: dict[str, dict[int, str]] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)
    policy: str = "most-targets"
    scenario: Any = None
    result: Any = None
    base_result: Any = None
    seconds: float = 0.0
    comparison: Any = None
    study: Any = None  # analysis.study.ScenarioStudy of the plan: why tasks fall short, gains, policies (once)
    figures: dict[str, list[Any]] = field(default_factory=dict)  # the plan's charts, by language
    decided: Any = None  # the plan of the program as decided (to compare with), once per program
    proposals_file: Path | None = None
    proposals_label: str = ""
    proposals_count: int = 0
    annual: Any = None  # runs.AnnualRun
    uploaded: dict[str, str] = field(default_factory=dict)  # saved path -> the name the planner uploaded
    error: str = ""  # the one message the page shows, in the page's language
    notice: str = ""

    def clear_results(self) -> None:
        """Forget what was computed from the previous inputs."""
        self.scenario = self.result = self.base_result = self.comparison = self.annual = self.study = None
        self.figures = {}
        self.seconds = 0.0

    def close(self) -> None:
        """Remove the session's temporary folder."""
        shutil.rmtree(self.folder, ignore_errors=True)
