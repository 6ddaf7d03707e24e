"""``kyodo-desk bench``: the figures of issue 12, measured on a demo database.

Each case runs several times interleaved with its baseline (so a loaded machine slows both alike),
and is judged against the targets of the issue.  No Qt here: the GUI-driving cases live in
``kyodo_desk.ui.bench_gui`` and are imported only when they run.
"""
