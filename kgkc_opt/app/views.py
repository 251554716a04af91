"""The app's page (Panel): one ``App`` per browser session, drawn again from its ``Session``
after every action, so that what the page shows is always what the session holds.

The same ``App(...).layout`` shows in a Jupyter notebook (``kgkc_opt.app.view()``). Every widget
a test drives carries a CSS class ``kg-...`` (``tests/app/test_app_e2e.py``).
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import panel as pn

from kgkc_opt.app import actions
from kgkc_opt.app.state import DEFAULT_PROGRAM, POLICIES, Session
from kgkc_opt.app.text import t

TABS = ("tab_program", "tab_money", "tab_plan", "tab_policies", "tab_annual", "tab_downloads")
TABLE_CSS = ["""
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
th { background: #eef3f8; }
td { text-align: right; }
td:nth-child(-n+2) { text-align: left; }
"""]


class App:
    """The page of one session."""

    def __init__(self, session: Session | None = None):
        self.session = session or Session()
        self.active = 0
        self.layout = pn.Column(sizing_mode="stretch_width", css_classes=["kg-app"])
        try:
            actions.ensure_program(self.session)
        except Exception as exc:  # a broken bundled program: shown, never a traceback
            self.session.error = actions.error_text(exc, self.session)
        self.render()

    # --- running an action -------------------------------------------------------------------

    def act(self, action: Callable[[], Any], notice: str = "") -> None:
        """Run ``action``; its error becomes the page's one message; then draw the page again.

        In a served page the page first shows that it is working (the spinner reaches the browser
        when this callback returns) and the action runs on the next tick; in a notebook, at once."""
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self._run(action, notice)
            return
        self.layout.loading = True
        doc.add_next_tick_callback(lambda: self._run(action, notice))

    def _run(self, action: Callable[[], Any], notice: str) -> None:
        s = self.session
        s.error, s.notice = "", ""
        try:
            action()
            s.notice = notice
        except Exception as exc:
            s.error = actions.error_text(exc, s)
        finally:
            self.layout.loading = False
        self.render()

    def _tab_changed(self, event: Any) -> None:
        self.active = event.new

    def render(self) -> None:
        s, lang = self.session, self.session.lang
        switch = pn.widgets.RadioButtonGroup(options={"Tiếng Việt": "vi", "English": "en"}, value=lang,
                                             color="primary", variant="outline", css_classes=["kg-lang"])
        switch.param.watch(lambda e: self.act(lambda: setattr(s, "lang", e.new)), "value")
        header = pn.Row(pn.pane.Markdown(f"# {t('title', lang)}\n{t('subtitle', lang)}", sizing_mode="stretch_width"),
                        pn.Column(pn.pane.Markdown(f"**{t('language', lang)}**"), switch), sizing_mode="stretch_width")
        parts: list[Any] = [header]
        if s.error:
            message = html.escape(s.error).replace("\n", "<br>")
            parts.append(pn.pane.Alert(f"**{t('error', lang)}:** {message}",
                                       alert_type="danger", css_classes=["kg-error"], sizing_mode="stretch_width"))
        elif s.notice:
            parts.append(pn.pane.Alert(s.notice, alert_type="success", css_classes=["kg-notice"],
                                       sizing_mode="stretch_width"))
        builders = (self.program_tab, self.money_tab, self.plan_tab, self.policies_tab, self.annual_tab,
                    self.downloads_tab)
        tabs = pn.Tabs(*[(t(key, lang), build()) for key, build in zip(TABS, builders, strict=True)],
                       active=self.active, dynamic=True, css_classes=["kg-tabs"], sizing_mode="stretch_width")
        tabs.param.watch(self._tab_changed, "active")
        parts.append(tabs)
        self.layout.objects = parts

    def _go(self, tab: str) -> None:
        self.active = TABS.index(tab)

    # --- the tabs ------------------------------------------------------------------------------

    def program_tab(self) -> Any:
        from kgkc_opt.inputs.files import bundled_programs

        s, lang = self.session, self.session.lang
        names = bundled_programs()
        choice = pn.widgets.Select(label=t("bundled", lang), options=names, css_classes=["kg-bundled"],
                                   value=s.program_ref if s.program_ref in names else DEFAULT_PROGRAM)
        use = pn.widgets.Button(label=t("use_bundled", lang), color="primary", css_classes=["kg-use"])
        use.on_click(lambda _e: self.act(lambda: actions.choose_program(s, choice.value)))
        upload = pn.widgets.FileInput(accept=",".join(actions.uploads.program_suffixes()),
                                      css_classes=["kg-upload-program"])
        upload.param.watch(lambda e: self.act(lambda: actions.upload_program(s, upload.filename or "", e.new),
                                              t("program_uploaded", lang, name=upload.filename)), "value")
        parts: list[Any] = [pn.Row(choice, use), pn.pane.Markdown(t("upload_program", lang)), upload]
        if s.program is not None:
            p = s.program
            parts.append(pn.pane.Markdown("**" + t("loaded", lang, title=p.title.get(lang), tasks=len(p.tasks),
                                                   first=p.years[0], last=p.years[-1], label=s.program_label) + "**",
                                          css_classes=["kg-loaded"]))
        return pn.Column(*parts)

    def money_tab(self) -> Any:
        s, lang = self.session, self.session.lang
        if s.program is None:
            return pn.Column()
        from kgkc_opt.report import fmt

        rows: list[Any] = [pn.pane.Markdown(t("money_help", lang))]
        for key, name, amounts in actions.money_sources(s):
            inputs = []
            for year in s.program.years:
                box = pn.widgets.TextInput(label=f"{year} ({fmt.number(float(amounts.get(year, 0)), lang)})",
                                           value=s.money.get(key, {}).get(year, ""), placeholder="-30%", width=130,
                                           css_classes=[f"kg-money-{key.replace('.', '-')}-{year}"])
                box.param.watch(lambda e, k=key, y=year, n=name: self.act(
                    lambda: actions.set_money(s, k, y, e.new),
                    t("money_set", lang, source=n, year=y, value=e.new or "—")), "value")
                inputs.append(box)
            rows += [pn.pane.Markdown(f"**{name}**"), pn.Row(*inputs)]
        policy = pn.widgets.RadioBoxGroup(options={t(p, lang): p for p in POLICIES}, value=s.policy, inline=True,
                                          css_classes=["kg-policy"])
        policy.param.watch(lambda e: self.act(lambda: self._set_policy(e.new)), "value")
        rows += [pn.pane.Markdown(f"**{t('policy', lang)}**"), policy]
        table = pn.widgets.Tabulator(actions.targets_frame(s), show_index=False, disabled=False, height=320,
                                     editors={c: None for c in ("task", "name", "unit", "target")},
                                     titles={c: t(c, lang) for c in ("task", "name", "unit", "target", "new_target")},
                                     css_classes=["kg-targets"], sizing_mode="stretch_width")
        table.on_edit(lambda e: self.act(lambda: actions.set_target(s, str(table.value.loc[e.row, "task"]), e.value)))
        solve = pn.widgets.Button(label=t("solve", lang), color="success", css_classes=["kg-solve"])
        solve.on_click(lambda _e: self.act(lambda: self._solve()))
        reset = pn.widgets.Button(label=t("reset", lang), css_classes=["kg-reset"])
        reset.on_click(lambda _e: self.act(lambda: self._reset()))
        rows += [pn.pane.Markdown(t("targets_help", lang)), table, pn.Row(solve, reset)]
        return pn.Column(*rows, sizing_mode="stretch_width")

    def _solve(self) -> None:
        actions.solve_plan(self.session)
        self._go("tab_plan")

    def _set_policy(self, policy: str) -> None:
        self.session.policy = policy
        self.session.clear_results()

    def _reset(self) -> None:
        self.session.money, self.session.targets, self.session.policy = {}, {}, "most-targets"
        self.session.clear_results()

    def plan_tab(self) -> Any:
        s, lang = self.session, self.session.lang
        parts: list[Any] = [pn.pane.Markdown(f"**{actions.headline(s)}**", css_classes=["kg-headline"])]
        if s.result is None or not s.result.has_plan:
            if s.result is None:
                solve = pn.widgets.Button(label=t("solve", lang), color="success", css_classes=["kg-solve-plan"])
                solve.on_click(lambda _e: self.act(lambda: actions.solve_plan(s)))
                parts.append(solve)
            return pn.Column(*parts)
        short = actions.shortfall_frame(s)
        parts += [pn.pane.Markdown(f"### {t('plan_head', lang)}"), _table(actions.plan_frame(s), "kg-plan"),
                  pn.pane.Markdown(f"### {t('short_head', lang)}")]
        parts.append(_table(short, "kg-short") if not short.empty else pn.pane.Markdown(t("short_none", lang)))
        parts.append(pn.pane.Markdown(f"### {t('charts_head', lang)}"))
        for fig in actions.chart_figures(s):
            parts.append(pn.pane.Matplotlib(fig, dpi=90, tight=True, format="png", css_classes=["kg-chart"]))
        return pn.Column(*parts, sizing_mode="stretch_width")

    def policies_tab(self) -> Any:
        s, lang = self.session, self.session.lang
        run = pn.widgets.Button(label=t("compare", lang), color="primary", css_classes=["kg-compare"])
        run.on_click(lambda _e: self.act(lambda: actions.compare_policies(s)))
        parts: list[Any] = [pn.pane.Markdown(t("compare_help", lang)), run]
        if s.comparison is not None:
            parts.append(_table(actions.policies_frame(s), "kg-policies"))
        return pn.Column(*parts, sizing_mode="stretch_width")

    def annual_tab(self) -> Any:
        s, lang = self.session, self.session.lang
        upload = pn.widgets.FileInput(accept=".csv,.xlsx", css_classes=["kg-upload-proposals"])
        upload.param.watch(lambda e: self.act(lambda: actions.upload_proposals(s, upload.filename or "", e.new)),
                           "value")
        years = list(s.program.years) if s.program is not None else []
        year = pn.widgets.Select(label=t("annual_year", lang), options=years, css_classes=["kg-annual-year"],
                                 value=years[min(3, len(years) - 1)] if years else None)
        run = pn.widgets.Button(label=t("annual_run", lang), color="primary", css_classes=["kg-annual-run"])
        run.on_click(lambda _e: self.act(lambda: actions.run_annual(s, int(year.value))))
        parts: list[Any] = [pn.pane.Markdown(t("proposals_upload", lang)), upload]
        if s.proposals_file is not None:
            parts.append(pn.pane.Markdown(t("proposals_loaded", lang, n=s.proposals_count, name=s.proposals_label)))
        parts += [pn.Row(year, run), pn.pane.Markdown(f"**{actions.annual_headline(s)}**", css_classes=["kg-annual"])]
        if s.annual is not None:
            parts.append(_table(actions.annual_frame(s), "kg-selection"))
        return pn.Column(*parts, sizing_mode="stretch_width")

    def downloads_tab(self) -> Any:
        s, lang = self.session, self.session.lang
        parts: list[Any] = [pn.pane.Markdown(t("downloads_help", lang))]
        files = (("dl_brief", "to-trinh.docx", actions.brief_docx), ("dl_workbook", "ke-hoach.xlsx",
                 actions.workbook_xlsx), ("dl_record", "ket-qua.zip", actions.record_zip))
        for key, filename, make in files:
            parts.append(pn.widgets.FileDownload(callback=self._download(make), filename=filename, label=t(key, lang),
                                                 color="primary", disabled=s.result is None,
                                                 css_classes=[f"kg-{key.replace('_', '-')}"], width=360))
        return pn.Column(*parts)

    def _download(self, make: Callable[[Session], bytes]) -> Callable[[], io.BytesIO | None]:
        def callback() -> io.BytesIO | None:
            try:
                return io.BytesIO(make(self.session))
            except Exception as exc:
                self.session.error = actions.error_text(exc, self.session)
                self.render()
                return None

        return callback


def _table(frame: pd.DataFrame, css: str) -> Any:
    return pn.pane.DataFrame(frame, index=False, css_classes=[css], stylesheets=TABLE_CSS, sizing_mode="stretch_width",
                             float_format=lambda x: f"{x:,.1f}")
