"""Sound for cues: which sound a cue gets, when it may play, and the backends that play it.

``vocabulary`` (each cue's sound), ``planner`` (which sound plays, waits or gives way), ``wavs``,
``render`` (a session's own lines, rendered ahead by espeak-ng) and ``wire`` (the frames exchanged with
the sound engine process) know nothing of Qt and are tested on their own; ``backend`` holds the
interface every player implements, with the simpleaudio and silent players.  The Qt Multimedia player
is in ``hinge_timer.qt`` (``qt_backend``, run in its own process by ``audio_proc``).
"""
