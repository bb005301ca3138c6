-- The living briefing (issue 16) reads one baseline figure's statements at a time: every value stated and the newest
-- statements stating it. Without this, each figure read the whole of statement_figures.
CREATE INDEX ix_statement_figures_figure ON statement_figures (figure_id, value, statement_id, revision);
