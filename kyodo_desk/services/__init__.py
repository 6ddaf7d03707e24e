"""Use cases, one module per area.  Each call opens and closes its own session, checks
permissions, writes its audit row in the same transaction and returns frozen dataclasses."""
