"""The application layer: services between the screens and the core, free of widgets (Qt allowed).

``messages``: the one route for notices to the user; ``history``: the history service (opening, the
resume rules, the dose advice, the History screen's data, export, the recorder's life); ``run``: the run
service (a session entry, a dose and a resume made into a running session, and its result); ``preferences``:
mute, volume and flash, which say when they change; ``sound``: the window's sound and a session's own lines;
``commands``: every user command, declared once; ``instance``: one window per data folder (a second start
hands its request to the first)."""
