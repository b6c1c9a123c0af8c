"""The application layer: services between the screens and the core, free of widgets (Qt allowed).

``messages``: the one route for notices to the user; ``history``: the history service (opening, the
resume rules, the dose advice, the History screen's data, export, the recorder's life)."""
