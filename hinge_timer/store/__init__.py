"""The history: SQLite, Qt-free (db: opening and migrations; errors: the domain errors, chosen by SQLite's
error code; recorder: a run's records at each step boundary; writer: the recorder's writer thread and side
files; history: reading)."""
