"""The history: SQLite, Qt-free (db: opening and migrations; recorder: writing a run; history: reading)."""
