"""Stored replication results: the record schema, result files, the SQLite store."""
