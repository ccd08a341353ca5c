"""Self-inspection against the national indicators (R7) and replies to the public (R9): ``zhanqun inspect``.

The data model is in :mod:`zhanqun.inspect.model`; the rules compute :class:`Problem` records from one
cluster as it stood at one moment (:class:`Moment`) and the git history up to it.
"""
