"""Sound for cues: which sound a cue gets, when it may play, and the backends that play it.

``vocabulary``, ``wavs`` and ``planner`` know nothing of Qt (they are tested on their own);
``backends`` holds the players (Qt Multimedia, simpleaudio, silent) behind one small interface.
"""
