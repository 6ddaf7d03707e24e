"""Every page fits the width of a 1366-pixel laptop screen beside the navigation: no page may need
a horizontal scroll bar (the 団体 page once did: its registration bar cut off the header buttons)."""

from __future__ import annotations

LAPTOP_WIDTH = 1366


def test_every_page_fits_beside_the_navigation_on_a_laptop_screen(window):
    free = LAPTOP_WIDTH - window.nav.sizeHint().width() - 24  # the window frame and the stack's margins
    too_wide = {}
    for key in window.pages:
        page = window.show_page(key)
        needed = page.minimumSizeHint().width()
        if needed > free:
            too_wide[key] = needed
    assert too_wide == {}, f"pages wider than {free} px (free beside the navigation at {LAPTOP_WIDTH} px)"


def test_the_publication_list_is_one_button_with_a_menu(window):
    page = window.show_page("groups")
    bar = page.registration_bar
    menu = bar.list_button.menu()
    assert [a.text() for a in menu.actions() if a.isVisible()] == ["プレビュー・印刷…", "CSVで保存…"]
