"""The application's look: one calm style sheet (kept here so screens stay free of colours)."""

ACCENT = "#1f5f99"
STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #fbfbfa; }}
#sideNav {{
    background: #eef2f6; border: none; border-right: 1px solid #d5dde6;
    padding-top: 6px; outline: 0;
}}
#sideNav::item {{ padding: 10px 16px; margin: 1px 6px; border-radius: 6px; color: #22303c; }}
#sideNav::item:selected {{ background: {ACCENT}; color: white; }}
#sideNav::item:hover:!selected {{ background: #dde6ef; }}
#topBar {{ background: #ffffff; border-bottom: 1px solid #d5dde6; }}
#appTitle {{ font-weight: bold; color: {ACCENT}; }}
#globalSearch {{ padding: 5px 8px; border: 1px solid #b8c4d0; border-radius: 6px; background: #ffffff; }}
#globalSearch:focus {{ border: 2px solid {ACCENT}; }}
#searchResults {{ background: #ffffff; border: 1px solid #9fb0c2; border-radius: 4px; }}
#searchResults QListWidget {{ border: none; }}
#searchResults QListWidget::item {{ padding: 4px 6px; border-bottom: 1px solid #eef1f4; }}
#searchResults QListWidget::item:selected {{ background: #dbe8f5; color: #102030; }}
#staffList::item {{ padding: 8px 10px; border-bottom: 1px solid #eef1f4; }}
#staffList::item:selected {{ background: {ACCENT}; color: white; }}
#pageTitle {{ font-weight: bold; color: #1c2a36; }}
#pageIntro, #hint {{ color: #55606b; }}
#card {{ background: #ffffff; border: 1px solid #d9e0e7; border-radius: 8px; }}
#cardTitle {{ font-weight: bold; color: #33414e; }}
#bigNumber {{ font-weight: bold; color: {ACCENT}; }}
#fieldError {{ color: #b3261e; }}
#banner {{ background: #fff4e5; border: 1px solid #f0b35b; border-radius: 6px; padding: 6px 8px; color: #5a3b00; }}
#errorBanner {{ background: #fdecea; border: 1px solid #e0867d; border-radius: 6px; padding: 6px 8px; color: #7a1c13; }}
*[invalid="true"] {{ border: 2px solid #b3261e; border-radius: 3px; }}
QLineEdit[readOnly="true"], QAbstractSpinBox[readOnly="true"] {{
    background: #eceff2; color: #3a4550; border: 1px solid #d0d6dc; border-radius: 3px; padding: 2px 4px;
}}
QPlainTextEdit[readOnly="true"], QTextEdit[readOnly="true"] {{ background: #f3f5f7; border: 1px solid #d0d6dc; }}
QTableView {{ gridline-color: #e3e8ed; selection-background-color: #cfe0f1; selection-color: #102030; }}
QHeaderView::section {{ background: #eef2f6; padding: 5px 6px; border: none; border-right: 1px solid #d5dde6; border-bottom: 1px solid #d5dde6; }}
QStatusBar {{ background: #eef2f6; border-top: 1px solid #d5dde6; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""
