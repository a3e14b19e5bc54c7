"""Stage 08 (publish): figures and tables, number macros, the run report and the thesis (LaTeX and Word)."""
