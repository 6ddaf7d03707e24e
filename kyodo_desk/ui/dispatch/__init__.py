"""Advisor dispatch (アドバイザー派遣): roster, applications, scheduling, calendar, documents, statistics."""
