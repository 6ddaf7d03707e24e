"""Kyodo Desk (協働デスク): front-desk application of the Kanazawa City Civic Activity Support Center."""

__version__ = "0.1.0"
