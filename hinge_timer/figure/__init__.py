"""The figure that shows how a drill is done: movements as data, poses as a pure function, no Qt.

``movement.py`` reads the movement library (``assets/movements/``), ``motion.py`` gives the pose at any
moment of a drill, and ``body.py`` turns a pose into joint positions; ``ui/figure.py`` draws them.
"""
