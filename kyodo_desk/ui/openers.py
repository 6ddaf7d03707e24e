"""How to open a record of each kind (from the search box, a scanned code, a link).

Screens register an opener for the kinds they show; later features add their own kinds.
"""

from __future__ import annotations

from collections.abc import Callable

Opener = Callable[[int], None]
ListOpener = Callable[[str], None]  # shows a kind's list filtered by the text typed in the search box


class OpenerRegistry:
    def __init__(self) -> None:
        self._openers: dict[str, Opener] = {}
        self._lists: dict[str, ListOpener] = {}

    def register(self, kind: str, opener: Opener) -> None:
        self._openers[kind] = opener

    def remove(self, kind: str, opener: Opener) -> None:
        """Forget *opener* for *kind* (if it is still the one registered)."""
        if self._openers.get(kind) is opener:
            del self._openers[kind]

    def can_open(self, kind: str) -> bool:
        return kind in self._openers

    def open(self, kind: str, ref_id: int) -> bool:
        """Open the record; False when no screen for *kind* exists yet."""
        opener = self._openers.get(kind)
        if opener is None:
            return False
        opener(ref_id)
        return True

    # ---- 「すべて表示」: the list of a kind, filtered ------------------------------------
    def register_list(self, kind: str, opener: ListOpener) -> None:
        self._lists[kind] = opener

    def remove_list(self, kind: str, opener: ListOpener) -> None:
        if self._lists.get(kind) is opener:
            del self._lists[kind]

    def can_open_list(self, kind: str) -> bool:
        return kind in self._lists

    def open_list(self, kind: str, text: str) -> bool:
        """Show every record of *kind* matching *text*; False when no list of *kind* exists."""
        opener = self._lists.get(kind)
        if opener is None:
            return False
        opener(text)
        return True
