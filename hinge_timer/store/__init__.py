"""The history: SQLite, Qt-free (db: opening and migrations; recorder: a run's records at each step boundary;
writer: the recorder's writer thread and side files; history: reading)."""
